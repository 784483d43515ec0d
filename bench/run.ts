/**
 * `npm run bench`: every benchmark in one run, printed as one table on stdout (progress goes to stderr).
 * Nothing is written into the repository: builds go to temp folders, removed at the end.
 */
import { availableParallelism } from 'node:os';
import { ElementModel } from '../scripts/resolve/element-model.js';
import { benchBuild, benchLoad } from './build.bench.js';
import { formatTable, removeTemps, say, type Row } from './common.js';
import { benchPeers } from './peers.js';
import { benchSnapshots } from './snapshot.bench.js';
import { benchXml } from './xml.bench.js';

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  await benchBuild(rows);
  const packages = await benchLoad(rows);
  const model = ElementModel.fromSource(packages);
  benchXml(rows, model);
  const { corpus, ours } = await benchSnapshots(rows, model, packages);
  const peers = await benchPeers(corpus, packages, ours);

  const header = [
    'fhir-stu3 benchmarks',
    `node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPU(s)`,
  ];
  process.stdout.write(`${header.join('\n')}\n${formatTable(rows)}\n\n${peers.section}\n\nPeers tried\n-----------\n${peers.notes.map((n) => `  - ${n}`).join('\n')}\n`);
  process.stdout.write(`\n(whole run ${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}

try {
  await main();
} finally {
  say('removing temp folders');
  removeTemps();
  say('done');
}
