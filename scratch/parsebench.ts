import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson } from '../scripts/format/json/parse-json.js';
const dir = '/work/shared/corpus/gpconnect-examples';
const files = readdirSync(dir).flatMap((d) => readdirSync(join(dir, d)).map((f) => join(dir, d, f)));
const texts = files.map((f) => readFileSync(f, 'utf8'));
const ex = JSON.parse(texts.find(t => t.includes('"Slot"') && t.includes('searchset'))!);
const slot = ex.entry.find((e: any) => e.resource.resourceType === 'Slot');
const big = JSON.stringify({ ...ex, entry: Array.from({ length: 10000 }, (_, i) => ({ ...slot, fullUrl: 'Slot/' + i, resource: { ...slot.resource, id: 's' + i } })) }, null, 2);
for (const t of texts) { const a = JSON.stringify(parseJson(t, { maxDepth: 200 }).value); const b = JSON.stringify(JSON.parse(t)); if (a !== b) throw new Error('mismatch'); }
function bench(name: string, items: string[], fn: (t: string) => unknown) {
  for (let i = 0; i < 20; i++) for (const t of items) fn(t);
  const times: number[] = [];
  for (let r = 0; r < 15; r++) { const s = performance.now(); for (const t of items) fn(t); times.push(performance.now() - s); }
  times.sort((a, b) => a - b); return times[7];
}
for (let round = 0; round < 3; round++) {
  const a = bench('JSON.parse', texts, (t) => JSON.parse(t));
  const b = bench('parseJson', texts, (t) => parseJson(t, { maxDepth: 200 }));
  const c = bench('JSON.parse big', [big], (t) => JSON.parse(t));
  const d = bench('parseJson big', [big], (t) => parseJson(t, { maxDepth: 200 }));
  console.log(`examples: JSON.parse ${a.toFixed(2)}ms parseJson ${b.toFixed(2)}ms ratio ${(b/a).toFixed(2)} | big ${(big.length/1e6).toFixed(1)}MB: ${c.toFixed(1)} vs ${d.toFixed(1)} ratio ${(d/c).toFixed(2)}`);
}
