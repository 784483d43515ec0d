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
import { jsonLocator } from '../format/json/json-locate.js';
import { toOperationOutcome, type ValidationIssue } from './issues.js';
import { readJsonPayload, type PayloadLimits } from './json-payload.js';
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
}

export interface ValidatorParts {
  /** Structure validators by profile URL or base resource type name. */
  structure: ValidatorTable;
  /** Profiles (with snapshots), terminology and element model for the semantic layer. */
  semantic: SemanticContext;
  limits?: Partial<PayloadLimits>;
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
    if (!read.value) return read.issues;
    const issues = [...read.issues, ...this.issues(read.value, options)];
    return read.text === undefined || issues.length === 0 ? issues : placeInJson(issues, read.text);
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
    // A profile asked for that is unknown, or is of another resource type, is one issue: every element checked against it would fail.
    const asked = options.profile ? semantic.profiles(options.profile) : undefined;
    if (options.profile && !asked) return [{ severity: 'error', code: 'not-found', diagnostics: `profile ${options.profile} not found in the package or its dependencies`, expression: location }];
    if (asked && !this.appliesTo(asked, r.resourceType, semantic)) {
      return [{ severity: 'error', code: 'invalid', diagnostics: `profile ${options.profile} constrains ${asked.type}, not ${r.resourceType} (the payload's resourceType)`, expression: location }];
    }
    const issues: ValidationIssue[] = [];
    // Nested resources (contained, Bundle entries) are checked inside the structure validator, each against its own claimed profiles.
    for (const issue of this.structure(r, location, options.profile)) issues.push(issue);
    if (options.semantic === false) return issues;
    if (asked) issues.push(...validateSemantics(r, asked, semantic, location));
    else issues.push(...validateClaimed(r, semantic, location));
    return dedupe(issues);
  }

  /** True when a profile of `sd.type` applies to a resource of `resourceType`: the same type, or one it derives from (Resource, DomainResource). */
  private appliesTo(sd: StructureDefinition, resourceType: string, semantic: SemanticContext): boolean {
    const seen = new Set<string>();
    for (let type: StructureDefinition | undefined = semantic.profiles(resourceType); type && !seen.has(type.url); type = type.baseDefinition ? semantic.profiles(type.baseDefinition) : undefined) {
      if (type.type === sd.type) return true;
      seen.add(type.url);
    }
    return false;
  }

  /** Structure issues of one resource against the asked-for profile, else by what it claims (the `Resource` validator: each claimed profile that has a validator, else its base type). */
  private structure(resource: Record<string, unknown>, location: string, profile: string | undefined): ValidationIssue[] {
    const validator = this.validators.get(profile ?? ANY_RESOURCE);
    if (validator) return structureIssues(resource, validator, location);
    return profile ? [{ severity: 'error', code: 'not-found', diagnostics: `no structure validator for ${profile}: it is not a profile of this package`, expression: location }] : [];
  }
}

/** Each issue with a FHIRPath but no line gets the line and column of that path in the JSON text (parsed again only here, for payloads with issues). */
function placeInJson(issues: ValidationIssue[], text: string): ValidationIssue[] {
  const locate = jsonLocator(text);
  return issues.map((i) => {
    if (i.line !== undefined || !i.expression) return i;
    const at = locate(i.expression);
    return at ? { ...i, line: at.line, column: at.column } : i;
  });
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
