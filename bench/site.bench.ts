/**
 * 9. Documentation site generation, beside what it is generated from:
 *
 * - GP Connect: the whole build in this process (warm: dependencies extracted, tsx loaded) to a temp
 *   folder, then the site of the package it wrote, read back as `fhir-stu3 site` reads it: context
 *   (resolver, expander, XML writer) and `generateSite` timed together, writing apart;
 * - the NHS corpus: every StructureDefinition of ../shared/corpus/nhs-stu3-assets/StructureDefinitions
 *   snapshotted (as `snapshot` does) into one package, and its site; the snapshot generation is the
 *   "build" figure beside it.
 *
 * Dependencies are loaded before timing (the build's own figure includes its loading of them).
 */
import { join } from 'node:path';
import { build } from '../scripts/build.js';
import { Diagnostics, formatDiagnostic } from '../scripts/diagnostics/diagnostics.js';
import type { OutputFile } from '../scripts/emit/output.js';
import { writeOutput } from '../scripts/emit/writer.js';
import { readBuiltPackageFolder } from '../scripts/load/built-package.js';
import type { LoadedPackages } from '../scripts/load/packages/index.js';
import type { Resource } from '../scripts/model/fhir.js';
import type { ElementModel } from '../scripts/resolve/element-model.js';
import { LayeredResolver, ResourceIndex } from '../scripts/resolve/resolver.js';
import type { SitePackage } from '../scripts/site/input.js';
import { readQaReport, siteContext } from '../scripts/site/prepare.js';
import { generateSite } from '../scripts/site/site.js';
import { SnapshotGenerator } from '../scripts/snapshot/generate.js';
import { tempProject } from './build.bench.js';
import { median, say, seconds, tempDir, timeAsync, timeSync, type Row } from './common.js';
import { readCorpus } from './snapshot.bench.js';

const section = '9. Documentation site (`site`), beside the build it documents';

/** Median milliseconds of `runs` site generations (context + pages), and the files of the last. */
function timeSite(pkg: SitePackage, packages: LoadedPackages, qa: Parameters<typeof generateSite>[0]['qa'], runs: number): { ms: number[]; files: OutputFile[] } {
  const ms: number[] = [];
  let files: OutputFile[] = [];
  for (let i = 0; i < runs; i++) {
    const diagnostics = new Diagnostics();
    const t = timeSync(() => generateSite({ package: pkg, ...(qa ? { qa } : {}) }, siteContext(pkg, packages, diagnostics)));
    ms.push(t.ms);
    files = t.value;
  }
  return { ms, files };
}

const bytes = (files: readonly OutputFile[]) => `${(files.reduce((n, f) => n + f.content.length, 0) / 1e6).toFixed(1)} MB`;

export async function benchSite(rows: Row[], model: ElementModel, packages: LoadedPackages, runs = 3): Promise<void> {
  // GP Connect: build, then the site of what it wrote.
  const project = tempProject();
  const builds: number[] = [];
  for (let i = 0; i < runs; i++) {
    say(`site: GP Connect build ${i + 1}/${runs} (in process)`);
    const t = await timeAsync(() => build({ configFile: project.config, outDir: project.out, offline: true }));
    if (t.value.status !== 'ok') throw new Error(`build failed:\n${t.value.diagnostics.sorted().map(formatDiagnostic).join('\n')}`);
    builds.push(t.ms);
  }
  const diagnostics = new Diagnostics();
  const pkg = readBuiltPackageFolder(join(project.out, 'package'), diagnostics);
  const qa = readQaReport(join(project.out, 'qa.json'), diagnostics);
  if (!pkg || !qa) throw new Error(diagnostics.sorted().map(formatDiagnostic).join('\n'));
  say('site: GP Connect site');
  timeSite(pkg, packages, qa, 1); // first: JIT and the first reads of core definitions
  const gp = timeSite(pkg, packages, qa, runs);
  const write = await timeAsync(() => writeOutput(join(tempDir('site-gp'), 'site'), gp.files, { preserve: [] }));
  rows.push(
    { section, what: 'GP Connect: build (in process, warm)', value: seconds(median(builds)), note: `median of ${runs}: ${builds.map(seconds).join(', ')}; ${pkg.resources.length} resources, ${pkg.examples.length} examples` },
    { section, what: 'GP Connect: site generation', value: seconds(median(gp.ms)), note: `median of ${runs}: ${gp.ms.map(seconds).join(', ')}; ${gp.files.length} files, ${bytes(gp.files)}; writing them ${seconds(write.ms)}` },
    { section, what: 'GP Connect: site / build', value: `${((100 * median(gp.ms)) / median(builds)).toFixed(0)}%` },
  );

  // The NHS corpus as one package.
  say('site: corpus StructureDefinitions, snapshots');
  const { profiles, sources } = await readCorpus(model);
  const snapshotMs: number[] = [];
  let resources: Resource[] = [];
  for (let i = 0; i < runs; i++) {
    const ctx = { resolver: new LayeredResolver([new ResourceIndex(profiles.map((p) => p.stripped)), packages], 'https://fhir.nhs.uk/STU3'), diagnostics: new Diagnostics(), sources };
    const generator = new SnapshotGenerator(ctx);
    const t = timeSync(() => profiles.map((p) => (p.stripped.differential ? generator.generate(p.stripped)?.profile : undefined) ?? p.published));
    snapshotMs.push(t.ms);
    resources = t.value;
  }
  const corpus: SitePackage = {
    manifest: { name: 'nhs.corpus.stu3', version: '0.0.0', title: 'NHS STU3 corpus StructureDefinitions', canonical: 'https://fhir.nhs.uk/STU3', fhirVersions: ['3.0.2'], dependencies: { 'hl7.fhir.r3.core': '3.0.2' } },
    // Most corpus files carry no id (a package needs one per resource, for its file name): the URL's last segment stands in.
    resources: resources.map((r) => ({ ...r, id: String(r.url).slice(String(r.url).lastIndexOf('/') + 1) })),
    examples: [],
  };
  say('site: corpus site');
  timeSite(corpus, packages, undefined, 1);
  const cs = timeSite(corpus, packages, undefined, runs);
  rows.push(
    { section, what: `corpus (${corpus.resources.length} SDs): snapshots`, value: seconds(median(snapshotMs)), note: `median of ${runs}: ${snapshotMs.map(seconds).join(', ')} (SnapshotGenerator, fresh per pass)` },
    { section, what: `corpus (${corpus.resources.length} SDs): site generation`, value: seconds(median(cs.ms)), note: `median of ${runs}: ${cs.ms.map(seconds).join(', ')}; ${cs.files.length} files, ${bytes(cs.files)}` },
    { section, what: 'corpus: per StructureDefinition', value: `${(median(cs.ms) / corpus.resources.length).toFixed(1)} ms` },
  );
}
