/**
 * FHIRPath invariants: each `constraint.expression` of an element, compiled once with fhirpath.js and its
 * STU3 model and evaluated on the element's nodes (`%resource` is the enclosing resource). Constraints
 * fhirpath.js cannot evaluate faithfully are skipped and reported once, as information.
 */
import fhirpath from 'fhirpath';
import stu3Model from 'fhirpath/fhir-context/stu3';
import type { ElementDefinitionConstraint } from '../model/fhir.js';
import type { ValidationIssue } from './issues.js';
import { ruleIssue } from './policy.js';
import { LINEAR_EVALUATORS, type LinearEvaluator } from './linear-invariants.js';
import type { Budget } from '../util/limits.js';
import { errorMessage, isObject } from '../util/values.js';

/** STU3's ref-1 calls trace(); its output is not a finding, so it goes nowhere. */
const silentTrace = (): void => undefined;

type Evaluator = (node: unknown, env: Record<string, unknown>) => unknown[];

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
    holds: (node) => !isObject(node) || Object.keys(node).some((k) => k !== 'id' && k !== 'fhir_comments'),
  },
  // An extension has either nested extensions or a value, not both and not neither.
  'ext-1': {
    published: 'extension.exists() != value.exists()',
    holds: (node) => {
      if (!isObject(node)) return true;
      const extensions = Array.isArray(node.extension) && node.extension.length > 0;
      const value = Object.keys(node).some((k) => k.length > 5 && k.startsWith('value') && k.charCodeAt(5) >= 65 && k.charCodeAt(5) <= 90);
      return extensions !== value;
    },
  },
};


/** Functions fhirpath.js lacks or evaluates only against a terminology or resolution service. */
const UNSUPPORTED_FUNCTIONS = /\b(htmlChecks|htmlchecks|conformsTo|memberOf|resolve)\s*\(/;

/**
 * What one payload's evaluations share, and nothing longer: the constraints already reported as not
 * evaluated (each once per payload), and the payload's time budget, looked at before each FHIRPath
 * evaluation (one may itself take long).
 */
export interface InvariantRun {
  readonly reported: Set<string>;
  readonly budget?: Budget;
}

/**
 * Compiled expressions are kept for the engine's life (they depend on the definitions only); whatever
 * depends on a payload (an evaluation that throws, what was reported) stays with that payload's run, so
 * one payload never changes the verdict on another.
 */
export class InvariantEngine {
  private readonly compiled = new Map<string, Evaluator | string>();

  /** Evaluates one constraint on one node; `base` is the node's type context (`Patient`, `Patient.contact`, `HumanName`). */
  check(constraint: ElementDefinitionConstraint, base: string, node: unknown, resource: unknown, location: string, run: InvariantRun = { reported: new Set() }): ValidationIssue[] {
    const expression = effectiveExpression(constraint);
    if (!expression || NATIVE_CONSTRAINTS.has(constraint.key)) return [];
    const native: LinearEvaluator | undefined = NATIVE_EVALUATORS[constraint.key] ?? LINEAR_EVALUATORS[constraint.key];
    if (native && constraint.expression === native.published) return native.holds(node, resource) ? [] : this.failed(constraint, expression, location);
    const evaluator = this.evaluator(constraint, base);
    if (typeof evaluator === 'string') return this.skip(constraint, evaluator, location, run);
    run.budget?.checkTime();
    let result: unknown[];
    try {
      result = evaluator(node, { resource, rootResource: resource, context: node });
    } catch (e) {
      // This payload's evaluation failed, not the expression: the next payload evaluates it afresh.
      return this.skip(constraint, `fhirpath.js failed to evaluate it on this payload: ${errorMessage(e)}`, location, run);
    }
    if (result.length === 0 || result.every((r) => r === true)) return [];
    return this.failed(constraint, expression, location);
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

  private evaluator(constraint: ElementDefinitionConstraint, base: string): Evaluator | string {
    const expression = effectiveExpression(constraint) as string;
    const key = `${base}|${expression}`;
    let evaluator = this.compiled.get(key);
    if (evaluator === undefined) {
      const reason = UNSUPPORTED_CONSTRAINTS[constraint.key] ?? (UNSUPPORTED_FUNCTIONS.test(expression) ? 'it uses a function fhirpath.js does not evaluate offline' : undefined);
      if (reason) evaluator = reason;
      else {
        try {
          const fn = fhirpath.compile({ base, expression }, stu3Model, { traceFn: silentTrace });
          evaluator = (node, env) => fn(node, env) as unknown[];
        } catch (e) {
          evaluator = `fhirpath.js cannot compile it: ${errorMessage(e)}`;
        }
      }
      this.compiled.set(key, evaluator);
    }
    return evaluator;
  }

  private skip(constraint: ElementDefinitionConstraint, reason: string, location: string, run: InvariantRun): ValidationIssue[] {
    const key = `${constraint.key}|${constraint.expression ?? ''}`;
    if (run.reported.has(key)) return [];
    run.reported.add(key);
    return [ruleIssue('invariant-not-evaluated', location, `constraint ${constraint.key} not evaluated: ${reason}`)];
  }
}

/** The expression evaluated for a constraint: its own, or the corrected form of a known erratum. */
export function effectiveExpression(constraint: ElementDefinitionConstraint): string | undefined {
  const erratum = CORRECTED_EXPRESSIONS[constraint.key];
  return erratum && constraint.expression === erratum.published ? erratum.corrected : constraint.expression;
}
