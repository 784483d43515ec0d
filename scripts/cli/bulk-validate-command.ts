/**
 * `validate` in bulk: NDJSON files (`.ndjson`, `.ndjson.gz`: one resource per line) and large batches of
 * files, validated on worker threads (scripts/commands/bulk-validate.ts) and reported as they complete,
 * in input order, so the output is the same on any number of workers and memory stays flat.
 *
 * Text: one line per issue, `file:line: severity [code] location: why` (for an NDJSON file the line is
 * the resource's line), a line per file saying it is valid (with how many resources for NDJSON), then a
 * summary. JSON: the OperationOutcome of a single file (every issue of an NDJSON file located at `line N`),
 * or a collection Bundle of one per file, written out as the results come.
 */
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { issuesResult, type BulkResult, type OutputStyle } from '../commands/bulk-output.js';
import { bulkValidate, type BulkReporter } from '../commands/bulk-validate.js';
import type { ValidatorTarget } from '../commands/validator-target.js';
import { isNdjsonFile } from '../validate/ndjson.js';
import type { ValidateOptions } from '../validate/validator.js';
import { printDiagnostics } from './common.js';
import { readPayloadFile } from './payload-files.js';

/** Files past which a batch is validated on workers even when none is NDJSON. */
const MANY_FILES = 64;

/** The command-line options a bulk run reads itself (where the validator comes from is its ValidatorTarget). */
export interface BulkCliOptions {
  format: string;
  quiet?: boolean;
  /** `--workers`, as given. */
  workers?: string;
}

/** Whether a run goes the bulk way: an NDJSON input, many files, or `--workers` asked for. */
export function isBulkRun(files: readonly string[], workers: string | undefined): boolean {
  return workers !== undefined || files.length >= MANY_FILES || files.some(isNdjsonFile);
}

/** `--workers`: a whole number from 1, or undefined (with the error printed) when it is not one. */
export function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined) return availableParallelism();
  const n = Number(value);
  if (Number.isInteger(n) && n >= 1) return n;
  process.stderr.write(`error: --workers must be a whole number from 1, not '${value}'\n`);
  return undefined;
}

/** Runs the bulk validation of `files`; the exit code (0 valid, 1 any error or unreadable input, 2 no validator). */
/** `target`: the validator to run, as validate-command.ts decides it for a single-file run too. */
export async function runBulkValidate(files: readonly string[], problems: readonly string[], opts: BulkCliOptions, validate: ValidateOptions, target: ValidatorTarget): Promise<number> {
  const workers = parseWorkers(opts.workers);
  if (workers === undefined) return 2;
  const reporter = opts.format === 'json' ? new JsonReporter(files.length) : new TextReporter(!!opts.quiet);
  const run = await bulkValidate(
    files,
    { setup: { ...target, validate, output: reporter.style }, workers, readFile: (f) => readPayloadFile(f), displayName: (f) => relative(process.cwd(), f) },
    reporter,
  );
  const diagnostics = new Diagnostics();
  for (const d of run.diagnostics) diagnostics.report(d);
  printDiagnostics(diagnostics, true);
  if (!run.loaded) return 2;
  reporter.finish();
  return reporter.failedFiles > 0 || problems.length > 0 ? 1 : 0;
}

/** Counts shared by both outputs: files and NDJSON lines, valid or not. */
abstract class CountingReporter implements BulkReporter {
  failedFiles = 0;
  protected files = 0;
  protected lines = { valid: 0, invalid: 0 };
  protected file = { payloads: 0, invalid: 0, warnings: 0, ndjson: false };

  start(file: string): void {
    this.files++;
    this.file = { payloads: 0, invalid: 0, warnings: 0, ndjson: isNdjsonFile(file) };
  }

  result(_file: string, result: BulkResult): void {
    this.file.payloads += result.payloads;
    this.file.invalid += result.invalid;
    this.file.warnings += result.warnings;
    this.lines.valid += result.validLines;
    this.lines.invalid += result.invalidLines;
    this.write(result);
  }

  end(file: string): void {
    if (this.file.invalid > 0) this.failedFiles++;
    this.close(file);
  }

  /** How the workers write the issues this reporter writes out. */
  abstract readonly style: OutputStyle;
  protected abstract write(result: BulkResult): void;
  protected abstract close(file: string): void;
  abstract finish(): void;
}

class TextReporter extends CountingReporter {
  readonly style: OutputStyle;

  constructor(private readonly quiet: boolean) {
    super();
    this.style = { format: 'text', quiet };
  }

  /** The issues' lines, made where they were validated (bulk-output.ts), as validate-command.ts prints a file's. */
  protected write(result: BulkResult): void {
    if (result.out) process.stdout.write(result.out);
  }

  protected close(file: string): void {
    if (this.file.invalid > 0 || this.quiet) return;
    const resources = this.file.ndjson ? `${this.file.payloads} resource(s)` : '';
    const warnings = this.file.warnings ? `${this.file.warnings} warning(s)` : '';
    const notes = [resources, warnings].filter(Boolean).join(', ');
    process.stdout.write(`${relative(process.cwd(), file)}: valid${notes ? ` (${notes})` : ''}\n`);
  }

  finish(): void {
    process.stdout.write(`${this.files} file(s): ${this.files - this.failedFiles} valid, ${this.failedFiles} invalid\n`);
    const { valid, invalid } = this.lines;
    if (valid + invalid > 0) process.stdout.write(`${valid + invalid} NDJSON resource line(s): ${valid} valid, ${invalid} invalid\n`);
  }
}

/** The OperationOutcome (or Bundle of them) written as it comes, laid out as `JSON.stringify(_, null, 2)` would. */
class JsonReporter extends CountingReporter {
  private readonly base: number;
  readonly style: OutputStyle;
  private issuesWritten = 0;

  constructor(private readonly total: number) {
    super();
    // A lone OperationOutcome at the top level; several within a Bundle's entries.
    this.base = total === 1 ? 0 : 6;
    this.style = { format: 'json', indent: this.base };
    if (total !== 1) process.stdout.write('{\n  "resourceType": "Bundle",\n  "type": "collection",\n  "entry": [\n');
  }

  override start(file: string): void {
    super.start(file);
    const pad = ' '.repeat(this.base);
    if (this.total !== 1) process.stdout.write(`${this.files > 1 ? ',\n' : ''}    {\n      "fullUrl": ${JSON.stringify(pathToFileURL(file).href)},\n      "resource": `);
    process.stdout.write(`{\n${pad}  "resourceType": "OperationOutcome",\n${pad}  "issue": [`);
    this.issuesWritten = 0;
  }

  /** The issues, made where they were validated, comma-separated from those before. */
  protected write(result: BulkResult): void {
    if (result.written === 0) return;
    process.stdout.write(`${this.issuesWritten > 0 ? ',' : ''}${result.out}`);
    this.issuesWritten += result.written;
  }

  protected close(): void {
    if (this.issuesWritten === 0) this.write(issuesResult(this.style, '', false, [[{ severity: 'information', code: 'informational', diagnostics: 'no issues found', expression: '' }]]));
    const pad = ' '.repeat(this.base);
    process.stdout.write(`\n${pad}  ]\n${pad}}${this.total !== 1 ? '\n    }' : ''}`);
  }

  finish(): void {
    process.stdout.write(this.total !== 1 ? `${this.files > 0 ? '\n' : ''}  ]\n}\n` : '\n');
  }
}
