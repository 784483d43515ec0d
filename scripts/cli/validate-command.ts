/**
 * `validate <files or globs...> [--profile URL] [--format text|json] [--ig spec...] [--rule id=severity]`: payloads checked
 * with the built project's validators (generated/), or against the definitions `--ig` names (packages,
 * `name@version`, folders or globs of loose definitions), added to the built package inside a project,
 * on their own outside one (docs/validate-ig.md). Text: one line per issue, `file[:line]: severity [code]
 * location: why`, then a summary; JSON: the OperationOutcome of a single file, or a collection Bundle of
 * one OperationOutcome per file. Exit 1 when any payload has an error or any named input cannot be read
 * (missing, a directory, a FIFO, a link loop, over the size limit: each is that file's fatal issue, or a
 * line on stderr for a glob that matches nothing), 2 when the validator itself cannot be loaded. Every
 * file of a batch gets its outcome: one that fails is never the end of the others.
 */
import { extname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { internalError } from '../diagnostics/internal-errors.js';
import { CONFIG_FILE_NAME } from '../load/config.js';
import { validatorOf, type ValidatorTarget } from '../commands/validator-target.js';
import type { OperationOutcome } from '../model/fhir.js';
import { positionOf, toOperationOutcome, VALIDATION_RULE_SYSTEM, type ValidationIssue } from '../validate/issues.js';
import { overrideProblems, type RuleOverrides } from '../validate/policy.js';
import type { ValidateOptions, Validator } from '../validate/validator.js';
import { configOrExit, findConfig, printDiagnostics, type CommandRegistration } from './common.js';
import { expandInputs, readPayloadFile } from './payload-files.js';
import { isBulkRun, runBulkValidate } from './bulk-validate-command.js';

/** How a payload file is read and validated, by extension. */
type PayloadReader = (validator: Validator, bytes: Buffer, options: ValidateOptions) => ValidationIssue[];

export const payloadReaders: Record<string, PayloadReader> = {
  '.json': (validator, bytes, options) => validator.jsonIssues(bytes, options),
  '.xml': (validator, bytes, options) => validator.xmlIssues(bytes, options),
};

interface ValidateCliOptions {
  profile?: string;
  format: string;
  config?: string;
  out?: string;
  offline?: boolean;
  invariants: boolean;
  quiet?: boolean;
  ig: string[];
  packages: string[];
  project: boolean;
  cacheDir?: string;
  workers?: string;
  rule: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const validateCommand: CommandRegistration = (program) => {
  program
    .command('validate')
    .description('validate FHIR payloads (JSON, XML or NDJSON) against the built profiles or --ig definitions; exit 1 if any has an error')
    .argument('<files...>', 'payload files, folders (their .json and .xml files) or globs')
    .option('--profile <url>', 'validate against this profile (default: meta.profile, then the base type)')
    .option('--format <format>', 'text or json (OperationOutcome)', 'text')
    .option('--config <file>', `project config (default: nearest ${CONFIG_FILE_NAME})`)
    .option('--out <dir>', 'build output holding the validators (default: generated/ beside the config)')
    .option('--offline', 'never touch the network')
    .option('--no-invariants', 'skip FHIRPath invariants')
    .option('--rule <id=severity>', 'set a rule\'s severity (error, warning, information, off); repeatable; ids in docs/validation-rules.md', collect, [])
    .option('-q, --quiet', 'text format: print errors only')
    .option('--ig <spec>', 'validate against these definitions too (repeatable): a package .tgz or folder, name@version, or a folder or glob of StructureDefinitions, ValueSets and CodeSystems (XML or JSON)', collect, [])
    .option('--packages <dir>', 'a folder of package tarballs (<name>-<version>.tgz) to find hl7.fhir.r3.core and other packages in, before the FHIR cache and the registry (repeatable)', collect, [])
    .option('--no-project', 'with --ig: ignore any fhir.config.json, validate against the --ig definitions alone')
    .option('--cache-dir <dir>', 'where compiled validators are kept between runs (default: .fhir-cache/validators in a project, else the user cache folder; FHIR_STU3_CACHE_DIR)')
    .option('--workers <n>', 'worker threads for NDJSON (.ndjson, .ndjson.gz) and large batches (default: all cores; 1: in process)')
    .action(async (patterns: string[], opts: ValidateCliOptions) => {
      process.exitCode = await runValidate(patterns, opts);
    });
};

async function runValidate(patterns: string[], opts: ValidateCliOptions): Promise<number> {
  if (opts.format !== 'text' && opts.format !== 'json') {
    process.stderr.write(`error: --format must be text or json, not '${opts.format}'\n`);
    return 2;
  }
  const rules = parseRules(opts.rule);
  if (typeof rules === 'string') {
    process.stderr.write(`error: ${rules}\n`);
    return 2;
  }
  const { inputs, problems } = await expandInputs(patterns);
  for (const problem of problems) process.stderr.write(`error: ${problem}\n`);
  if (inputs.length === 0) return 1;
  // NDJSON and large batches: streamed, on worker threads (bulk-validate-command.ts, docs/bulk.md).
  const files = inputs.map((i) => i.file);
  const target = validatorTarget(opts);
  const options: ValidateOptions = { profile: opts.profile, invariants: opts.invariants, rules };
  if (isBulkRun(files, opts.workers)) return runBulkValidate(files, problems, opts, options, target);
  const diagnostics = new Diagnostics();
  const validator = await validatorOf(target, diagnostics, (message) => process.stderr.write(`${message}\n`));
  printDiagnostics(diagnostics, true);
  if (!validator) return 2;
  const results = inputs.map(({ file }) => ({ file, outcome: toOperationOutcome(validateFile(validator, file, options)) }));
  const failed = results.filter((r) => r.outcome.issue.some((i) => i.severity === 'error' || i.severity === 'fatal')).length;
  if (opts.format === 'json') process.stdout.write(JSON.stringify(jsonReport(results), null, 2) + '\n');
  else {
    for (const { file, outcome } of results) process.stdout.write(textReport(relative(process.cwd(), file), outcome, !!opts.quiet));
    process.stdout.write(`${results.length} file(s): ${results.length - failed} valid, ${failed} invalid\n`);
  }
  return failed > 0 || problems.length > 0 ? 1 : 0;
}

/** The validator to run: the built project's, or with --ig the definitions added to the project's package (--config, else one found upwards; none with --no-project). */
function validatorTarget(opts: ValidateCliOptions): ValidatorTarget {
  const common = { outDir: opts.out && resolve(opts.out), offline: opts.offline, cacheDir: opts.cacheDir && resolve(opts.cacheDir) };
  if (opts.ig.length === 0) return { ...common, configFile: configOrExit(opts.config) };
  const configFile = !opts.project ? undefined : opts.config ? configOrExit(opts.config) : findConfig(process.cwd());
  return { ...common, configFile, ig: { specs: opts.ig, packageDirs: opts.packages } };
}

/** `--rule id=severity` settings as overrides, or the problem with them. */
function parseRules(settings: readonly string[]): RuleOverrides | string {
  const out: Record<string, string> = {};
  for (const setting of settings) {
    const eq = setting.indexOf('=');
    if (eq <= 0) return `--rule wants id=severity, not '${setting}'`;
    out[setting.slice(0, eq).trim()] = setting.slice(eq + 1).trim();
  }
  const problems = overrideProblems(out);
  return problems.length > 0 ? problems.join('; ') : (out as RuleOverrides);
}

/** One file's issues, whatever happens: unreadable files and bugs are its fatal issue, never the batch's end. */
function validateFile(validator: Validator, file: string, options: ValidateOptions): ValidationIssue[] {
  try {
    const reader = payloadReaders[extname(file).toLowerCase()];
    if (!reader) return [{ severity: 'fatal', code: 'not-found', diagnostics: `cannot validate ${extname(file) || 'extensionless'} files (known: ${Object.keys(payloadReaders).join(', ')})`, expression: '' }];
    // Refused before reading when over the size limit, so a huge file is never loaded into memory.
    const read = readPayloadFile(file);
    if ('error' in read) return [{ severity: 'fatal', code: 'not-found', diagnostics: read.error, expression: '' }];
    return reader(validator, read.bytes, options);
  } catch (e) {
    return [{ severity: 'fatal', code: 'exception', diagnostics: internalError(e, `validating ${file}`), expression: '' }];
  }
}

function textReport(file: string, outcome: OperationOutcome, quiet: boolean): string {
  const lines: string[] = [];
  const counts = { error: 0, warning: 0 };
  for (const i of outcome.issue) {
    if (i.severity === 'error' || i.severity === 'fatal') counts.error++;
    if (i.severity === 'warning') counts.warning++;
    if (i.severity === 'information' || (quiet && i.severity === 'warning')) continue;
    const at = positionOf(i);
    const line = at ? `:${at.line}${at.column !== undefined ? `:${at.column}` : ''}` : '';
    const where = i.expression?.[0] ? `${i.expression[0]}: ` : '';
    const rule = i.details?.coding?.find((c) => c.system === VALIDATION_RULE_SYSTEM)?.code;
    lines.push(`${file}${line}: ${i.severity} [${i.code}] ${where}${i.diagnostics ?? ''}${rule ? ` (rule ${rule})` : ''}`);
  }
  if (counts.error === 0 && !quiet) lines.push(`${file}: valid${counts.warning ? ` (${counts.warning} warning(s))` : ''}`);
  return lines.map((l) => l + '\n').join('');
}

function jsonReport(results: Array<{ file: string; outcome: OperationOutcome }>): unknown {
  if (results.length === 1) return results[0].outcome;
  return { resourceType: 'Bundle', type: 'collection', entry: results.map((r) => ({ fullUrl: pathToFileURL(r.file).href, resource: r.outcome })) };
}
