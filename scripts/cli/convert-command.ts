/**
 * `convert <in> --to xml|json [--out file]`: a FHIR payload from XML to JSON or JSON to XML (the input
 * format from its extension), by the element model of the project's dependencies. Output goes to stdout,
 * or to `--out` (written to a temporary file beside it and renamed, so never half-written). A payload with
 * errors writes nothing: the errors print with file, line and FHIRPath, exit 1; usage errors exit 2.
 *
 * Nothing is changed without a word: the input must be UTF-8 (invalid bytes are an error, never
 * replaced), numbers keep the text they were written with, and a narrative that FHIR forbids (scripts,
 * event attributes, `javascript:` URLs, elements outside the XHTML subset) is an error, so an unsafe
 * narrative is never passed on. An input that cannot be read (missing, a directory, over the size
 * limit) is an error, exit 1.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { convertPayload, formatOfFile, type PayloadFormat } from '../format/convert.js';
import type { LineIndex } from '../format/line-index.js';
import type { NamespaceScope, XmlNode } from '../format/xml/xml-tree.js';
import { decodePayload } from '../validate/json-payload.js';
import { checkNarrativeNode } from '../validate/xml-narrative.js';
import { readPayloadFile } from './payload-files.js';
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
  const read = readPayloadFile(input);
  if ('error' in read) {
    process.stderr.write(`error: ${read.error}\n`);
    return 1;
  }
  const decoded = decodePayload(read.bytes);
  if ('issue' in decoded) {
    process.stderr.write(`${input}: error: ${decoded.issue.diagnostics}\n`);
    return 1;
  }
  const text = decoded.text;
  const diagnostics = new Diagnostics();
  const config = loadConfig(configOrExit(opts.config), diagnostics);
  const packages = config && (await loadDependencies(config, { diagnostics, offline: opts.offline }));
  if (!packages) {
    printDiagnostics(diagnostics, !!opts.quiet);
    return 2;
  }
  const payload = new Diagnostics();
  const narratives = (node: XmlNode, scope: NamespaceScope, path: string, lines: LineIndex | undefined) => {
    for (const f of checkNarrativeNode(node, scope, path, lines)) payload.error(`convert.narrative-${f.code}`, `${f.message}: not converted`, { file: input, path: f.path, ...(f.line !== undefined ? { line: f.line } : {}) });
  };
  const output = convertPayload(text, from, to as PayloadFormat, ElementModel.fromSource(packages), payload, input, { onXhtml: narratives });
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
