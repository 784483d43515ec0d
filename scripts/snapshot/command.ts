/**
 * `snapshot <paths...> --out DIR [--compare]`: snapshots for any StructureDefinitions, resolving bases,
 * extensions and value sets from the project's dependencies plus the given files together. With
 * `--compare`, the agreement with the snapshot already present in each file, per file and overall.
 */
import { basename, relative } from 'node:path';
import type { StageContext } from '../context.js';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { SourceMap } from '../diagnostics/source-map.js';
import { jsonBuffer, type OutputFile } from '../emit/output.js';
import { writeOutput } from '../emit/writer.js';
import { loadConfig } from '../load/config.js';
import { loadDependencies } from '../load/packages/index.js';
import { findSourceFiles, readSourceFiles } from '../load/sources.js';
import { isStructureDefinition, type StructureDefinition } from '../model/fhir.js';
import { ElementModel } from '../resolve/element-model.js';
import { LayeredResolver, ResourceIndex } from '../resolve/resolver.js';
import { agreement, printAgreement } from './agreement.js';
import { SnapshotGenerator } from './generate.js';

export interface SnapshotCommandOptions {
  configFile: string;
  out: string;
  compare?: boolean;
  offline?: boolean;
  quiet?: boolean;
  print: (line: string) => void;
  printDiagnostics: (diagnostics: Diagnostics, quiet: boolean) => void;
}

/** Snapshots every given StructureDefinition that has a differential; returns the published/generated pairs. */
export async function snapshotFiles(paths: string[], configFile: string, diagnostics: Diagnostics, offline = false) {
  const config = loadConfig(configFile, diagnostics);
  const packages = config && (await loadDependencies(config, { diagnostics, offline }));
  if (!config || !packages) return undefined;
  const sources = new SourceMap();
  const model = ElementModel.fromSource(packages);
  const files = await findSourceFiles(paths, diagnostics, process.cwd());
  const read = readSourceFiles(files, { model, diagnostics, sources, root: process.cwd() }).filter(isStructureDefinition);
  const published = new Map<StructureDefinition, StructureDefinition>();
  const stripped = read.map((sd) => {
    const copy = { ...sd };
    delete copy.snapshot;
    sources.record(copy, sources.at(sd));
    published.set(copy, sd);
    return copy;
  });
  const ctx: StageContext = { resolver: new LayeredResolver([new ResourceIndex(stripped), packages], config.canonical), diagnostics, sources };
  const generator = new SnapshotGenerator(ctx);
  const results = stripped.filter((sd) => sd.differential).map((sd) => ({ file: sources.at(sd).file ?? '', published: published.get(sd) as StructureDefinition, generated: generator.generate(sd)?.profile }));
  return { results, generator };
}

export async function runSnapshotCommand(paths: string[], opts: SnapshotCommandOptions): Promise<number> {
  const diagnostics = new Diagnostics();
  const snapshotted = await snapshotFiles(paths, opts.configFile, diagnostics, opts.offline);
  if (!snapshotted) {
    opts.printDiagnostics(diagnostics, !!opts.quiet);
    return 2;
  }
  const { results, generator } = snapshotted;
  const outputs: OutputFile[] = results.filter((r) => r.generated).map((r) => ({ path: `${basename(r.file).replace(/\.(xml|json)$/, '')}.json`, content: jsonBuffer(r.generated) }));
  if (opts.compare) printAgreement(agreement(results, generator), opts.print);
  opts.printDiagnostics(diagnostics, !!opts.quiet);
  await writeOutput(opts.out, outputs, { preserve: [] });
  if (!opts.quiet) opts.print(`wrote ${outputs.length} snapshot(s) to ${relative(process.cwd(), opts.out) || opts.out}`);
  return diagnostics.hasErrors() ? 1 : 0;
}
