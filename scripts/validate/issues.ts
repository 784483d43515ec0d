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
 * `en` order. One collator of each for every call (`localeCompare` with options builds one per
 * comparison, which made sorting a payload's issues cost more than validating it), made with the ranks
 * read from them when issues are first compared: the first collator loads ICU's data (about 9 ms), which
 * a run whose payloads have at most one issue each never needs.
 */
let collators: { expressions: Intl.Collator; text: Intl.Collator; ranks: Uint8Array } | undefined;

function order(): NonNullable<typeof collators> {
  if (!collators) {
    const expressions = new Intl.Collator('en', { numeric: true });
    collators = { expressions, text: new Intl.Collator('en'), ranks: primaryRanks(expressions) };
  }
  return collators;
}

/**
 * The collator's primary order of the printable ASCII characters, read from the collator itself; the
 * digits share the rank of `0` (where numbers sort); rank 0 for what is outside the table. Letters that
 * differ by case alone share a rank (the collator tells them apart only after the rest of the strings,
 * so a shared rank sends the pair to it).
 */
function primaryRanks(expressionOrder: Intl.Collator): Uint8Array {
  const chars: string[] = [];
  for (let c = 0x20; c < 0x7f; c++) if (c <= 0x30 || c > 0x39) chars.push(String.fromCharCode(c));
  chars.sort((a, b) => expressionOrder.compare(a, b));
  const primary = new Intl.Collator('en', { sensitivity: 'base' });
  const ranks = new Uint8Array(0x80);
  let next = 0;
  chars.forEach((c, i) => {
    if (i === 0 || primary.compare(chars[i - 1], c) !== 0) next++;
    ranks[c.charCodeAt(0)] = next;
  });
  for (let d = 0x31; d <= 0x39; d++) ranks[d] = ranks[0x30];
  return ranks;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Numbers longer than this go to the collator (ICU splits very long digit runs). */
const LONGEST_NUMBER = 200;

/**
 * The collator's order, without it for most pairs of locations. The start the two share weighs the same
 * in both (an ASCII character neither joins nor reorders with what precedes it), so the first difference
 * decides when it is a primary one:
 * - within a number (`entry[2]` and `entry[10]`): the longer number is the greater, else the first
 *   differing digit; a number written with a leading zero (`007`) goes to the collator;
 * - else two printable ASCII characters of different primary ranks; a location that is the start of the
 *   other comes first.
 * Letters differing by case alone (a tertiary difference, read after the rest of the strings), and
 * everything outside ASCII, go to the collator.
 */
export function compareExpressions(a: string, b: string): number {
  // Equal locations (several issues at one place) need no collation, which reads both to their ends.
  if (a === b) return 0;
  const { expressions, ranks } = order();
  const n = a.length < b.length ? a.length : b.length;
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i > 0 && a.charCodeAt(i - 1) >= 0x80) return expressions.compare(a, b);
  const ca = i < a.length ? a.charCodeAt(i) : -1;
  const cb = i < b.length ? b.charCodeAt(i) : -1;
  let start = i;
  while (start > 0 && isDigit(a.charCodeAt(start - 1))) start--;
  if (start < i || isDigit(ca) || isDigit(cb)) {
    const byNumber = compareNumbersAt(a, b, start, i);
    if (byNumber === undefined) return expressions.compare(a, b);
    if (byNumber !== 0) return byNumber;
  }
  const ra = ca < 0 ? -1 : ca < 0x80 ? ranks[ca] : 0;
  const rb = cb < 0 ? -1 : cb < 0x80 ? ranks[cb] : 0;
  return ra !== 0 && rb !== 0 && ra !== rb ? ra - rb : expressions.compare(a, b);
}

/**
 * The numbers that start at `start` in both strings (equal up to `i`) compared by value: 0 when they are
 * equal (or one string has none there: the characters decide), undefined when the collator must decide.
 */
function compareNumbersAt(a: string, b: string, start: number, i: number): number | undefined {
  let ea = i;
  while (ea < a.length && isDigit(a.charCodeAt(ea))) ea++;
  let eb = i;
  while (eb < b.length && isDigit(b.charCodeAt(eb))) eb++;
  if (ea === start || eb === start) return 0;
  // A leading zero (`007`; `0` alone is the number zero) or a very long number: the collator's to weigh.
  if ((a.charCodeAt(start) === 0x30 && ea - start > 1) || (b.charCodeAt(start) === 0x30 && eb - start > 1) || ea - start > LONGEST_NUMBER || eb - start > LONGEST_NUMBER) return undefined;
  if (ea !== eb) return ea - eb;
  return ea === i ? 0 : a.charCodeAt(i) - b.charCodeAt(i);
}

/** Codes and diagnostics in a fixed order (not the host's locale: the same output on every machine). */
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
