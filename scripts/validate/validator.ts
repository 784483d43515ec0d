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
import { internalError } from '../diagnostics/internal-errors.js';
import type { OperationOutcome, Resource, StructureDefinition } from '../model/fhir.js';
import { locateJsonPaths } from '../format/json/json-locate.js';
import type { JsonTree } from '../format/json/json-tree-locate.js';
import { Budget, LimitReached, resolveLimits, type PayloadLimits } from '../util/limits.js';
import { placedAt, toOperationOutcome, type ValidationIssue } from './issues.js';
import { readJsonPayload } from './json-payload.js';
import { shapeIssues } from './payload-shape.js';
import { applyOverrides, type RuleOverrides } from './policy.js';
import { withOptions, type SemanticContext } from './semantic-context.js';
import { packageWalk, validateClaimed, validateSemantics } from './semantic.js';
import { plannerFor } from './node-plan.js';
import { checkWalkRoots, linkPrecompiledWalk, type PrecompiledWalk } from './walk-module.js';
import { ANY_RESOURCE, structureIssues, type CompiledValidator, type ValidatorTable } from './structure.js';
import { xmlPayloadIssues } from './xml-payload.js';
import { derivesFrom } from './target-conformance.js';
import { FHIR_TYPE_BASE } from '../resolve/element-model.js';

export interface ValidateOptions {
  /** Canonical URL of the profile to validate against (default: `meta.profile`, then the base type). */
  profile?: string;
  /** Evaluate FHIRPath invariants (default true). */
  invariants?: boolean;
  /**
   * Evaluate invariants compiled to JavaScript where they compile (default true); false: every invariant by
   * fhirpath.js, as before the compiler (for comparison: same verdicts, slower).
   */
  compiledInvariants?: boolean;
  /**
   * Walk the semantic layer as generated code (walk-codegen.ts: the build's module, else generated once a
   * plan has been walked often); default false: the plans interpreted. The same issues either way. The
   * code is not faster: it takes seconds of CPU to warm up in every process (thousands of generated
   * functions), and once warm it measured 1.09x the interpreter's time (docs/validation.md#generated-walk).
   */
  compiledWalk?: boolean;
  /** Check narrative XHTML (default true; the XML path has its XML rules do it). */
  narrative?: boolean;
  /**
   * Give each issue of a JSON payload the line and column its FHIRPath names in the text (found through
   * the parsed value, else by one scan of the text; only when there are issues); default true. false: the
   * issues carry their FHIRPath only, for a caller that places them itself (an NDJSON line's issues are
   * all at the line's number in the file).
   */
  locate?: boolean;
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
  /** Size, depth, issue-count and time limits per payload (scripts/util/limits.ts, docs/limits.md). */
  limits?: Partial<PayloadLimits>;
  /** Severity overrides by rule id for every validation (see ValidateOptions.rules). */
  rules?: RuleOverrides;
}

/**
 * Every entry point (JSON text, XML text, parsed object) runs under one guard: a payload gets an
 * OperationOutcome whatever happens. A limit reached stops that payload with the issues found so far and a
 * fatal `too-costly` issue; an exception (a bug) becomes a fatal `exception` issue, reported to the
 * internal-error listeners (scripts/diagnostics/internal-errors.ts). Nothing of one payload's run stays
 * for the next but the definitions' caches.
 */
export class Validator {
  private readonly parts: ValidatorParts;
  /** The structure validators in a Map: looked up by URLs fresh from each payload, which a Map hashes once per string. */
  private readonly validators: ReadonlyMap<string, CompiledValidator>;
  /** The payload limits, resolved once (util/limits.ts). */
  private readonly limits: PayloadLimits;

  constructor(parts: ValidatorParts) {
    const validators = new Map(Object.entries(parts.structure));
    this.limits = resolveLimits(parts.limits);
    this.validators = validators;
    const validatorOf = (sd: StructureDefinition) => validators.get(sd.url) ?? (sd.derivation !== 'constraint' ? validators.get(sd.type) : undefined);
    // The semantic layer leaves to the structure validators the required bindings they carry compiled,
    // and asks them first whether a resource conforms to a profile it does not claim.
    const compiledProfile = (sd: StructureDefinition) => validatorOf(sd) !== undefined;
    const structureError = (resource: Resource, sd: StructureDefinition) => {
      const validator = validatorOf(sd);
      return validator ? structureIssues(resource, validator, resource.resourceType, 1)[0] : undefined;
    };
    this.parts = { ...parts, semantic: { ...parts.semantic, compiledProfile, structureError } };
  }

  /** The generated semantic walk of a package's profiles, as the module the build emits (walk-module.ts, WALK_MODULE_FILE). */
  walkModule(profiles: readonly StructureDefinition[]): string {
    return packageWalk(profiles, this.parts.semantic);
  }

  /**
   * Takes a build's walk module for this validator's definitions: its roots are checked now (undefined
   * when they fit, else why not, and the module is not used), the whole is linked when a plan is first
   * walked often. A plan that no longer fits then leaves the module unused (the walk is generated
   * in-process: same issues).
   */
  attachWalk(module: PrecompiledWalk): string | undefined {
    const planner = plannerFor(this.parts.semantic);
    const profiles = this.parts.semantic.profiles;
    const problem = checkWalkRoots(module, planner, profiles);
    if (!problem) planner.defer(() => void linkPrecompiledWalk(module, planner, profiles));
    return problem;
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
    return this.guarded('validating a JSON payload', options, (budget, out) => {
      const read = readJsonPayload(payload, budget.limits);
      try {
        for (const issue of read.issues) out.push(issue);
        budget.spend(read.issues.length);
        // The parser checked depth, keys and characters as it read.
        if (read.value) this.collect(read.value, options, budget, out);
      } finally {
        // Also when a limit stops the payload: the issues found so far get their places.
        if (read.text !== undefined && read.value && options.locate !== false) placeInJson(out, read.text, read.keyEnds && { value: read.value, keyEnds: read.keyEnds });
      }
    });
  }

  /** Validates an XML payload given as text or bytes: the XML rules of FHIR while reading it (xml-rules.ts), then every layer above on its JSON. */
  validateXml(payload: string | Uint8Array, options: ValidateOptions = {}): OperationOutcome {
    return toOperationOutcome(this.xmlIssues(payload, options));
  }

  xmlIssues(payload: string | Uint8Array, options: ValidateOptions = {}): ValidationIssue[] {
    return this.guarded('validating an XML payload', options, (budget, out) => {
      const validate = (resource: unknown, o: ValidateOptions | undefined, into: ValidationIssue[]) => void this.checkedIssues(resource, o ?? {}, budget, into);
      xmlPayloadIssues(validate, this.parts.semantic.model, payload, { ...options, narrative: false }, budget, out);
    });
  }

  /** The issues of a parsed resource, unsorted. */
  issues(resource: unknown, options: ValidateOptions = {}): ValidationIssue[] {
    return this.guarded('validating a resource', options, (budget, out) => void this.checkedIssues(resource, options, budget, out));
  }

  /** A parsed object (never text): its shape first (depth, keys, characters), then every layer; the issues added to `out`, which is returned. */
  private checkedIssues(resource: unknown, options: ValidateOptions, budget: Budget, out: ValidationIssue[]): ValidationIssue[] {
    if (typeof resource === 'object' && resource !== null) {
      const root = typeof (resource as { resourceType?: unknown }).resourceType === 'string' ? (resource as Resource).resourceType : '';
      const shape = shapeIssues(resource, budget.limits.maxDepth, budget.limits.maxIssues, root);
      for (const issue of shape) out.push(issue);
      budget.spend(shape.length);
      if (shape.some((i) => i.severity === 'fatal')) return out;
    }
    this.collect(resource, options, budget, out);
    return out;
  }

  /**
   * Runs `work` for one payload with a fresh budget, collecting into one array; a limit reached or an
   * exception ends the payload's work with one fatal issue (the issues found before it are kept, at most
   * the limit). Deduplicated, with the rule overrides of the validator and of `options` applied, unsorted.
   */
  private guarded(what: string, options: ValidateOptions, work: (budget: Budget, out: ValidationIssue[]) => void): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    let budget: Budget | undefined;
    try {
      budget = new Budget(this.limits);
      work(budget, out);
    } catch (e) {
      if (budget) keepWithinLimit(out, budget.limits.maxIssues);
      if (e instanceof LimitReached) out.push({ severity: 'fatal', code: 'too-costly', diagnostics: e.message, expression: '' });
      else out.push({ severity: 'fatal', code: 'exception', diagnostics: internalError(e, what), expression: '' });
    }
    if (budget && budget.notesDropped > 0)
      out.push({ severity: 'information', code: 'informational', diagnostics: `${budget.notesDropped} more information issues were found and not listed: ${budget.limits.maxIssues} are listed at most`, expression: '' });
    const rules = options.rules ? { ...this.parts.rules, ...options.rules } : this.parts.rules;
    return applyOverrides(dedupe(out), rules);
  }

  /** Every layer on a parsed object whose shape is safe, issues added to `out`. */
  private collect(resource: unknown, options: ValidateOptions, budget: Budget, out: ValidationIssue[]): void {
    if (typeof resource !== 'object' || resource === null || Array.isArray(resource) || typeof (resource as Resource).resourceType !== 'string') {
      out.push({ severity: 'fatal', code: 'structure', diagnostics: 'not a FHIR resource: expected a JSON object with a resourceType', expression: '' });
      return;
    }
    const r = resource as Resource & Record<string, unknown>;
    const location = r.resourceType;
    const semantic = this.semanticFor(options);
    if (!semantic.model.isResourceType(r.resourceType)) {
      out.push({ severity: 'error', code: 'structure', diagnostics: `unknown resourceType '${r.resourceType}'`, expression: location });
      return;
    }
    // A profile asked for that is unknown, or is of another resource type, is one issue: every element checked against it would fail.
    const asked = options.profile ? semantic.profiles(options.profile) : undefined;
    if (options.profile && !asked) {
      out.push({ severity: 'error', code: 'not-found', diagnostics: `profile ${options.profile} not found in the package or its dependencies`, expression: location });
      return;
    }
    if (asked && !this.appliesTo(asked, r.resourceType, semantic)) {
      out.push({ severity: 'error', code: 'invalid', diagnostics: `profile ${options.profile} constrains ${asked.type}, not ${r.resourceType} (the payload's resourceType)`, expression: location });
      return;
    }
    // Nested resources (contained, Bundle entries) are checked inside the structure validator, each against its own claimed profiles.
    const structure = this.structure(r, location, options.profile, budget.limits.maxIssues - budget.issues + 1);
    for (const issue of structure) out.push(issue);
    budget.spend(structure.length);
    if (options.semantic === false) return;
    const run = { issues: out, budget };
    if (asked) validateSemantics(r, asked, semantic, location, run);
    else validateClaimed(r, semantic, location, run);
  }

  /** The semantic context with the call's options where they differ from the validator's (its caches shared). */
  private semanticFor(options: ValidateOptions): SemanticContext {
    const own = this.parts.semantic;
    const o = own.options;
    const wanted = {
      invariants: options.invariants ?? o.invariants,
      narrative: options.narrative ?? o.narrative,
      compiledInvariants: options.compiledInvariants ?? o.compiledInvariants,
      compiledWalk: options.compiledWalk ?? o.compiledWalk,
    };
    const same = wanted.invariants === o.invariants && wanted.narrative === o.narrative && wanted.compiledInvariants === o.compiledInvariants && wanted.compiledWalk === o.compiledWalk;
    return same ? own : withOptions(own, wanted);
  }

  /** True when a profile of `sd.type` applies to a resource of `resourceType`: the same type, or one it derives from (Resource, DomainResource). */
  private appliesTo(sd: StructureDefinition, resourceType: string, semantic: SemanticContext): boolean {
    return derivesFrom(semantic.profiles, resourceType, FHIR_TYPE_BASE + sd.type);
  }

  /** Structure issues of one resource against the asked-for profile, else by what it claims (the `Resource` validator: each claimed profile that has a validator, else its base type); at most `max`. */
  private structure(resource: Record<string, unknown>, location: string, profile: string | undefined, max: number): ValidationIssue[] {
    const validator = this.validators.get(profile ?? ANY_RESOURCE);
    if (validator) return structureIssues(resource, validator, location, max);
    return profile ? [{ severity: 'error', code: 'not-found', diagnostics: `no structure validator for ${profile}: it is not a profile of this package`, expression: location }] : [];
  }
}

/**
 * Each issue with a FHIRPath but no line gets the line and column of that path in the JSON text, in place,
 * all at once and only when some issue needs a place: through the parsed value and where the reader found
 * each name (`tree`), else by one scan of the text, as far and as deep as they need (json-locate.ts).
 */
function placeInJson(issues: ValidationIssue[], text: string, tree: JsonTree | undefined): void {
  const unplaced: number[] = [];
  const expressions: string[] = [];
  for (let k = 0; k < issues.length; k++) {
    const issue = issues[k];
    if (issue.line !== undefined || !issue.expression) continue;
    unplaced.push(k);
    expressions.push(issue.expression);
  }
  if (unplaced.length === 0) return;
  const places = locateJsonPaths(text, expressions, tree);
  for (let n = 0; n < unplaced.length; n++) {
    const at = places[n];
    // A new object: issues may be shared (memoised by the semantic layer), never changed.
    if (at) issues[unplaced[n]] = placedAt(issues[unplaced[n]], at.line, at.column);
  }
}

/** The first `max` errors and warnings, and the information issues (capped as they were found): what a payload stopped at its limit keeps. */
function keepWithinLimit(issues: ValidationIssue[], max: number): void {
  let counted = 0;
  let kept = 0;
  for (const issue of issues) if (issue.severity === 'information' || ++counted <= max) issues[kept++] = issue;
  issues.length = kept;
}

/** The same issue found twice (by two claimed profiles, or by both layers) is reported once. */
function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  if (issues.length < 2) return issues;
  // Grouped by location, then compared field by field: no key strings joined from long diagnostics.
  const byExpression = new Map<string, ValidationIssue[]>();
  return issues.filter((i) => {
    const same = byExpression.get(i.expression);
    if (!same) {
      byExpression.set(i.expression, [i]);
      return true;
    }
    if (same.some((s) => s.severity === i.severity && s.code === i.code && s.diagnostics === i.diagnostics)) return false;
    same.push(i);
    return true;
  });
}
