/**
 * The validator: a FHIR JSON resource checked in two layers, the result one OperationOutcome in a stable
 * order.
 *
 * 1. Structure: the compiled JSON Schema validator (the standalone ajv module the build emits, or the same
 *    module generated and imported from memory) of the profile; the validator checks every resource
 *    nested in it (contained, Bundle entries, Parameters resources) against its own claimed profiles or
 *    base type.
 * 2. Semantics: slicing, extensions, bindings, FHIRPath invariants, references (semantic.ts), walked along
 *    the profile's snapshot.
 *
 * The profile is the one asked for, else those the resource claims in `meta.profile`, else its base type.
 * Text payloads go through readJsonPayload first (size, encoding, shape and prototype-key checks); XML
 * payloads through the XML rules of FHIR and the type-aware reader (xml-payload.ts).
 */
import type { OperationOutcome, Resource, StructureDefinition } from '../model/fhir.js';
import { toOperationOutcome, type ValidationIssue } from './issues.js';
import { readJsonPayload, type PayloadLimits } from './json-payload.js';
import { applyOverrides, type RuleOverrides } from './policy.js';
import { withOptions, type SemanticContext } from './semantic-context.js';
import { validateClaimed, validateSemantics } from './semantic.js';
import { ANY_RESOURCE, structureIssues, type CompiledValidator, type ValidatorTable } from './structure.js';
import { xmlPayloadIssues } from './xml-payload.js';

export interface ValidateOptions {
  /** Canonical URL of the profile to validate against (default: `meta.profile`, then the base type). */
  profile?: string;
  /** Evaluate FHIRPath invariants (default true). */
  invariants?: boolean;
  /** Check narrative XHTML (default true; the XML path has its XML rules do it). */
  narrative?: boolean;
  /** Run the semantic layer (slicing, extensions, bindings, invariants, references); false: structure only. Default true. */
  semantic?: boolean;
  /**
   * Severity overrides by rule id (the policy table of policy.ts, or an invariant key such as `dom-6`): a
   * severity, or `off` to drop the rule's issues. Added to (and winning over) the validator's own.
   */
  rules?: RuleOverrides;
}

export interface ValidatorParts {
  /** Structure validators by profile URL or base resource type name. */
  structure: ValidatorTable;
  /** Profiles (with snapshots), terminology and element model for the semantic layer. */
  semantic: SemanticContext;
  limits?: Partial<PayloadLimits>;
  /** Severity overrides by rule id for every validation (see ValidateOptions.rules). */
  rules?: RuleOverrides;
}

export class Validator {
  private readonly parts: ValidatorParts;
  /** The structure validators in a Map: looked up by URLs fresh from each payload, which a Map hashes once per string. */
  private readonly validators: ReadonlyMap<string, CompiledValidator>;

  constructor(parts: ValidatorParts) {
    const validators = new Map(Object.entries(parts.structure));
    this.validators = validators;
    // The semantic layer leaves to the structure validators the required bindings they carry compiled.
    const compiledProfile = (sd: StructureDefinition) => validators.has(sd.url) || (sd.derivation !== 'constraint' && validators.has(sd.type));
    this.parts = { ...parts, semantic: { ...parts.semantic, compiledProfile } };
  }

  /** Validates a parsed resource. */
  validate(resource: unknown, options: ValidateOptions = {}): OperationOutcome {
    return toOperationOutcome(this.issues(resource, options));
  }

  /** Validates a JSON payload given as text or bytes. */
  validateJson(payload: string | Uint8Array, options: ValidateOptions = {}): OperationOutcome {
    return toOperationOutcome(this.jsonIssues(payload, options));
  }

  jsonIssues(payload: string | Uint8Array, options: ValidateOptions = {}): ValidationIssue[] {
    const read = readJsonPayload(payload, this.parts.limits);
    return read.value ? [...read.issues, ...this.issues(read.value, options)] : read.issues;
  }

  /** Validates an XML payload given as text or bytes: the XML rules of FHIR while reading it (xml-rules.ts), then every layer above on its JSON. */
  validateXml(payload: string | Uint8Array, options: ValidateOptions = {}): OperationOutcome {
    return toOperationOutcome(this.xmlIssues(payload, options));
  }

  xmlIssues(payload: string | Uint8Array, options: ValidateOptions = {}): ValidationIssue[] {
    return xmlPayloadIssues(this, this.parts.semantic.model, payload, { ...options, narrative: false }, this.parts.limits);
  }

  /** The issues of a parsed resource, unsorted. */
  issues(resource: unknown, options: ValidateOptions = {}): ValidationIssue[] {
    if (typeof resource !== 'object' || resource === null || Array.isArray(resource) || typeof (resource as Resource).resourceType !== 'string')
      return [{ severity: 'fatal', code: 'structure', diagnostics: 'not a FHIR resource: expected a JSON object with a resourceType', expression: '' }];
    const r = resource as Resource & Record<string, unknown>;
    const location = r.resourceType;
    const semantic = options.invariants === false || options.narrative === false ? withOptions(this.parts.semantic, { invariants: options.invariants !== false, narrative: options.narrative !== false }) : this.parts.semantic;
    if (!semantic.model.isResourceType(r.resourceType)) return [{ severity: 'error', code: 'structure', diagnostics: `unknown resourceType '${r.resourceType}'`, expression: location }];
    const issues: ValidationIssue[] = [];
    // Nested resources (contained, Bundle entries) are checked inside the structure validator, each against its own claimed profiles.
    for (const issue of this.structure(r, location, options.profile)) issues.push(issue);
    if (options.semantic === false) return issues;
    if (options.profile) {
      const sd = semantic.profiles(options.profile);
      if (!sd) issues.push({ severity: 'error', code: 'not-found', diagnostics: `profile ${options.profile} not found`, expression: location });
      else issues.push(...validateSemantics(r, sd, semantic, location));
    } else issues.push(...validateClaimed(r, semantic, location));
    const rules = options.rules ? { ...this.parts.rules, ...options.rules } : this.parts.rules;
    return applyOverrides(dedupe(issues), rules);
  }

  /** Structure issues of one resource against the asked-for profile, else by what it claims (the `Resource` validator: each claimed profile that has a validator, else its base type). */
  private structure(resource: Record<string, unknown>, location: string, profile: string | undefined): ValidationIssue[] {
    const validator = this.validators.get(profile ?? ANY_RESOURCE);
    if (validator) return structureIssues(resource, validator, location);
    return profile ? [{ severity: 'error', code: 'not-found', diagnostics: `no structure validator for ${profile}: it is not a profile of this package`, expression: location }] : [];
  }
}

/** The same issue found twice (by two claimed profiles, or by both layers) is reported once. */
function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  if (issues.length < 2) return issues;
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.severity}\u0000${i.code}\u0000${i.expression}\u0000${i.diagnostics}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
