/**
 * `convert <in> --to xml|json [--out file]`: a FHIR payload from XML to JSON or JSON to XML (the input
 * format from its extension), by the element model of the project's dependencies. Output goes to stdout,
 * or to `--out` (written to a temporary file beside it and renamed, so never half-written). A payload with
 * errors writes nothing: the errors print with file, line and FHIRPath, exit 1; usage errors exit 2.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { convertPayload, formatOfFile, type PayloadFormat } from '../format/convert.js';
import { CONFIG_FILE_NAME, loadConfig } from '../load/config.js';
import { loadDependencies } from '../load/packages/index.js';
import { ElementModel } from '../resolve/element-model.js';
import { configOrExit, printDiagnostics, type CommandRegistration } from './common.js';
import { errorMessage } from '../util/values.js';

interface ConvertOptions {
  to: string;
  out?: string;
  config?: string;
  offline?: boolean;
  quiet?: boolean;
}

export const convertCommand: CommandRegistration = (program) => {
  program
    .command('convert')
    .description('convert a FHIR payload between XML and JSON (input format from its extension), driven by the FHIR definitions')
    .argument('<in>', 'the payload (.xml or .json)')
    .requiredOption('--to <format>', 'output format: xml or json')
    .option('--out <file>', 'write here instead of stdout')
    .option('--config <file>', `project config for dependencies (default: nearest ${CONFIG_FILE_NAME})`)
    .option('--offline', 'never touch the network')
    .option('-q, --quiet', 'print errors only')
    .action(async (input: string, opts: ConvertOptions) => {
      process.exitCode = await runConvert(input, opts);
    });
};

async function runConvert(input: string, opts: ConvertOptions): Promise<number> {
  const to = opts.to.toLowerCase();
  if (to !== 'xml' && to !== 'json') return usage(`--to must be xml or json, not '${opts.to}'`);
  const from = formatOfFile(input);
  if (!from) return usage(`cannot tell the format of '${input}': name it .xml or .json`);
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (e) {
    return usage(`cannot read ${input}: ${errorMessage(e)}`);
  }
  const diagnostics = new Diagnostics();
  const config = loadConfig(configOrExit(opts.config), diagnostics);
  const packages = config && (await loadDependencies(config, { diagnostics, offline: opts.offline }));
  if (!packages) {
    printDiagnostics(diagnostics, !!opts.quiet);
    return 2;
  }
  const payload = new Diagnostics();
  const output = convertPayload(text, from, to as PayloadFormat, ElementModel.fromSource(packages), payload, input);
  printDiagnostics(payload, !!opts.quiet);
  if (output === undefined || payload.hasErrors()) {
    if (!opts.quiet) process.stderr.write('nothing written: the payload has errors\n');
    return 1;
  }
  if (!opts.out) {
    process.stdout.write(output);
    return 0;
  }
  const target = resolve(opts.out);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, output, 'utf8');
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    process.stderr.write(`error: cannot write ${opts.out}: ${errorMessage(e)}\n`);
    return 2;
  }
  if (!opts.quiet) process.stderr.write(`wrote ${opts.out}\n`);
  return 0;
}

function usage(message: string): number {
  process.stderr.write(`error: ${message}\n`);
  return 2;
}
