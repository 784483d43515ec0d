/**
 * Scaling of every layer with the size of one payload (issue 19: linear time, invariants included):
 * searchset Bundles of 1,000, 10,000 and 100,000 Slot entries (from the free-slots example, internal
 * references to its Schedule) and Patients with 1,000 and 10,000 contained Organizations, each referenced.
 * Per payload and layer: reading alone (our JSON reader, beside JSON.parse), structure, + semantic layer
 * (no invariants), + FHIRPath invariants; the XML path for the Bundles up to 10,000. Time per entry should
 * stay flat as the payload grows (the ratio column: per-entry time against the smallest size's).
 *
 * The payload limits are lifted for this (a 100,000-entry Bundle is about 80 MiB, over the 32 MiB default).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostics } from '../scripts/diagnostics/diagnostics.js';
import { jsonToXml } from '../scripts/format/convert.js';
import type { ElementModel } from '../scripts/resolve/element-model.js';
import { readJsonPayload } from '../scripts/validate/json-payload.js';
import { Validator, type ValidateOptions, type ValidatorParts } from '../scripts/validate/validator.js';
import { gpconnectExamplesDir } from '../test/helpers/shared.js';
import { validatorSetup } from '../test/validate/validator-setup.js';
import { median, say, type Row } from './common.js';

const SECTION = 'Scaling with payload size (ms per payload; per-entry time against the smallest size)';
const NO_LIMITS = { maxBytes: Infinity, maxMillis: 0, maxIssues: 1_000_000, maxDepth: 200 };

function slotBundle(n: number): Buffer {
  const example = JSON.parse(readFileSync(join(gpconnectExamplesDir, 'appointments', 'search_for_free_slots_response_example.json'), 'utf8')) as { entry: Array<{ resource: { resourceType: string } }> };
  const slot = example.entry.find((e) => e.resource.resourceType === 'Slot') as { resource: Record<string, unknown> };
  const others = example.entry.filter((e) => e.resource.resourceType !== 'Slot');
  const slots = Array.from({ length: n }, (_, i) => ({ ...slot, fullUrl: `Slot/slot-${i}`, resource: { ...slot.resource, id: `slot-${i}` } }));
  return Buffer.from(JSON.stringify({ ...example, total: n, entry: [...others, ...slots] }));
}

function containedPatient(n: number): Buffer {
  const contained = Array.from({ length: n }, (_, i) => ({ resourceType: 'Organization', id: `org-${i}`, name: `Organisation ${i}` }));
  return Buffer.from(JSON.stringify({ resourceType: 'Patient', id: 'p', contained, generalPractitioner: contained.map((c) => ({ reference: `#${c.id}` })) }));
}

/** Median milliseconds of `fn` over `runs` runs, after one unmeasured run. */
function time(fn: () => void, runs: number): number {
  fn();
  return median(Array.from({ length: runs }, () => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  }));
}

export async function benchScaling(rows: Row[], model: ElementModel): Promise<void> {
  const { validator: base } = await validatorSetup();
  const validator = new Validator({ ...(base as unknown as { parts: ValidatorParts }).parts, limits: NO_LIMITS });
  const layers: Array<[string, (b: Buffer) => void]> = [
    ['JSON.parse (the floor)', (b) => void JSON.parse(b.toString('utf8'))],
    ['our JSON reader', (b) => void readJsonPayload(b, NO_LIMITS)],
    ['structure', (b) => void validator.jsonIssues(b, { semantic: false })],
    ['+ semantic, no invariants', (b) => void validator.jsonIssues(b, { invariants: false })],
    ['+ invariants', (b) => void validator.jsonIssues(b, {} as ValidateOptions)],
  ];
  const series: Array<[string, number[], (n: number) => Buffer]> = [
    ['searchset Bundle, Slot entries', [1000, 10_000, 100_000], slotBundle],
    ['Patient, contained Organizations', [1000, 10_000], containedPatient],
  ];
  for (const [what, sizes, make] of series) {
    const perEntry = new Map<string, number>();
    for (const n of sizes) {
      const bytes = make(n);
      for (const [layer, fn] of layers) {
        say(`scaling: ${what} ${n.toLocaleString('en')}, ${layer}`);
        const ms = time(() => fn(bytes), n >= 100_000 ? 1 : 3);
        const first = perEntry.get(layer) ?? ms / n;
        perEntry.set(layer, first);
        rows.push({ section: SECTION, what: `${what}: ${n.toLocaleString('en')} (${(bytes.length / 1048576).toFixed(1)} MiB), ${layer}`, value: `${ms.toFixed(0)} ms`, note: `${((ms / n) * 1000).toFixed(0)} us/entry, ${(ms / n / first).toFixed(2)}x the smallest size's` });
      }
      if (what.startsWith('searchset') && n <= 10_000) {
        const xml = Buffer.from(jsonToXml(JSON.parse(bytes.toString('utf8')), model, new Diagnostics()) ?? '');
        for (const [layer, options] of [['XML, + semantic, no invariants', { invariants: false }], ['XML, + invariants', {}]] as const) {
          say(`scaling: ${what} ${n.toLocaleString('en')}, ${layer}`);
          const ms = time(() => void validator.xmlIssues(xml, options), 3);
          const first = perEntry.get(layer) ?? ms / n;
          perEntry.set(layer, first);
          rows.push({ section: SECTION, what: `${what}: ${n.toLocaleString('en')} (${(xml.length / 1048576).toFixed(1)} MiB XML), ${layer}`, value: `${ms.toFixed(0)} ms`, note: `${((ms / n) * 1000).toFixed(0)} us/entry, ${(ms / n / first).toFixed(2)}x the smallest size's` });
        }
      }
    }
  }
}
