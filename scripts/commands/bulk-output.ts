/**
 * What a bulk run writes for its payloads, made where they are validated: a worker thread turns a chunk's
 * issues into the output text and a few counts (BulkResult), and the main thread only writes that text out
 * in input order. Issue objects never cross threads, and the output is made by one function whatever the
 * number of workers, so it is the same byte for byte.
 *
 * Text: one line per issue, `file[:line]: severity [code] location: why (rule id)`, information left out
 * (warnings too when quiet). JSON: each issue as an OperationOutcome issue, laid out as
 * `JSON.stringify(_, null, 2)` would at its depth in the output.
 */
import type { OperationOutcomeIssue } from '../model/fhir.js';
import type { ValidationIssue } from '../validate/issues.js';
import { forEachLine, ndjsonLineIssues } from '../validate/ndjson.js';
import { sortIssues } from '../validate/issues.js';
import type { ValidateOptions, Validator } from '../validate/validator.js';

/** How issues are written: plain data, so a worker gets it at start. */
export interface OutputStyle {
  format: 'text' | 'json';
  /** Text: errors only (no warnings). */
  quiet?: boolean;
  /** JSON: the indent of an OperationOutcome's `{` (0 alone, 6 within a Bundle entry). */
  indent?: number;
}

/** One unit of bulk work: a chunk of NDJSON lines, or a whole JSON or XML payload; `name` is the file as the output shows it. */
export type BulkWork = { kind: 'lines'; name: string; bytes: Uint8Array; firstLine: number } | { kind: 'json' | 'xml'; name: string; bytes: Uint8Array };

/** The output and counts of some payloads of one file. */
export interface BulkResult {
  payloads: number;
  /** Payloads with an error or a fatal issue. */
  invalid: number;
  warnings: number;
  /** NDJSON resource lines, valid and not (a file's read error is no line). */
  validLines: number;
  invalidLines: number;
  /** Issues in `out` (JSON: they are comma-separated across results). */
  written: number;
  /** The issues as text, or as JSON issues (each starting with a newline, comma-separated). */
  out: string;
}

const isError = (i: ValidationIssue) => i.severity === 'error' || i.severity === 'fatal';

/** Collects payloads' issues into a BulkResult. */
export class ResultBuilder {
  private readonly result: BulkResult = { payloads: 0, invalid: 0, warnings: 0, validLines: 0, invalidLines: 0, written: 0, out: '' };
  private readonly parts: string[] = [];

  constructor(
    private readonly style: OutputStyle,
    private readonly name: string,
    /** Whether the payloads are NDJSON lines (counted as such when every issue has its line). */
    private readonly ndjson: boolean,
  ) {}

  add(issues: readonly ValidationIssue[]): void {
    const r = this.result;
    const invalid = issues.some(isError);
    r.payloads++;
    if (invalid) r.invalid++;
    for (const i of issues) if (i.severity === 'warning') r.warnings++;
    if (this.ndjson && issues.every((i) => i.line !== undefined)) {
      if (invalid) r.invalidLines++;
      else r.validLines++;
    }
    for (const i of issues) this.write(i);
  }

  private write(i: ValidationIssue): void {
    if (this.style.format === 'json') {
      this.parts.push(`\n${indented(outcomeIssue(i), (this.style.indent ?? 0) + 4)}`);
      this.result.written++;
      return;
    }
    if (i.severity === 'information' || (this.style.quiet && i.severity === 'warning')) return;
    this.parts.push(`${this.name}${i.line !== undefined ? `:${i.line}` : ''}: ${i.severity} [${i.code}] ${i.expression ? `${i.expression}: ` : ''}${i.diagnostics}${i.rule ? ` (rule ${i.rule})` : ''}\n`);
    this.result.written++;
  }

  done(): BulkResult {
    this.result.out = this.parts.join(this.style.format === 'json' ? ',' : '');
    return this.result;
  }
}

/** Lines of `JSON.stringify(value, null, 2)`, indented by `by` spaces. */
export const indented = (value: unknown, by: number) => JSON.stringify(value, null, 2).replace(/^/gm, ' '.repeat(by));

/** An issue as toOperationOutcome writes it. */
export function outcomeIssue(i: ValidationIssue): OperationOutcomeIssue {
  const out: OperationOutcomeIssue = { severity: i.severity, code: i.code, diagnostics: i.diagnostics };
  if (i.expression) out.expression = [i.expression];
  if (i.line !== undefined) out.location = [`line ${i.line}`];
  return out;
}

/** Issues that are not a validator's (a file that cannot be read, payloads a stopped worker took along), as a result. */
export function issuesResult(style: OutputStyle, name: string, ndjson: boolean, payloads: readonly (readonly ValidationIssue[])[]): BulkResult {
  const builder = new ResultBuilder(style, name, ndjson);
  for (const issues of payloads) builder.add(issues);
  return builder.done();
}

/** One unit of work validated: every payload's issues, sorted (an NDJSON line's each placed on its line), made output. */
export function validateWork(validator: Validator, work: BulkWork, options: ValidateOptions, style: OutputStyle): BulkResult {
  const builder = new ResultBuilder(style, work.name, work.kind === 'lines');
  if (work.kind === 'lines') forEachLine(work.bytes, work.firstLine, (line) => builder.add(ndjsonLineIssues(validator, line, options)));
  else builder.add(sortIssues(work.kind === 'json' ? validator.jsonIssues(work.bytes, options) : validator.xmlIssues(work.bytes, options)));
  return builder.done();
}
