/**
 * `snapshot <paths...> --out DIR [--compare]`: snapshots for any StructureDefinitions, resolving bases,
 * extensions and value sets from the project's dependencies plus the given files together. With
 * `--compare`, the agreement with the snapshot already present in each file, per file and overall.
 */
import { basename, relative } from 'node:path';
import { reportImpossibleCardinalities } from '../check/cardinality.js';
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
import { compareSnapshots, normaliseId, type SnapshotComparison } from '../snapshot/compare.js';
import { SnapshotGenerator } from '../snapshot/generate.js';

export interface SnapshotCommandOptions {
  configFile: string;
  out: string;
  compare?: boolean;
  offline?: boolean;
  quiet?: boolean;
  print: (line: string) => void;
  printDiagnostics: (diagnostics: Diagnostics, quiet: boolean) => void;
}

export interface FileAgreement {
  file: string;
  url: string;
  comparison: SnapshotComparison;
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
  for (const r of results) if (r.generated) reportImpossibleCardinalities(r.generated, r.file, diagnostics);
  const outputs: OutputFile[] = results.filter((r) => r.generated).map((r) => ({ path: `${basename(r.file).replace(/\.(xml|json)$/, '')}.json`, content: jsonBuffer(r.generated) }));
  if (opts.compare) printAgreement(agreement(results, generator), opts.print);
  opts.printDiagnostics(diagnostics, !!opts.quiet);
  await writeOutput(opts.out, outputs, { preserve: [] });
  if (!opts.quiet) opts.print(`wrote ${outputs.length} snapshot(s) to ${relative(process.cwd(), opts.out) || opts.out}`);
  return diagnostics.hasErrors() ? 1 : 0;
}

/**
 * Per file, the generated snapshot against the published one. Elements the published snapshot merely
 * unfolds (unconstrained children of complex types, as Forge shows them) are unfolded on our side too, by
 * the generator itself, so they are compared rather than counted missing.
 */
export function agreement(results: Array<{ file: string; published: StructureDefinition; generated?: StructureDefinition }>, generator: SnapshotGenerator): FileAgreement[] {
  return results
    .filter((r) => r.published.snapshot?.element?.length)
    .map((r) => {
      const published = r.published.snapshot?.element ?? [];
      const ours = r.generated ? generator.expand(r.generated, published.map((e) => normaliseId(e.id ?? e.path)), normaliseId) : [];
      return { file: r.file, url: r.published.url, comparison: compareSnapshots(published, ours) };
    });
}

export function printAgreement(rows: FileAgreement[], print: (line: string) => void): void {
  let total = 0;
  let identical = 0;
  for (const { file, comparison } of rows) {
    total += comparison.total;
    identical += comparison.identical;
    print(`${percent(comparison.identical, comparison.total).padStart(7)}  ${String(comparison.identical).padStart(4)}/${String(comparison.total).padEnd(4)}  ${file}`);
    for (const d of comparison.differences) print(`           ${d.id}: ${d.aspect}${d.expected !== undefined ? ` published ${d.expected} generated ${d.actual}` : ''}`);
  }
  print(`overall: ${identical}/${total} elements identical (${percent(identical, total)}) over ${rows.length} file(s)`);
}

function percent(n: number, d: number): string {
  return d === 0 ? '100.00%' : `${((100 * n) / d).toFixed(2)}%`;
}
