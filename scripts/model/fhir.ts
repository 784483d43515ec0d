/**
 * Plain STU3 (3.0.2) interfaces shared by every stage. Only the parts of the conformance
 * resources the toolchain reads are spelled out; everything else stays reachable through
 * the `[key: string]: unknown` escape on open-ended shapes, never through `any`.
 */

/** A JSON value as FHIR JSON carries it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** An object of parsed JSON (whose values are JSON values by construction). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface Element {
  id?: string;
  extension?: Extension[];
}

export interface Extension extends Element {
  url: string;
  [valueX: `value${string}`]: unknown;
}

export interface Coding extends Element {
  system?: string;
  version?: string;
  code?: string;
  display?: string;
  userSelected?: boolean;
}

export interface CodeableConcept extends Element {
  coding?: Coding[];
  text?: string;
}

export interface Meta extends Element {
  versionId?: string;
  lastUpdated?: string;
  profile?: string[];
  security?: Coding[];
  tag?: Coding[];
}

export interface Resource {
  resourceType: string;
  id?: string;
  meta?: Meta;
  implicitRules?: string;
  language?: string;
  [key: string]: unknown;
}

export interface DomainResource extends Resource {
  text?: { status: string; div: string };
  contained?: Resource[];
  extension?: Extension[];
  modifierExtension?: Extension[];
}

export interface ContactDetail extends Element {
  name?: string;
  telecom?: Array<{ system?: string; value?: string; use?: string }>;
}

/** Fields every canonical (conformance) resource shares. */
export interface CanonicalResource extends DomainResource {
  url?: string;
  version?: string;
  name?: string;
  title?: string;
  status?: string;
  experimental?: boolean;
  date?: string;
  publisher?: string;
  contact?: ContactDetail[];
  description?: string;
  copyright?: string;
}

export interface ElementDefinitionType extends Element {
  code: string;
  profile?: string;
  targetProfile?: string;
  aggregation?: string[];
  versioning?: string;
}

export interface ElementDefinitionDiscriminator extends Element {
  type: 'value' | 'exists' | 'pattern' | 'type' | 'profile';
  path: string;
}

export interface ElementDefinitionSlicing extends Element {
  discriminator?: ElementDefinitionDiscriminator[];
  description?: string;
  ordered?: boolean;
  rules: 'closed' | 'open' | 'openAtEnd';
}

export interface ElementDefinitionBase extends Element {
  path: string;
  min: number;
  max: string;
}

export interface ElementDefinitionBinding extends Element {
  strength: 'required' | 'extensible' | 'preferred' | 'example';
  description?: string;
  valueSetUri?: string;
  valueSetReference?: { reference?: string; display?: string };
}

export interface ElementDefinitionConstraint extends Element {
  key: string;
  requirements?: string;
  severity: 'error' | 'warning';
  human: string;
  expression?: string;
  xpath?: string;
  source?: string;
}

export interface ElementDefinitionMapping extends Element {
  identity: string;
  language?: string;
  map: string;
  comment?: string;
}

/** Value-bearing choice properties of ElementDefinition (`fixedCode`, `patternCodeableConcept`, `defaultValueString`, ...). */
export type ElementValueKey = `fixed${string}` | `pattern${string}` | `defaultValue${string}` | `minValue${string}` | `maxValue${string}`;

export interface ElementDefinition extends Element {
  path: string;
  representation?: string[];
  sliceName?: string;
  label?: string;
  code?: Coding[];
  slicing?: ElementDefinitionSlicing;
  short?: string;
  definition?: string;
  comment?: string;
  requirements?: string;
  alias?: string[];
  min?: number;
  max?: string;
  base?: ElementDefinitionBase;
  contentReference?: string;
  type?: ElementDefinitionType[];
  meaningWhenMissing?: string;
  orderMeaning?: string;
  example?: Array<{ label: string; [valueX: `value${string}`]: unknown }>;
  maxLength?: number;
  condition?: string[];
  constraint?: ElementDefinitionConstraint[];
  mustSupport?: boolean;
  isModifier?: boolean;
  isSummary?: boolean;
  binding?: ElementDefinitionBinding;
  mapping?: ElementDefinitionMapping[];
  [valueX: ElementValueKey]: unknown;
}

export interface StructureDefinition extends CanonicalResource {
  resourceType: 'StructureDefinition';
  url: string;
  name: string;
  kind: 'primitive-type' | 'complex-type' | 'resource' | 'logical';
  abstract: boolean;
  contextType?: 'resource' | 'datatype' | 'extension';
  context?: string[];
  type: string;
  baseDefinition?: string;
  derivation?: 'specialization' | 'constraint';
  fhirVersion?: string;
  mapping?: Array<{ identity: string; uri?: string; name?: string; comment?: string }>;
  snapshot?: { element: ElementDefinition[] };
  differential?: { element: ElementDefinition[] };
}

export interface CodeSystemConcept extends Element {
  code: string;
  display?: string;
  definition?: string;
  designation?: Array<{ language?: string; use?: Coding; value: string }>;
  property?: Array<{ code: string; [valueX: `value${string}`]: unknown }>;
  concept?: CodeSystemConcept[];
}

export interface CodeSystem extends CanonicalResource {
  resourceType: 'CodeSystem';
  caseSensitive?: boolean;
  valueSet?: string;
  content: 'not-present' | 'example' | 'fragment' | 'complete';
  count?: number;
  concept?: CodeSystemConcept[];
}

export interface ValueSetFilter extends Element {
  property: string;
  op: string;
  value: string;
}

export interface ValueSetInclude extends Element {
  system?: string;
  version?: string;
  concept?: Array<{ code: string; display?: string; designation?: unknown[] }>;
  filter?: ValueSetFilter[];
  valueSet?: string[];
}

export interface ValueSetExpansionContains extends Element {
  system?: string;
  abstract?: boolean;
  inactive?: boolean;
  version?: string;
  code?: string;
  display?: string;
  contains?: ValueSetExpansionContains[];
}

export interface ValueSet extends CanonicalResource {
  resourceType: 'ValueSet';
  immutable?: boolean;
  compose?: { lockedDate?: string; inactive?: boolean; include: ValueSetInclude[]; exclude?: ValueSetInclude[] };
  expansion?: { identifier: string; timestamp: string; total?: number; contains?: ValueSetExpansionContains[] };
}

export interface OperationOutcomeIssue extends Element {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  details?: CodeableConcept;
  diagnostics?: string;
  location?: string[];
  expression?: string[];
}

export interface OperationOutcome extends DomainResource {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

export interface BundleEntry extends Element {
  fullUrl?: string;
  resource?: Resource;
  [key: string]: unknown;
}

export interface Bundle extends Resource {
  resourceType: 'Bundle';
  type: string;
  total?: number;
  entry?: BundleEntry[];
}

/**
 * The profiles a resource claims in `meta.profile`: its string entries. A payload may put anything there
 * (a string, numbers, null, objects); the structure validators report the shape, and everything that reads
 * the claim reads it through this.
 */
export function claimedProfiles(resource: unknown): readonly string[] {
  const profile = metaProfile(resource);
  if (!Array.isArray(profile)) return NO_PROFILES;
  // Nearly always every entry is a URL: the payload's own array, not a copy (read only).
  return profile.every(isProfileUrl) ? (profile as readonly string[]) : profile.filter(isProfileUrl);
}

/** Whether a resource claims `url` in `meta.profile` (claimedProfiles(resource).includes(url), with no array made). */
export function claimsProfile(resource: unknown, url: string): boolean {
  const profile = metaProfile(resource);
  return url !== '' && Array.isArray(profile) && profile.includes(url);
}

/** `meta.profile` as the payload has it, whatever its shape. */
function metaProfile(resource: unknown): unknown {
  const meta = typeof resource === 'object' && resource !== null ? (resource as { meta?: unknown }).meta : undefined;
  return typeof meta === 'object' && meta !== null ? (meta as { profile?: unknown }).profile : undefined;
}

const isProfileUrl = (p: unknown): p is string => typeof p === 'string' && p !== '';

const NO_PROFILES: readonly string[] = Object.freeze([]);

export function isStructureDefinition(r: Resource): r is StructureDefinition {
  return r.resourceType === 'StructureDefinition';
}
export function isValueSet(r: Resource): r is ValueSet {
  return r.resourceType === 'ValueSet';
}
export function isCodeSystem(r: Resource): r is CodeSystem {
  return r.resourceType === 'CodeSystem';
}

/** Field access by name on a model object (choice-typed properties such as `fixedCode` are addressed this way). */
export function fieldsOf(o: object): Record<string, unknown> {
  return o as Record<string, unknown>;
}

/** An element's `fixed[x]` (exact) or `pattern[x]` value. */
export interface FixedValue {
  /** `fixedUri`, `patternCodeableConcept`. */
  readonly key: string;
  readonly value: JsonValue;
  readonly pattern: boolean;
}

/** The element's `fixed[x]` or `pattern[x]`, undefined when it has neither. */
export function fixedOrPattern(element: ElementDefinition): FixedValue | undefined {
  for (const [key, value] of Object.entries(fieldsOf(element))) {
    if (value === undefined) continue;
    if (key.startsWith('fixed')) return { key, value: value as JsonValue, pattern: false };
    if (key.startsWith('pattern')) return { key, value: value as JsonValue, pattern: true };
  }
  return undefined;
}
