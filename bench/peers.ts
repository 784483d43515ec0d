/**
 * 5. Peers that generate STU3 snapshots, in this run, on the same corpus profiles (read by our reader into
 *    FHIR JSON, snapshots stripped), timed like ours: set-up apart, then a first pass and the median of
 *    `passes` more, each on fresh copies. Agreement is the plain figure of agreement.ts for all three: element
 *    agreement with the published snapshots on every compared field, ids exact, nothing unfolded (a profile
 *    that fails counts as all its elements missing).
 *
 *    - FHIR.js (npm `fhir`): SnapshotGenerator over a ParseConformance(STU3) loaded with the core
 *      StructureDefinitions. Its generate() stops at the first profile that throws, so each bundle entry is
 *      processed as generate() does (its `process`), one at a time, counting failures.
 *    - fhir-snapshot-generator (with fhir-package-explorer): supports FHIR 3.0.2; run offline over a temp
 *      FHIR package cache (registry disabled) holding hl7.fhir.r3.core and the corpus as a package, its
 *      snapshot cache on and a fresh package cache for every pass.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import fhirjs from 'fhir';
import { SnapshotGenerator as FhirJsSnapshotGenerator } from 'fhir/snapshotGenerator.js';
import { FhirPackageExplorer } from 'fhir-package-explorer';
import { FhirSnapshotGenerator } from 'fhir-snapshot-generator';
import type { LoadedPackages } from '../scripts/load/packages/index.js';
import type { StructureDefinition } from '../scripts/model/fhir.js';
import { formatGrid, median, ratio, say, tempDir, timeAsync, timeSync } from './common.js';
import { percent, rawAgreement, type CorpusProfile, type OurSnapshotFigures } from './snapshot.bench.js';

interface PeerPass {
  ms: number;
  generated: Array<StructureDefinition | undefined>;
  /** Failure kind -> how many, and the first message of that kind. */
  failures: Map<string, { count: number; example: string }>;
}

interface PeerResult {
  name: string;
  setupMs: number;
  first: PeerPass;
  passes: PeerPass[];
}

/** A failure message with quoted names and URLs folded, so failures of one kind count together. */
const failureKind = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/(["'])[^"']*\1/g, '$1…$1').replace(/\s+/g, ' ').slice(0, 110);

function countFailure(failures: PeerPass['failures'], e: unknown): void {
  const kind = failureKind(e);
  const seen = failures.get(kind);
  if (seen) seen.count++;
  else failures.set(kind, { count: 1, example: (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 160) });
}

/** The profiles a generator is asked for: those with a differential, as ours. */
const targets = (corpus: readonly CorpusProfile[]) => corpus.filter((p) => p.stripped.differential);

// ---- FHIR.js -------------------------------------------------------------------------------------------

type FhirJsParser = InstanceType<typeof fhirjs.ParseConformance>;
type FhirJsSd = Parameters<typeof FhirJsSnapshotGenerator.createBundle>[0];

function fhirJsPass(parser: FhirJsParser, corpus: readonly CorpusProfile[]): PeerPass {
  const work = targets(corpus).map((p) => structuredClone(p.stripped));
  const generator = new FhirJsSnapshotGenerator(parser, FhirJsSnapshotGenerator.createBundle(...(work as unknown as FhirJsSd[])));
  // generate() is `bundle.entry.forEach(e => this.process(e.resource))`; the same, one profile at a time.
  const process = (generator as unknown as { process(sd: unknown): void }).process.bind(generator);
  const failures: PeerPass['failures'] = new Map();
  const ok = new Set<StructureDefinition>();
  const { ms } = timeSync(() => {
    for (const sd of work) {
      try {
        process(sd);
        ok.add(sd);
      } catch (e) {
        countFailure(failures, e);
      }
    }
  });
  return { ms, generated: work.map((sd) => (ok.has(sd) ? sd : undefined)), failures };
}

function runFhirJs(corpus: readonly CorpusProfile[], packages: LoadedPackages, passes: number, adapted: boolean): PeerResult {
  const setup = timeSync(() => {
    const parser = new fhirjs.ParseConformance(false, fhirjs.Versions.STU3);
    const sds = packages.resourcesOfType('StructureDefinition').filter((r) => ['resource', 'complex-type', 'primitive-type'].includes(String(r.kind)))
      .map((r) => structuredClone(r)); // shared objects: FHIR.js gets its own copies
    parser.parseBundle({ resourceType: 'Bundle', entry: sds.map((resource) => ({ resource })) });
    if (!adapted) return parser;
    // FHIR.js's STU3 base list holds resource types only, so a profile of Extension or a data type finds no base:
    // this view of the parser also counts every core StructureDefinition URL as a base.
    const coreUrls = new Set(sds.map((s) => String(s.url)));
    const view = Object.create(parser) as FhirJsParser;
    view.isBaseProfile = (url: string) => coreUrls.has(url);
    return view;
  });
  const first = fhirJsPass(setup.value, corpus);
  const timed = Array.from({ length: passes }, () => fhirJsPass(setup.value, corpus));
  return { name: adapted ? 'FHIR.js 4.12 + core types as bases' : 'FHIR.js 4.12 (npm fhir), as shipped', setupMs: setup.ms, first, passes: timed };
}

// ---- fhir-snapshot-generator ---------------------------------------------------------------------------

const CORPUS_PACKAGE = { id: 'bench.nhs.corpus', version: '1.0.0' };
/** Implicit dependencies fhir-package-installer adds to hl7.fhir.r3.core; only on packages.fhir.org. */
const IMPLICIT_R3 = ['hl7.terminology.r3', 'hl7.fhir.uv.extensions.r3'];
const quietLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A temp FHIR package cache: hl7.fhir.r3.core (copied from our extracted copy), the corpus as a package, empty stand-ins for the implicit packages. */
function fsgCache(corpus: readonly CorpusProfile[], packages: LoadedPackages): string {
  const cache = tempDir('fsg-cache');
  const core = packages.packages.find((p) => p.name === 'hl7.fhir.r3.core');
  if (!core) throw new Error('hl7.fhir.r3.core not loaded');
  const coreDir = join(cache, `${core.name}#${core.version}`, 'package');
  cpSync(join(core.path, 'package'), coreDir, { recursive: true });
  // The shared tarball's .index.json has no `derivation`, which fhir-package-installer would take as is; without it, it indexes the files itself.
  rmSync(join(coreDir, '.index.json'), { force: true });
  const write = (id: string, version: string, dependencies: Record<string, string>, files: Array<[string, unknown]>) => {
    const dir = join(cache, `${id}#${version}`, 'package');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: id, version, fhirVersions: ['3.0.2'], dependencies }));
    for (const [name, content] of files) writeFileSync(join(dir, name), JSON.stringify(content));
  };
  for (const id of IMPLICIT_R3) write(id, '0.0.0-bench-stub', {}, []);
  const files = corpus.map((p): [string, unknown] => [basename(p.file).replace(/\.xml$/, '.json'), p.stripped]);
  write(CORPUS_PACKAGE.id, CORPUS_PACKAGE.version, { 'hl7.fhir.r3.core': core.version }, files);
  return cache;
}

/**
 * One pass of FSG over the corpus, with its snapshot cache enabled (`lazy`: each snapshot generated once,
 * then read from the cache, as ours keeps each within a pass) on a fresh package cache of its own, so no
 * pass reuses what an earlier pass generated (set-up of the cache and the explorer not timed).
 */
async function fsgPass(corpus: readonly CorpusProfile[], packages: LoadedPackages): Promise<PeerPass & { setupMs: number }> {
  const setupStarted = performance.now();
  const fpe = await newFsgExplorer(corpus, packages);
  // FSG logs why a snapshot failed, then falls back to the original definition and throws that it has no snapshot: the logged reason is kept.
  const reasons = new Map<string, string>();
  const warn = (message: unknown) => {
    const m = /^Failed to generate snapshot for '([^']+)': ([\s\S]*?)(?:\s*Using the original[\s\S]*)?$/.exec(String(message));
    if (m) reasons.set(m[1], m[2]);
  };
  const fsg = await FhirSnapshotGenerator.create({ fpe, fhirVersion: '3.0.2', cacheMode: 'lazy', logger: { ...quietLogger, warn } });
  const setupMs = performance.now() - setupStarted;
  const failures: PeerPass['failures'] = new Map();
  const generated: Array<StructureDefinition | undefined> = [];
  const { ms } = await timeAsync(async () => {
    for (const p of targets(corpus)) {
      try {
        const sd = (await fsg.getSnapshot(p.stripped.url, CORPUS_PACKAGE)) as StructureDefinition | undefined;
        // On a failure FSG logs it and returns the original (snapshot-less) definition.
        if (!sd?.snapshot?.element?.length) throw new Error('no snapshot (FSG returned the original definition)');
        generated.push(sd);
      } catch (e) {
        const reason = reasons.get(p.stripped.url);
        countFailure(failures, reason ? new Error(reason) : e);
        generated.push(undefined);
      }
    }
  });
  return { ms, generated, failures, setupMs };
}

function newFsgExplorer(corpus: readonly CorpusProfile[], packages: LoadedPackages): Promise<FhirPackageExplorer> {
  const cache = fsgCache(corpus, packages);
  return FhirPackageExplorer.create({ context: [`${CORPUS_PACKAGE.id}@${CORPUS_PACKAGE.version}`], cachePath: cache, fhirVersion: '3.0.2', skipExamples: true, registryUrl: 'n/a', logger: quietLogger });
}

async function runFsg(corpus: readonly CorpusProfile[], packages: LoadedPackages, passes: number): Promise<PeerResult> {
  const first = await fsgPass(corpus, packages);
  const timed: PeerPass[] = [];
  for (let i = 0; i < passes; i++) timed.push(await fsgPass(corpus, packages));
  return { name: 'fhir-snapshot-generator 2.2 (+ fhir-package-explorer), cache on, fresh per pass', setupMs: first.setupMs, first, passes: timed };
}

// ---- report --------------------------------------------------------------------------------------------

const ms = (x: number) => x.toFixed(2);

function gridRow(r: PeerResult, corpus: readonly CorpusProfile[], ours: OurSnapshotFigures): string[] {
  const n = targets(corpus).length;
  const steady = median(r.passes.map((p) => p.ms)) / n;
  const last = r.passes[r.passes.length - 1] ?? r.first;
  const agree = rawAgreement(targets(corpus).map((p, i) => ({ published: p.published, generated: last.generated[i] })));
  return [r.name, `${last.generated.filter(Boolean).length}/${n}`, ms(r.first.ms / n), ms(steady), ratio(steady, ours.msPerProfile), percent(agree), `${(r.setupMs / 1000).toFixed(2)} s`];
}

function failureLines(r: PeerResult): string[] {
  const last = r.passes[r.passes.length - 1] ?? r.first;
  const kinds = [...last.failures.values()].sort((a, b) => b.count - a.count);
  const shown = kinds.slice(0, 5).map(({ count, example }) => `      ${String(count).padStart(3)} x ${example}${count > 1 ? ' (and alike)' : ''}`);
  return kinds.length === 0 ? [] : [`    ${r.name}, failures by kind:`, ...shown, ...(kinds.length > 5 ? [`      (${kinds.length - 5} more kinds)`] : [])];
}

/** Runs every peer it can, beside our figures; returns the printed section and one line per peer tried. */
export async function benchPeers(corpus: readonly CorpusProfile[], packages: LoadedPackages, ours: OurSnapshotFigures, passes = 3): Promise<{ section: string; notes: string[] }> {
  const title = '5. Snapshot generation beside peers: same corpus profiles (JSON, snapshots stripped), same timing';
  const notes: string[] = [];
  const results: PeerResult[] = [];
  const skipped: string[] = [];
  const attempt = async (label: string, run: () => PeerResult | Promise<PeerResult>, note: (r: PeerResult) => string) => {
    say(`peers: ${label}`);
    try {
      const r = await run();
      results.push(r);
      notes.push(note(r));
    } catch (e) {
      skipped.push(`    ${label}: did not run: ${failureKind(e)}`);
      notes.push(`${label}: tried, could not run here: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  await attempt('FHIR.js (npm fhir)', () => runFhirJs(corpus, packages, passes, false), (r) =>
    `FHIR.js 4.12 (npm \`fhir\`): ran. ParseConformance(STU3) loaded with the core StructureDefinitions; ${r.passes[0].failures.size ? 'profiles whose base is not a resource type (extensions, data-type profiles) fail: its STU3 base list names resource types only' : 'no failures'}.`);
  await attempt('FHIR.js + core types as bases', () => runFhirJs(corpus, packages, passes, true), () =>
    'FHIR.js, adapted: the same, with isBaseProfile answering true for every core StructureDefinition URL (a view of the parser; FHIR.js code unchanged), to give it its best run.');
  await attempt('fhir-snapshot-generator', () => runFsg(corpus, packages, passes), () =>
    'fhir-snapshot-generator 2.2.2: supports 3.0.2 (maps it to hl7.fhir.r3.core). Cannot start as shipped offline: fhir-package-installer adds implicit ' +
      `dependencies ${IMPLICIT_R3.join(' and ')} to hl7.fhir.r3.core, which only packages.fhir.org has (unreachable here). Run with the registry disabled ` +
      "and empty stand-in packages for those two, and without the shared core tarball's .index.json (it lacks `derivation`, so FSG found no base types; " +
      'fhir-package-installer then indexes the files itself). cacheMode lazy (its default): a snapshot, once generated, is read from its cache, as ours keeps each ' +
      'within a pass; every pass gets a fresh package cache, so no pass reads what an earlier one generated (making the cache and explorer is set-up, not timed). ' +
      'Its failures are STU3 forms it reads the R4 way: ' +
      'an element with several type entries (STU3 lists Reference once per target profile) is unfolded as a choice, so its children are "illegal"; ' +
      'Forge-style ids of a restricted choice (`valueCodeableConcept:valueCodeableConcept`) are not found.');

  const headers = ['generator', 'generated', 'first ms/profile', `steady ms/profile (median of ${passes})`, 'time vs ours', 'plain agreement*', 'set-up (untimed)'];
  const oursRow = ['fhir-stu3 (ours)', `${ours.generated}/${ours.profiles}`, ms(ours.firstMsPerProfile), ms(ours.msPerProfile), '1.00x', percent(ours.raw), 'section 2'];
  const lines = [
    title,
    '-'.repeat(title.length),
    formatGrid(headers, [oursRow, ...results.map((r) => gridRow(r, corpus, ours))]),
    `  * plain agreement: elements identical to the published snapshots on every compared field (ids matched exactly, nothing unfolded), over ${ours.raw.files} files;`,
    '    a failed profile counts all its elements missing. Same measure for the three generators.',
    `    ours normalised as \`snapshot --compare\` also prints it (Forge-only unfolding and choice-id spellings): ${percent(ours.official)}.`,
    ...results.flatMap(failureLines),
    ...skipped,
  ];
  return { section: lines.join('\n'), notes };
}
