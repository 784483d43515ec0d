/**
 * `snapshot <paths...> --out DIR [--format json|xml] [--compare]`: snapshots for any StructureDefinitions,
 * resolving bases, extensions and value sets from the project's dependencies plus the given files together,
 * with a warning for each type or extension profile that does not resolve. With `--compare`, the agreement
 * with the snapshot already present in each file, per file and overall (agreement.ts).
 */
import { basename, relative } from 'node:path';
import { reportImpossibleCardinalities } from '../check/cardinality.js';
import type { StageContext } from '../context.js';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { SourceMap } from '../diagnostics/source-map.js';
import { checkProfiles } from '../check/check-profiles.js';
import { jsonBuffer, type OutputFile } from '../emit/output.js';
import { writeXmlResource } from '../format/xml/write-xml.js';
import { writeOutput } from '../emit/writer.js';
import { loadConfig } from '../load/config.js';
import { loadDependencies } from '../load/packages/index.js';
import { findSourceFiles, readSourceFiles } from '../load/sources.js';
import { isStructureDefinition, type StructureDefinition } from '../model/fhir.js';
import { ElementModel } from '../resolve/element-model.js';
import { LayeredResolver, ResourceIndex, type DefinitionSource } from '../resolve/resolver.js';
import { agreement, printAgreement } from '../snapshot/agreement.js';
import { generateSnapshots, SnapshotGenerator } from '../snapshot/generate.js';

export interface SnapshotCommandOptions {
  configFile: string;
  out: string;
  compare?: boolean;
  /** Output format (default json). */
  format?: 'json' | 'xml';
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
  // The given files are not a project of their own: an unresolved URL under the config's canonical is a warning too.
  const ctx: StageContext = { resolver: new LayeredResolver([new ResourceIndex(stripped), packages]), diagnostics, sources };
  const generator = new SnapshotGenerator(ctx);
  const results = stripped
    .filter((sd) => sd.differential)
    .map((sd) => {
      const result = generator.generate(sd);
      return { file: sources.at(sd).file ?? '', published: published.get(sd) as StructureDefinition, generated: result?.profile, result };
    });
  return { results, generator, model, ctx };
}

/**
 * Snapshots of StructureDefinitions already in memory (the API's entry to snapshot generation): each
 * profile with a differential gets its snapshot from its base, looked up among the given profiles first,
 * then the dependencies (hl7.fhir.r3.core and others, e.g. from loadDependencies). Problems go into the
 * returned diagnostics; a profile whose snapshot cannot be made is left out of `profiles`.
 */
export function snapshotProfiles(profiles: readonly StructureDefinition[], dependencies: readonly DefinitionSource[], options: { canonical?: string } = {}): { profiles: StructureDefinition[]; diagnostics: Diagnostics } {
  const diagnostics = new Diagnostics();
  const ctx: StageContext = { resolver: new LayeredResolver([new ResourceIndex(profiles), ...dependencies], options.canonical ?? ''), diagnostics, sources: new SourceMap() };
  const results = generateSnapshots(profiles.filter((sd) => sd.differential), ctx);
  return { profiles: results.map((r) => r.profile), diagnostics };
}

export async function runSnapshotCommand(paths: string[], opts: SnapshotCommandOptions): Promise<number> {
  const diagnostics = new Diagnostics();
  const snapshotted = await snapshotFiles(paths, opts.configFile, diagnostics, opts.offline);
  if (!snapshotted) {
    opts.printDiagnostics(diagnostics, !!opts.quiet);
    return 2;
  }
  const { results, generator, model, ctx } = snapshotted;
  // Type and extension profiles that do not resolve are warned of, as the build does.
  checkProfiles(results.flatMap((r) => (r.result ? [r.result] : [])), ctx, { canonical: '', only: ['profile.unknown-type-profile'] });
  const format = opts.format ?? 'json';
  const outputs: OutputFile[] = [];
  for (const r of results) {
    if (!r.generated) continue;
    reportImpossibleCardinalities(r.generated, r.file, diagnostics);
    const content = format === 'xml' ? writeXmlResource(r.generated, model, diagnostics, r.file) : jsonBuffer(r.generated);
    if (content !== undefined) outputs.push({ path: `${basename(r.file).replace(/\.(xml|json)$/, '')}.${format}`, content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content });
  }
  if (opts.compare) printAgreement(agreement(results, generator), opts.print);
  opts.printDiagnostics(diagnostics, !!opts.quiet);
  await writeOutput(opts.out, outputs, { preserve: [] });
  if (!opts.quiet) opts.print(`wrote ${outputs.length} snapshot(s) to ${relative(process.cwd(), opts.out) || opts.out}`);
  return diagnostics.hasErrors() ? 1 : 0;
}
