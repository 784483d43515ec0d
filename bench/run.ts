/**
 * `npm run bench [-- topic...]`: the benchmarks, printed as one table on stdout (progress goes to stderr).
 * With no topic, every one runs; topics: startup, build, xml, snapshot, validate, validate-start, bulk, fhirpath, site, scaling (and those registered below).
 * Nothing is written into the repository: builds go to temp folders, removed at the end.
 */
import { availableParallelism } from 'node:os';
import type { LoadedPackages } from '../scripts/load/packages/index.js';
import { ElementModel } from '../scripts/resolve/element-model.js';
import { benchBuild, benchLoad } from './build.bench.js';
import { benchBulk } from './bulk.bench.js';
import { formatTable, removeTemps, say, type Row } from './common.js';
import { benchFhirpath } from './fhirpath.bench.js';
import { benchPeers } from './peers.js';
import { benchRelease } from './release.bench.js';
import { benchScaling } from './scaling.bench.js';
import { benchSite } from './site.bench.js';
import { benchSnapshots } from './snapshot.bench.js';
import { benchStartup } from './startup.bench.js';
import { benchTypes } from './types.bench.js';
import { benchValidate } from './validate.bench.js';
import { benchValidateStart } from './validate-start.bench.js';
import { benchXml } from './xml.bench.js';
import { benchXmlValidate } from './xml-validate.bench.js';

interface BenchContext {
  rows: Row[];
  packages: LoadedPackages;
  model: ElementModel;
  /** Free-text sections printed after the table. */
  sections: string[];
}

/** Topic -> benchmark, in run order. */
const topics: Record<string, (ctx: BenchContext) => Promise<void>> = {
  startup: async ({ rows }) => benchStartup(rows),
  build: async ({ rows }) => benchBuild(rows),
  xml: async ({ rows, model }) => benchXml(rows, model),
  'xml-validate': async ({ rows, packages, model }) => benchXmlValidate(rows, packages, model),
  snapshot: async ({ rows, model, packages, sections }) => {
    const { corpus, ours } = await benchSnapshots(rows, model, packages);
    const peers = await benchPeers(corpus, packages, ours);
    sections.push(peers.section, `Peers tried\n-----------\n${peers.notes.map((n) => `  - ${n}`).join('\n')}`);
  },
  validate: async ({ rows, packages }) => benchValidate(rows, packages),
  'validate-start': async ({ rows }) => Promise.resolve(benchValidateStart(rows)),
  bulk: async ({ rows }) => benchBulk(rows),
  types: async ({ rows, packages }) => benchTypes(rows, packages),
  release: async ({ rows }) => benchRelease(rows),
  fhirpath: async ({ rows }) => benchFhirpath(rows),
  site: async ({ rows, model, packages }) => benchSite(rows, model, packages),
  scaling: async ({ rows, model }) => benchScaling(rows, model),
};

async function main(): Promise<void> {
  const started = performance.now();
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((t) => !(t in topics));
  if (unknown.length) throw new Error(`unknown benchmark topic(s) ${unknown.join(', ')}; known: ${Object.keys(topics).join(', ')}`);
  const rows: Row[] = [];
  const packages = await benchLoad(rows);
  const ctx: BenchContext = { rows, packages, model: ElementModel.fromSource(packages), sections: [] };
  for (const [name, run] of Object.entries(topics)) if (wanted.length === 0 || wanted.includes(name)) await run(ctx);

  const header = ['fhir-stu3 benchmarks', `node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPU(s)`];
  process.stdout.write(`${header.join('\n')}\n${formatTable(rows)}\n${ctx.sections.map((s) => `\n${s}\n`).join('')}`);
  process.stdout.write(`\n(whole run ${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}

try {
  await main();
} finally {
  say('removing temp folders');
  removeTemps();
  say('done');
}
