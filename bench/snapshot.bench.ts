/**
 * 4. Snapshot generation over the NHS corpus StructureDefinitions (../shared/corpus/nhs-stu3-assets/
 *    StructureDefinitions), as `snapshot --compare` does it (scripts/commands/snapshot.ts snapshotFiles):
 *    the files are read and their snapshots stripped first; only SnapshotGenerator.generate is timed, with
 *    a fresh generator per pass. Then the agreement with the published (Forge) snapshots.
 */
import type { StageContext } from '../scripts/context.js';
import { Diagnostics } from '../scripts/diagnostics/diagnostics.js';
import { SourceMap } from '../scripts/diagnostics/source-map.js';
import type { LoadedPackages } from '../scripts/load/packages/index.js';
import { findSourceFiles, readSourceFiles } from '../scripts/load/sources.js';
import { isStructureDefinition, type StructureDefinition } from '../scripts/model/fhir.js';
import type { ElementModel } from '../scripts/resolve/element-model.js';
import { LayeredResolver, ResourceIndex } from '../scripts/resolve/resolver.js';
import { agreement, agreementTotals } from '../scripts/snapshot/agreement.js';
import { compareSnapshots } from '../scripts/snapshot/compare.js';
import { SnapshotGenerator } from '../scripts/snapshot/generate.js';
import { corpusProfilesDir, median, projectRoot, say, timeSync, type Row } from './common.js';

/** A corpus profile: the file, the published StructureDefinition, and a copy without its snapshot. */
export interface CorpusProfile {
  file: string;
  published: StructureDefinition;
  stripped: StructureDefinition;
}

/** What the peers are compared with: our steady-state ms/profile and element agreement (no unfolding). */
export interface OurSnapshotFigures {
  firstMsPerProfile: number;
  msPerProfile: number;
  passes: number;
  profiles: number;
  generated: number;
  raw: Agreement;
  official: Agreement;
}

export interface Agreement {
  identical: number;
  total: number;
  files: number;
}

/** The plain figure (agreement.ts): generated snapshots against the published ones as they are, ids exact, nothing unfolded. */
export function rawAgreement(pairs: Array<{ published: StructureDefinition; generated?: StructureDefinition }>): Agreement {
  let identical = 0;
  let total = 0;
  let files = 0;
  for (const { published, generated } of pairs) {
    const pub = published.snapshot?.element ?? [];
    if (pub.length === 0) continue;
    files++;
    const c = compareSnapshots(pub, generated?.snapshot?.element ?? []);
    identical += c.identical;
    total += c.total;
  }
  return { identical, total, files };
}

export const percent = (a: Agreement) => `${((100 * a.identical) / Math.max(a.total, 1)).toFixed(2)}%`;
export const agreementCounts = (a: Agreement) => `${a.identical}/${a.total} elements identical, ${a.files} files`;

/** Reads the corpus (timed apart: not part of the generation figure). */
export async function readCorpus(model: ElementModel): Promise<{ profiles: CorpusProfile[]; sources: SourceMap; readMs: number }> {
  const diagnostics = new Diagnostics();
  const sources = new SourceMap();
  const { ms, value: read } = await (async () => {
    const started = performance.now();
    const files = await findSourceFiles([corpusProfilesDir], diagnostics, projectRoot);
    const sds = readSourceFiles(files, { model, diagnostics, sources, root: projectRoot }).filter(isStructureDefinition);
    return { ms: performance.now() - started, value: sds };
  })();
  const profiles = read.map((sd) => {
    const stripped = { ...sd };
    delete stripped.snapshot;
    sources.record(stripped, sources.at(sd));
    return { file: sources.at(sd).file ?? '', published: sd, stripped };
  });
  return { profiles, sources, readMs: ms };
}

export async function benchSnapshots(rows: Row[], model: ElementModel, packages: LoadedPackages, passes = 3): Promise<{ corpus: CorpusProfile[]; ours: OurSnapshotFigures }> {
  const section = '4. Snapshot generation, NHS corpus (SnapshotGenerator.generate only)';
  say('snapshot: reading the corpus');
  const { profiles, sources, readMs } = await readCorpus(model);
  const withDiff = profiles.filter((p) => p.stripped.differential);
  const canonical = 'https://fhir.nhs.uk/STU3';

  const pass = () => {
    const diagnostics = new Diagnostics();
    const ctx: StageContext = { resolver: new LayeredResolver([new ResourceIndex(profiles.map((p) => p.stripped)), packages], canonical), diagnostics, sources };
    const generator = new SnapshotGenerator(ctx);
    const { ms, value: generated } = timeSync(() => withDiff.map((p) => generator.generate(p.stripped)?.profile));
    return { ms, generated, generator, diagnostics };
  };

  say('snapshot: first pass (also reads core definitions from the package cache on first use)');
  const first = pass();
  const timed: number[] = [];
  let last = first;
  for (let i = 0; i < passes; i++) {
    say(`snapshot: pass ${i + 1}/${passes}`);
    last = pass();
    timed.push(last.ms);
  }
  const steady = median(timed);
  const failed = last.generated.filter((g) => !g).length;
  const errors = last.diagnostics.count('error') + last.diagnostics.count('fatal');

  say('snapshot: agreement with the published snapshots');
  const results = withDiff.map((p, i) => ({ file: p.file, published: p.published, generated: last.generated[i] }));
  const agree = timeSync(() => agreement(results, last.generator));
  const totals = agreementTotals(agree.value);
  const official: Agreement = { ...totals.normalised, files: totals.files };
  const raw = rawAgreement(results);

  const perProfile = (ms: number) => `${(ms / withDiff.length).toFixed(2)} ms/profile`;
  rows.push(
    { section, what: 'profiles generated', value: `${withDiff.length - failed}/${withDiff.length}`, note: `${errors} error diagnostic(s); reading the ${profiles.length} XML files took ${(readMs / 1000).toFixed(2)} s (not timed)` },
    { section, what: 'first pass', value: perProfile(first.ms), note: `${first.ms.toFixed(0)} ms total, includes first reads of core definitions` },
    { section, what: 'steady (fresh generator per pass)', value: perProfile(steady), note: `median of ${passes}: ${timed.map((t) => `${t.toFixed(0)} ms`).join(', ')} total` },
    {
      section,
      what: 'agreement, normalised (`snapshot --compare`)',
      value: percent(official),
      note: `${agreementCounts(official)}; Forge-only unfolding and choice-id spellings normalised (agreement.ts; took ${(agree.ms / 1000).toFixed(2)} s)`,
    },
    { section, what: 'agreement, plain', value: percent(raw), note: `${agreementCounts(raw)}; every compared field, ids exact, nothing unfolded: the measure the peers get in 5.` },
  );
  return { corpus: profiles, ours: {
      firstMsPerProfile: first.ms / withDiff.length,
      msPerProfile: steady / withDiff.length,
      passes,
      profiles: withDiff.length,
      generated: withDiff.length - failed,
      raw,
      official,
    },
  };
}
