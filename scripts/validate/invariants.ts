/**
 * FHIRPath invariants: each `constraint.expression` of an element, evaluated on the element's nodes
 * (`%resource` is the enclosing resource; resolve() follows the validator's reference resolution: contained
 * `#id`, Bundle entries). Compiled to JavaScript where the compiler can (scripts/compile/fhirpath), else
 * by fhirpath.js with its STU3 model. Constraints neither can evaluate are skipped and reported once per
 * payload, as information.
 */
import { fhirpathLibrary, fhirpathStu3Model } from '../compile/fhirpath/library.js';
import { buildInvariantModule, invariantCompiler, FhirPathModel, moduleSource, moduleSummary, type CompiledEvaluator, type InvariantEnv, type PrecompiledInvariants, type InvariantOutcome, type InvariantSpec, type InvariantSummary } from '../compile/fhirpath/index.js';
import { packageInvariants } from '../compile/fhirpath/package-invariants.js';
import type { ElementDefinitionConstraint, StructureDefinition } from '../model/fhir.js';
import type { ElementModel } from '../resolve/element-model.js';
import type { DefinitionResolver } from '../resolve/resolver.js';
import { referenceResolver, type ReferenceScope } from './references.js';
import { NO_ISSUES, type ValidationIssue } from './issues.js';
import { ruleIssue } from './policy.js';
import { LINEAR_EVALUATORS, type LinearEvaluator } from './linear-invariants.js';
import type { Budget } from '../util/limits.js';
import { errorMessage, isObject } from '../util/values.js';

/** STU3's ref-1 calls trace(); its output is not a finding, so it goes nowhere. */
const silentTrace = (): void => undefined;

type Evaluator = (node: unknown, env: Record<string, unknown>) => unknown[];

/** One constraint bound to its evaluator (InvariantEngine.bind): the issues of one node. */
export type BoundInvariant = (node: unknown, scope: InvariantScope, location: string, run: InvariantRun) => ValidationIssue[];

/** Bound invariants that hold on every node that is not a JSON object (ele-1, ext-1): a walk need not call them on a primitive's value. */
const OBJECTS_ONLY = new WeakSet<BoundInvariant>();

export function checksObjectsOnly(invariant: BoundInvariant): boolean {
  return OBJECTS_ONLY.has(invariant);
}


/** Constraint keys whose STU3 expressions fhirpath.js does not evaluate as the specification means, with why. */
export const UNSUPPORTED_CONSTRAINTS: Readonly<Record<string, string>> = {};

/**
 * Constraints checked natively rather than through FHIRPath: txt-1/txt-2 (htmlChecks(): the XHTML subset and
 * non-empty content of a narrative) by the narrative rules of xml-narrative.ts, which the semantic walker
 * runs on every `Narrative.div`.
 */
export const NATIVE_CONSTRAINTS: ReadonlySet<string> = new Set(['txt-1', 'txt-2']);

/**
 * STU3 errata: expressions published with a known mistake, evaluated in their corrected form. ele-1 uses the
 * union operator where `or` is meant, so an element with children yields `{false, true}`, not `true`.
 */
export const CORRECTED_EXPRESSIONS: Readonly<Record<string, { published: string; corrected: string }>> = {
  'ele-1': { published: 'hasValue() | (children().count() > id.count())', corrected: 'hasValue() or (children().count() > id.count())' },
};

/**
 * The invariants every element and every extension carries, evaluated natively (same meaning as their STU3
 * expressions, exactly as published): FHIRPath evaluation of ele-1 on every node of a payload would cost
 * more than all the rest of validation. A profile that redefines the key with another expression gets
 * that expression evaluated through fhirpath.js.
 */
export const NATIVE_EVALUATORS: Readonly<Record<string, { published: string; holds: (node: unknown) => boolean }>> = {
  // An element has a value or children other than id.
  'ele-1': {
    published: 'hasValue() | (children().count() > id.count())',
    holds: (node) => !isObject(node) || hasKeyBut(node, 'id'),
  },
  // An extension has either nested extensions or a value, not both and not neither.
  'ext-1': {
    published: 'extension.exists() != value.exists()',
    holds: (node) => {
      if (!isObject(node)) return true;
      const extensions = Array.isArray(node.extension) && node.extension.length > 0;
      let value = false;
      for (const k in node) if (k.length > 5 && k.charCodeAt(5) >= 65 && k.charCodeAt(5) <= 90 && k.startsWith('value')) value = true;
      return extensions !== value;
    },
  },
};


/**
 * Whether an object has a key other than `except` and `fhir_comments`: evaluated on every element, so
 * without the array Object.keys would make (parsed JSON objects have no inherited enumerable keys).
 */
function hasKeyBut(node: Record<string, unknown>, except: string): boolean {
  for (const k in node) if (k !== except && k !== 'fhir_comments') return true;
  return false;
}

/** Functions fhirpath.js lacks or evaluates only against a terminology service (resolve() is given the payload's own resolution, below). */
const UNSUPPORTED_FUNCTIONS = /\b(htmlChecks|htmlchecks|conformsTo|memberOf)\s*\(/;

/**
 * What one payload's evaluations share, and nothing longer: the constraints already reported as not
 * evaluated (each once per payload), the payload's time budget, looked at before each FHIRPath
 * evaluation (one may itself take long), and whether compiled invariants run (default) or fhirpath.js
 * only (ValidateOptions.compiledInvariants: false, for comparison).
 */
export interface InvariantRun {
  readonly reported: Set<string>;
  readonly budget?: Budget;
  readonly compiled?: boolean;
}

/** Where the node sits: `%resource` (the resource whose walk reached it) and where its references lead (resolve()). */
export interface InvariantScope {
  readonly resource: unknown;
  readonly refs?: ReferenceScope;
  /**
   * The environment compiled invariants are called with, made on the scope's first compiled evaluation and
   * kept with it: every node of one resource shares it (its resource and references do not change).
   */
  env?: InvariantEnv;
}



/** One (type context, expression): its compiled function (absent when it does not compile) and, once needed, fhirpath.js's. */
interface Entry {
  readonly compiled: CompiledEvaluator | undefined;
  interpreted?: Evaluator | string;
}

/**
 * Compiled invariants and fhirpath.js's compiled expressions are kept for the engine's life (they depend on
 * the definitions only); whatever depends on a payload (an evaluation that throws, what was reported) stays
 * with that payload's run, so one payload never changes the verdict on another. Per constraint, in order:
 * a native evaluator; the invariant compiled to JavaScript (scripts/compile/fhirpath), compiled when first
 * met; fhirpath.js, for what does not compile and for the nodes the compiled code leaves to it.
 */
export class InvariantEngine {
  private readonly entries = new Map<string, Entry>();
  private compiler: ReturnType<typeof invariantCompiler> | null | undefined;
  /**
   * resolve() for fhirpath.js, which calls user functions without the evaluation's environment: the
   * resolver of the evaluation under way, set and cleared around it (evaluation is synchronous).
   */
  private resolving: ResolveFn | undefined;
  private readonly userInvocationTable = fhirpathResolve(() => this.resolving);

  /**
   * `model`: the compiler's view of the definitions, asked for once, on the first invariant met that
   * `precompiled` (a build's emitted module) does not hold; undefined: fhirpath.js only.
   */
  constructor(
    private readonly model?: () => FhirPathModel | undefined,
    private readonly precompiled?: PrecompiledInvariants,
  ) {}

  /** Evaluates one constraint on one node; `base` is the node's type context (`Patient`, `Patient.contact`, `HumanName`). */
  check(constraint: ElementDefinitionConstraint, base: string, node: unknown, scope: InvariantScope, location: string, run: InvariantRun = { reported: new Set() }): ValidationIssue[] {
    const bound = this.bind(constraint, base);
    return bound ? bound(node, scope, location, run) : NO_ISSUES;
  }

  /**
   * One constraint in one type context made a function of the node: which evaluator applies (native,
   * compiled, fhirpath.js) is decided here, once, rather than on every node it is checked on. Undefined
   * when the constraint is not evaluated through FHIRPath (no expression, or a native narrative rule).
   */
  bind(constraint: ElementDefinitionConstraint, base: string): BoundInvariant | undefined {
    const expression = effectiveExpression(constraint);
    if (!expression || NATIVE_CONSTRAINTS.has(constraint.key)) return undefined;
    const native: LinearEvaluator | undefined = NATIVE_EVALUATORS[constraint.key] ?? LINEAR_EVALUATORS[constraint.key];
    if (native && constraint.expression === native.published) {
      const bound: BoundInvariant = (node, scope, location) => (native.holds(node, scope.resource, scope.refs) ? NO_ISSUES : this.failed(constraint, expression, location));
      if (Object.hasOwn(NATIVE_EVALUATORS, constraint.key)) OBJECTS_ONLY.add(bound);
      return bound;
    }
    // Compiled when first evaluated: a validator's profiles hold far more invariants than a payload meets.
    let entry: Entry | undefined;
    return (node, scope, location, run) => this.evaluate(constraint, (entry ??= this.entry(base, expression)), base, expression, node, scope, location, run);
  }

  private evaluate(constraint: ElementDefinitionConstraint, entry: Entry, base: string, expression: string, node: unknown, scope: InvariantScope, location: string, run: InvariantRun): ValidationIssue[] {
    if (entry.compiled && run.compiled !== false) {
      // Compiled code is linear in the node: the clock is read every so many steps, as for the walk's nodes.
      run.budget?.tick();
      let outcome: InvariantOutcome | undefined;
      try {
        outcome = entry.compiled(node, (scope.env ??= { resource: scope.resource, rootResource: scope.resource, resolve: scope.refs ? referenceResolver(scope.refs) : undefined }));
      } catch {
        // Not an evaluation error (those are outcomes) but a fault of the compiled code: fhirpath.js decides.
        outcome = undefined;
      }
      if (outcome === true) return NO_ISSUES;
      if (outcome === false) return this.failed(constraint, expression, location);
      if (outcome && 'error' in outcome) return this.skip(constraint, `it cannot be evaluated on this payload: ${outcome.error}`, location, run);
      // { fallback }: this node is fhirpath.js's to evaluate.
    }
    // One fhirpath.js evaluation may itself take long: the clock is read before each.
    run.budget?.checkTime();
    return this.interpret(constraint, entry, base, expression, node, scope.resource, scope.refs ? referenceResolver(scope.refs) : undefined, location, run);
  }

  /** fhirpath.js's verdict on one node. */
  private interpret(constraint: ElementDefinitionConstraint, entry: Entry, base: string, expression: string, node: unknown, resource: unknown, resolve: ((reference: string) => unknown) | undefined, location: string, run: InvariantRun): ValidationIssue[] {
    const evaluator = (entry.interpreted ??= this.interpreter(constraint, base, expression));
    if (typeof evaluator === 'string') return this.skip(constraint, evaluator, location, run);
    let result: unknown[];
    this.resolving = resolve;
    try {
      result = evaluator(node, { resource, rootResource: resource, context: node });
    } catch (e) {
      // This payload's evaluation failed, not the expression: the next payload evaluates it afresh.
      return this.skip(constraint, `it cannot be evaluated on this payload: ${errorMessage(e)}`, location, run);
    } finally {
      this.resolving = undefined;
    }
    if (result.length === 0 || result.every((r) => r === true)) return [];
    return this.failed(constraint, expression, location);
  }

  /** Whether a constraint's expression runs compiled in a type context (compiling it now if not yet met). */
  isCompiled(constraint: ElementDefinitionConstraint, base: string): boolean {
    const expression = effectiveExpression(constraint);
    return expression !== undefined && this.entry(base, expression).compiled !== undefined;
  }

  private failed(constraint: ElementDefinitionConstraint, expression: string, location: string): ValidationIssue[] {
    return [
      {
        severity: constraint.severity === 'warning' ? 'warning' : 'error',
        code: 'invariant',
        diagnostics: `constraint ${constraint.key} failed: ${constraint.human} (${expression})`,
        expression: location,
        rule: constraint.key,
      },
    ];
  }

  private entry(base: string, expression: string): Entry {
    const key = `${base}|${expression}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const compiled = this.precompiledFor(key) ?? this.compile(base, expression);
      entry = { compiled: typeof compiled === 'function' ? compiled : undefined };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private precompiledFor(key: string): CompiledEvaluator | undefined {
    const fn = this.precompiled && Object.hasOwn(this.precompiled.invariants, key) ? this.precompiled.invariants[key] : undefined;
    if (!fn || !this.precompiled) return undefined;
    const { evaluate } = this.precompiled;
    return (node, env) => evaluate(fn, node, env);
  }

  private compile(base: string, expression: string): CompiledEvaluator | { unsupported: string } | undefined {
    if (this.compiler === undefined) {
      const model = this.model?.();
      this.compiler = model ? invariantCompiler(model) : null;
    }
    if (!this.compiler) return undefined;
    try {
      return this.compiler(expression, base);
    } catch (e) {
      // A compiler bug must not stop validation: fhirpath.js evaluates this one.
      return { unsupported: errorMessage(e) };
    }
  }

  private interpreter(constraint: ElementDefinitionConstraint, base: string, expression: string): Evaluator | string {
    const reason = UNSUPPORTED_CONSTRAINTS[constraint.key] ?? (UNSUPPORTED_FUNCTIONS.test(expression) ? 'it uses a function fhirpath.js does not evaluate offline' : undefined);
    if (reason) return reason;
    try {
      const fn = fhirpathLibrary().compile({ base, expression }, fhirpathStu3Model(), { traceFn: silentTrace, userInvocationTable: this.userInvocationTable } as never);
      return (node, env) => fn(node, env) as unknown[];
    } catch (e) {
      return `fhirpath.js cannot compile it: ${errorMessage(e)}`;
    }
  }

  private skip(constraint: ElementDefinitionConstraint, reason: string, location: string, run: InvariantRun): ValidationIssue[] {
    const key = `${constraint.key}|${constraint.expression ?? ''}`;
    if (run.reported.has(key)) return [];
    run.reported.add(key);
    return [ruleIssue('invariant-not-evaluated', location, `constraint ${constraint.key} not evaluated: ${reason}`)];
  }
}

type ResolveFn = (reference: string) => unknown;

/**
 * resolve() for fhirpath.js (which resolves only over HTTP), as a user function through `resolver()`, the
 * resolution of the evaluation under way. Targets are made typed nodes of the evaluation (with the
 * ResourceNode factory of the input's own nodes), so that `resolve() is Practitioner` sees a Practitioner
 * as the specification means; fhirpath.js takes plain objects a user function returns as untyped.
 */
export function fhirpathResolve(resolver: () => ResolveFn | undefined) {
  type Made = { constructor?: { makeResNode?: (ctx: unknown, data: unknown, ...rest: null[]) => unknown } };
  return {
    resolve: {
      internalStructures: true,
      fn: function (this: unknown, items: unknown[]): unknown[] {
        const out: unknown[] = [];
        for (const item of items) {
          const data = isObject(item) && 'data' in item ? item.data : item;
          const reference = isObject(data) ? data.reference : undefined;
          const target = typeof reference === 'string' ? resolver()?.(reference) : undefined;
          if (!isObject(target)) continue;
          const make = (item as Made).constructor?.makeResNode;
          out.push(make ? make(this, target, null, null, null, null) : target);
        }
        return out;
      },
    },
  };
}

/**
 * The compiler's model of a validator's definitions: the element model, and the choice element names of
 * every STU3 type (the core's resource-types and data-types code systems name them), which compiled
 * navigation over items of unknown type needs; without those code systems, such navigation is left to fhirpath.js.
 */
export function invariantModel(elements: ElementModel, resolver: DefinitionResolver): FhirPathModel {
  const names = ['http://hl7.org/fhir/resource-types', 'http://hl7.org/fhir/data-types'].flatMap((url) => (resolver.codeSystem(url)?.concept ?? []).map((c) => c.code));
  if (names.length === 0) return new FhirPathModel(elements);
  const definitions = names.map((n) => elements.definition(n)).filter((sd): sd is StructureDefinition => sd !== undefined);
  return FhirPathModel.fromDefinitions(elements, definitions);
}

/** The expression evaluated for a constraint: its own, or the corrected form of a known erratum. */
export function effectiveExpression(constraint: ElementDefinitionConstraint): string | undefined {
  const erratum = CORRECTED_EXPRESSIONS[constraint.key];
  return erratum && constraint.expression === erratum.published ? erratum.corrected : constraint.expression;
}

/** How a package's invariants are evaluated: compiled to JavaScript, natively, or by fhirpath.js (those listed, with why they do not compile). */
export interface PackageInvariantSummary extends InvariantSummary {
  /** Evaluated by the validator's own code (NATIVE_EVALUATORS, LINEAR_EVALUATORS, the narrative rules): total = compiled + native + unsupported. */
  native: number;
}

/** Where the build writes the package's compiled invariants (beside the definition index), relative to its output folder. */
export const INVARIANT_MODULE_FILE = 'validation/invariants.mjs';

/**
 * The invariants of a package's profiles, of every resource type, and of the types and type profiles they
 * use, each distinct (key, context, expression) once: the summary the build gives, and the module of those that compile (emitted beside the
 * validators, so that a built project's validator compiles nothing, and loads no FHIRPath parser, at start).
 */
export function packageInvariantModule(profiles: Iterable<StructureDefinition>, elements: ElementModel, resolver: DefinitionResolver): { summary: PackageInvariantSummary; source: string } {
  const all = new Map<string, InvariantSpec>();
  // Every resource type too: a built validator validates whatever a payload holds (Bundle entries,
  // contained resources, types no profile constrains), and should compile nothing when it meets them.
  const resourceTypes = (resolver.codeSystem('http://hl7.org/fhir/resource-types')?.concept ?? []).map((c) => elements.definition(c.code)).filter((sd): sd is StructureDefinition => sd !== undefined);
  for (const inv of packageInvariants([...profiles, ...resourceTypes], elements, effectiveExpression)) all.set(`${inv.key}|${inv.context}|${inv.expression}`, inv);
  const native = [...all.values()].filter((inv) => {
    if (NATIVE_CONSTRAINTS.has(inv.key)) return true;
    const evaluator: LinearEvaluator | undefined = NATIVE_EVALUATORS[inv.key] ?? LINEAR_EVALUATORS[inv.key];
    const erratum = CORRECTED_EXPRESSIONS[inv.key];
    return evaluator !== undefined && (inv.expression === evaluator.published || (erratum !== undefined && evaluator.published === erratum.published && inv.expression === erratum.corrected));
  });
  const rest = [...all.values()].filter((inv) => !native.includes(inv));
  const module = buildInvariantModule(rest, invariantModel(elements, resolver));
  const { total, compiled, unsupported } = moduleSummary(module);
  const left = unsupported.map(({ key, context, expression, reason }) => ({ key, context, expression, reason }));
  left.sort((a, b) => a.key.localeCompare(b.key) || a.context.localeCompare(b.context) || a.expression.localeCompare(b.expression));
  return { summary: { total: total + native.length, compiled, native: native.length, unsupported: left }, source: moduleSource(module) };
}
