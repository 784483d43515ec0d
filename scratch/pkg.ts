import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { c as createTar } from 'tar';
import { Diagnostics, formatDiagnostic } from '../scripts/diagnostics/diagnostics.js';
import { loadDependencies } from '../scripts/load/packages/index.js';
import { readTgz } from '../test/helpers/shared.js';
const src = '/work/shared/fhir-packages/hl7.fhir.r3.expansions-3.0.2.tgz';
async function variant(name: string, make: (dir: string, file: string) => Promise<void>) {
  const root = mkdtempSync(join(tmpdir(), 'pkgv-'));
  const dir = join(root, 't'); mkdirSync(dir);
  await make(dir, join(dir, 'hl7.fhir.r3.expansions-3.0.2.tgz'));
  const d = new Diagnostics();
  const p = await loadDependencies({ projectRoot: root, dependencies: { 'hl7.fhir.r3.expansions': '3.0.2' }, dependencySources: [{ type: 'directory', path: dir }] }, { diagnostics: d, offline: true });
  console.log('==', name, 'loaded:', p?.packages.map(x => x.label + ' ' + x.resourceCount), 'errors:', d.hasErrors());
  for (const x of d.all.filter(x => x.severity !== 'information').slice(0, 5)) console.log('  ', formatDiagnostic(x).slice(0, 200));
}
const files = readTgz(src);
async function tarOf(file: string, entries: Map<string, Buffer>) {
  const work = mkdtempSync(join(tmpdir(), 'w-'));
  for (const [p, b] of entries) { mkdirSync(join(work, p, '..'), { recursive: true }); writeFileSync(join(work, p), b); }
  await createTar({ gzip: true, file, cwd: work }, ['package']);
}
await variant('truncated', async (_d, f) => { const b = readFileSync(src); writeFileSync(f, b.subarray(0, Math.floor(b.length * 0.6))); });
await variant('corrupt member', async (_d, f) => { const m = new Map(files); const k = [...m.keys()].find(k => k.includes('ValueSet-'))!; console.log('corrupting', k); m.set(k, Buffer.from('{"resourceType": "ValueSet", garbage')); await tarOf(f, m); });
await variant('only package.json', async (_d, f) => { const m = new Map([...files].filter(([k]) => k === 'package/package.json')); await tarOf(f, m); });
