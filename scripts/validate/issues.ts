/**
 * Validation findings and the OperationOutcome they become. Every layer of validation (the compiled JSON
 * Schema for structure, the table-driven checks for slicing, bindings, invariants and references) reports
 * `ValidationIssue`s; `toOperationOutcome` orders them stably.
 */
import type { OperationOutcome, OperationOutcomeIssue } from '../model/fhir.js';

/** FHIR IssueType codes the validators use. */
export type IssueCode = 'structure' | 'required' | 'value' | 'invariant' | 'code-invalid' | 'invalid' | 'not-found' | 'processing' | 'too-costly' | 'security' | 'informational' | 'extension' | 'business-rule' | 'exception';

export interface ValidationIssue {
  severity: OperationOutcomeIssue['severity'];
  code: IssueCode;
  /** Why: for a slice, which slices were tried and what failed in each. */
  diagnostics: string;
  /** FHIRPath location, e.g. `Appointment.participant[1].actor.reference`. */
  expression: string;
  /** Line in the source payload, where known. */
  line?: number;
  /** Column in the source payload, where known (with the line). */
  column?: number;
  /** The rule that raised it: a rule id of the policy table (policy.ts) or an invariant's key. */
  rule?: string;
}

/** The fields placedAt copies by name: one added to ValidationIssue and not copied there fails to compile here. */
type Copied = 'severity' | 'code' | 'diagnostics' | 'expression' | 'line' | 'column' | 'rule';
const everyFieldCopied: [Exclude<keyof ValidationIssue, Copied>] extends [never] ? true : never = true;
void everyFieldCopied;

/**
 * A copy of `issue` at another line and column (undefined: none). Built field by field: issues come in many
 * shapes, and V8's object spread over so many was about a fifth of a payload's validation.
 */
export function placedAt(issue: ValidationIssue, line: number | undefined, column: number | undefined): ValidationIssue {
  const out: ValidationIssue = { severity: issue.severity, code: issue.code, diagnostics: issue.diagnostics, expression: issue.expression };
  if (line !== undefined) out.line = line;
  if (column !== undefined) out.column = column;
  if (issue.rule !== undefined) out.rule = issue.rule;
  return out;
}

/** No issues: one frozen array for every check that passes (callers copy issues out of the arrays they are given). */
export const NO_ISSUES = Object.freeze([]) as unknown as ValidationIssue[];

/** The coding system of rule ids in an issue's `details` (OperationOutcome.issue.details.coding). */
export const VALIDATION_RULE_SYSTEM = 'urn:fhir-stu3-toolchain:validation-rule';

const rank: Record<OperationOutcomeIssue['severity'], number> = { fatal: 0, error: 1, warning: 2, information: 3 };

/**
 * The order of issues: locations in natural order (`a[2]` before `a[10]`), codes and diagnostics in plain
 * `en` order, never the host's locale (the same output on every machine). One collator of each for every
 * call (`localeCompare` with options builds one per comparison, which made sorting a payload's issues cost
 * more than validating it), made when issues are first compared: the first collator loads ICU's data
 * (about 9 ms), which a run whose payloads have at most one issue each never needs.
 */
let collators: { expressions: Intl.Collator; text: Intl.Collator } | undefined;

function order(): NonNullable<typeof collators> {
  collators ??= { expressions: new Intl.Collator('en', { numeric: true }), text: new Intl.Collator('en') };
  return collators;
}

// Equal strings (several issues at one place) need no collation, which reads both to their ends.
const compareExpressions = (a: string, b: string): number => (a === b ? 0 : order().expressions.compare(a, b));
const compareText = (a: string, b: string): number => (a === b ? 0 : order().text.compare(a, b));

export function sortIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return [...issues].sort(
    (a, b) => compareExpressions(a.expression, b.expression) || rank[a.severity] - rank[b.severity] || compareText(a.code, b.code) || compareText(a.diagnostics, b.diagnostics),
  );
}

export function toOperationOutcome(issues: readonly ValidationIssue[]): OperationOutcome {
  const sorted = sortIssues(issues);
  const issue = sorted.map((i) => {
    // Fields assigned in order rather than spread in (the order of the JSON written).
    const out: OperationOutcomeIssue = { severity: i.severity, code: i.code };
    if (i.rule !== undefined) out.details = { coding: [{ system: VALIDATION_RULE_SYSTEM, code: i.rule }] };
    out.diagnostics = i.diagnostics;
    if (i.expression) out.expression = [i.expression];
    if (i.line !== undefined) out.location = [`line ${i.line}${i.column !== undefined ? `, column ${i.column}` : ''}`];
    return out;
  });
  if (issue.length === 0) issue.push({ severity: 'information', code: 'informational', diagnostics: 'no issues found' });
  return { resourceType: 'OperationOutcome', issue };
}

/** The line and column of an issue from its OperationOutcome location (`line 12, column 5`). */
export function positionOf(issue: OperationOutcomeIssue): { line: number; column?: number } | undefined {
  const m = /^line (\d+)(?:, column (\d+))?$/.exec(issue.location?.[0] ?? '');
  if (!m) return undefined;
  return { line: Number(m[1]), ...(m[2] !== undefined ? { column: Number(m[2]) } : {}) };
}

export function hasErrors(outcome: OperationOutcome): boolean {
  return outcome.issue.some((i) => i.severity === 'error' || i.severity === 'fatal');
}
