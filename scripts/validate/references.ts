/**
 * References: inside a Bundle, a `reference` equal to an entry's fullUrl, or `Type/id` (relative, or the
 * tail of an absolute URL) naming an entry, resolves to that entry's resource; `#id` resolves to a
 * contained resource. A resolved target must suit the element's `targetProfile`: for a base-type target, it
 * is of that type; for a profile, it claims that profile in `meta.profile`, or conforms to it all the same
 * (`TargetProfiles.conformance`: a claimed profile derives from it, or the target validates against it).
 * A literal `Type/id` that resolves nowhere is still checked on its type. Unresolvable references are not errors in searchset/transaction/batch/history
 * Bundles; in document and message Bundles they are warnings, in collection Bundles (which may refer outside themselves) information. A conditional reference
 * (`Patient?identifier=...`, http.html#trules) is a search the server resolves when it processes a
 * transaction or batch: there it is checked on its type only, anywhere else it is an error.
 */
import { claimedProfiles, claimsProfile, type ElementDefinition, type Resource } from '../model/fhir.js';
import { isObject } from '../util/values.js';
import { FHIR_TYPE_BASE } from '../resolve/element-model.js';
import { NO_ISSUES, type ValidationIssue } from './issues.js';
import { ruleIssue } from './policy.js';

/** Where references of one resource can point: its Bundle's entries and its own contained resources. */
export interface ReferenceScope {
  readonly bundle?: BundleScope;
  readonly contained: ReadonlyMap<string, ReferenceTarget>;
}

/** A Bundle's entries by the keys references name them by. */
export interface BundleScope {
  readonly bundle: Resource;
  readonly type: string;
  readonly byKey: ReadonlyMap<string, ReferenceTarget>;
  /** False when no two entries have the same fullUrl (true may also mean a fullUrl equal to another entry's `Type/id`). */
  readonly fullUrlRepeated: boolean;
}

/**
 * A resource a reference can lead to, with where it is: the location of the resource holding it and its
 * index there (a Bundle entry's or a contained resource's), its own location written only for a message.
 */
export interface ReferenceTarget {
  readonly resource: Resource;
  readonly holder: string;
  readonly index: number;
  readonly entry: boolean;
}

function targetLocation(t: ReferenceTarget): string {
  return t.entry ? `${t.holder}.entry[${t.index}].resource` : `${t.holder}.contained[${t.index}]`;
}

const NO_ERROR_BUNDLES = new Set(['searchset', 'transaction', 'transaction-response', 'batch', 'batch-response', 'history']);

/** Bundles whose entries a server processes, resolving conditional references. */
const CONDITIONAL_BUNDLES = new Set(['transaction', 'batch']);

/** `Type?query`: a conditional reference. */
const CONDITIONAL = /^([A-Z][A-Za-z]+)\?./;

/** The lookup keys of a Bundle's entries: fullUrl, `Type/id`. */
export function bundleScope(bundle: Resource, location: string): BundleScope {
  const byKey = new Map<string, ReferenceTarget>();
  let fullUrlRepeated = false;
  const entries: unknown[] = Array.isArray(bundle.entry) ? bundle.entry : [];
  entries.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const fullUrl = typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined;
    // A fullUrl that is not a string is no key, but bdl-7 compares its text: let it look for itself.
    if (fullUrl === undefined && entry.fullUrl !== undefined && entry.fullUrl !== null) fullUrlRepeated = true;
    const resource = entry.resource as Resource | undefined;
    if (!isObject(resource) || typeof resource.resourceType !== 'string') {
      // Not a key, but bdl-7 counts every entry's fullUrl.
      if (fullUrl !== undefined) fullUrlRepeated = true;
      return;
    }
    const target: ReferenceTarget = { resource, holder: location, index: i, entry: true };
    if (fullUrl !== undefined) {
      const size = byKey.size;
      byKey.set(fullUrl, target);
      if (byKey.size === size) fullUrlRepeated = true;
    }
    // `Type/id`, unless that is the fullUrl already set (a relative fullUrl): no string made for it.
    if (typeof resource.id === 'string' && !(fullUrl !== undefined && isTypeAndId(fullUrl, resource.resourceType, resource.id))) byKey.set(`${resource.resourceType}/${resource.id}`, target);
  });
  return { bundle, type: typeof bundle.type === 'string' ? bundle.type : '', byKey, fullUrlRepeated };
}

function isTypeAndId(url: string, type: string, id: string): boolean {
  return url.length === type.length + 1 + id.length && url.charCodeAt(type.length) === 0x2f && url.startsWith(type) && url.endsWith(id);
}

/** The contained scope of a resource that contains nothing (most do): one for all, never added to. */
const NO_CONTAINED: ReferenceScope['contained'] = new Map<string, ReferenceTarget>();

export function containedScope(resource: Resource, location: string): ReferenceScope['contained'] {
  if (!Array.isArray(resource.contained) || resource.contained.length === 0) return NO_CONTAINED;
  const byId = new Map<string, ReferenceTarget>();
  const contained: unknown[] = resource.contained;
  contained.forEach((c, i) => {
    if (isObject(c) && typeof c.id === 'string' && typeof c.resourceType === 'string') byId.set(c.id, { resource: c as unknown as Resource, holder: location, index: i, entry: false });
  });
  return byId;
}

/** The target profiles an element's Reference type allows (the base Resource when it names none). */
export function referenceTargets(def: ElementDefinition): string[] {
  return (def.type ?? []).filter((t) => t.code === 'Reference').map((t) => t.targetProfile ?? `${FHIR_TYPE_BASE}Resource`);
}

/** What the reference checks ask of the profiles a Reference's targets name. */
export interface TargetProfiles {
  /** The resource type a profile constrains (undefined: it does not resolve). */
  type(url: string): string | undefined;
  /** Whether resource type `type` is `base` or derives from it (`Patient` is a `DomainResource`, `Bundle` is not). */
  isA(type: string, base: string): boolean;
  /**
   * Why a resolved target that does not claim profile `url` does not conform to it all the same (undefined:
   * it does), within the Bundle scope it was found in.
   */
  conformance(resource: Resource, url: string, bundle: BundleScope | undefined): string | undefined;
}

/** Checks one Reference value against its element's target profiles (referenceTargets). */
export function checkReferenceTo(targets: readonly string[], value: unknown, location: string, scope: ReferenceScope, profiles: TargetProfiles): ValidationIssue[] {
  if (typeof value !== 'object' || value === null) return NO_ISSUES;
  const reference = (value as Record<string, unknown>).reference;
  if (typeof reference !== 'string' || reference === '') return NO_ISSUES;
  const conditional = reference.includes('?') ? CONDITIONAL.exec(reference) : null;
  if (conditional) {
    if (!scope.bundle || !CONDITIONAL_BUNDLES.has(scope.bundle.type))
      return [ruleIssue('reference-conditional', `${location}.reference`, `reference '${reference}' is a conditional reference, which only a transaction or batch Bundle may carry`)];
    return targetTypeIssues(reference, conditional[1], targets, `${location}.reference`, profiles);
  }
  const found = resolveReference(reference, scope);
  if (found) return targets.length === 0 ? NO_ISSUES : resolvedTargetIssues(reference, found, targets, `${location}.reference`, scope.bundle, profiles);
  const literal = targets.length > 0 ? LITERAL.exec(reference) : null;
  const wrongType = literal ? targetTypeIssues(reference, literal[1], targets, `${location}.reference`, profiles) : NO_ISSUES;
  if (!scope.bundle || reference.startsWith('#') || NO_ERROR_BUNDLES.has(scope.bundle.type)) return wrongType;
  const rule = scope.bundle.type === 'collection' ? 'reference-unresolved-collection' : 'reference-unresolved';
  return [...wrongType, ruleIssue(rule, `${location}.reference`, `reference '${reference}' does not resolve to an entry of this ${scope.bundle.type} Bundle`)];
}

/** A literal reference, relative or absolute, `Type/id` with an optional version: its type. */
const LITERAL = /^(?:.*\/)?([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/**
 * A resolved target against the element's targets: it suits one when it is of a base type named, claims a
 * profile named, or conforms to a profile of its own type named without claiming it (the first reason it
 * does not is given).
 */
function resolvedTargetIssues(reference: string, found: ReferenceTarget, targets: readonly string[], at: string, bundle: BundleScope | undefined, profiles: TargetProfiles): ValidationIssue[] {
  const resource = found.resource;
  // A profile may share the base types' URL prefix (HL7's own, such as `.../StructureDefinition/vitalsigns`): each target is tried both ways.
  for (const t of targets) if (isBaseTarget(resource.resourceType, t, profiles) || claimsProfile(resource, t)) return NO_ISSUES;
  let reason: string | undefined;
  for (const t of targets) {
    const type = profiles.type(t);
    // A target profile that does not resolve cannot be checked: the target is allowed, as a literal reference is.
    if (type === undefined) return NO_ISSUES;
    // A profile of another type cannot hold of it (nor can a base type: its own matched above): no walk needed to say so.
    if (type !== resource.resourceType) continue;
    const why = profiles.conformance(resource, t, bundle);
    if (why === undefined) return NO_ISSUES;
    reason ??= why;
  }
  return [
    ruleIssue(
      'reference-target',
      at,
      `reference '${reference}' resolves to ${resource.resourceType} at ${targetLocation(found)}${claimed(resource)}, which is none of the allowed targets ${targets.join(', ')}${reason ? `: ${reason}` : ''}`,
    ),
  ];
}

/** A reference known only by the type it names (`Patient/1`, `Patient?identifier=...`) against the element's targets. */
function targetTypeIssues(reference: string, type: string, targets: readonly string[], at: string, profiles: TargetProfiles): ValidationIssue[] {
  if (targets.length === 0) return NO_ISSUES;
  const types: string[] = [];
  for (const t of targets) {
    // The type a target constrains, read from its definition (a name under the base URL may be a profile: `vitalsigns` constrains Observation).
    const allowed = profiles.type(t);
    // A target that does not resolve, or any resource, allows the type.
    if (allowed === undefined || allowed === 'Resource' || allowed === type || (allowed === 'DomainResource' && profiles.isA(type, allowed))) return NO_ISSUES;
    if (!types.includes(allowed)) types.push(allowed);
  }
  return [ruleIssue('reference-target', at, `reference '${reference}' is to a ${type}, the element allows ${types.join(' | ')}`)];
}

/** resolve() for FHIRPath: a reference's target resource in this scope, by the same rule as the reference checks. */
export function referenceResolver(scope: ReferenceScope): (reference: string) => Resource | undefined {
  return (reference) => resolvedResource(reference, scope);
}

/** The resource a reference names in this scope, by the rule above (slice discriminators' `resolve()` use it too). */
export function resolvedResource(reference: string, scope: ReferenceScope): Resource | undefined {
  return resolveReference(reference, scope)?.resource;
}

function resolveReference(reference: string, scope: ReferenceScope): ReferenceTarget | undefined {
  if (reference.startsWith('#')) return scope.contained.get(reference.slice(1));
  const bundle = scope.bundle;
  if (!bundle) return undefined;
  const direct = bundle.byKey.get(reference);
  if (direct) return direct;
  const m = /([A-Z][A-Za-z]+\/[^/]+)(?:\/_history\/[^/]+)?$/.exec(reference);
  return m ? bundle.byKey.get(m[1]) : undefined;
}

/** Whether a base-type target (`.../StructureDefinition/Patient`) allows a resource of this type (DomainResource: not a Bundle, Binary or Parameters). */
function isBaseTarget(type: string, target: string, profiles: TargetProfiles): boolean {
  return isBaseOf(target, 'Resource') || isBaseOf(target, type) || (isBaseOf(target, 'DomainResource') && profiles.isA(type, 'DomainResource'));
}

/** Whether `target` is the base definition of type `type` (compared in place: no string cut per reference). */
function isBaseOf(target: string, type: string): boolean {
  return target.length === FHIR_TYPE_BASE.length + type.length && target.endsWith(type) && target.startsWith(FHIR_TYPE_BASE);
}

function claimed(resource: Resource): string {
  const profiles = claimedProfiles(resource);
  return profiles.length ? ` (claiming ${profiles.join(', ')})` : ' (claiming no profile)';
}
