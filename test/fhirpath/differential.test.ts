/**
 * Differential test of the FHIRPath compiler: every core and corpus invariant that compiles, evaluated by
 * the compiled module and by fhirpath.js on every node of its context type in every corpus payload, then on
 * fuzzed variants of the GP Connect and NHS example payloads (fast-check: fields removed, duplicated,
 * altered). Same verdict (holds / fails / error) everywhere, but for the known differences, listed two-sided.
 */
import fc from 'fast-check';
import { nodesByContext } from './corpus-nodes.js';
import { compare, differentialSetup, type DifferentialSetup } from './differential-setup.js';
import { KNOWN_DIFFERENCES } from './known-differences.js';
import { mutations, mutate } from './mutations.js';

let setup: DifferentialSetup;
beforeAll(async () => {
  setup = await differentialSetup();
}, 300000);

interface Tally {
  evaluations: number;
  delegated: number;
  unexplained: string[];
  explainedBy: Map<string, number>;
}

/** Every compiled invariant on every node of its context in the payloads. */
function run(payloads: Array<Record<string, unknown>>, tally: Tally): void {
  const nodes = nodesByContext(payloads, setup.elements);
  for (const specs of setup.module.compiled.values()) {
    const { context, expression, key } = specs[0];
    for (const n of nodes.get(context) ?? []) {
      const c = compare(setup.loaded, context, expression, n);
      tally.evaluations++;
      if (c.delegated) tally.delegated++;
      if (c.compiled === c.interpreter) continue;
      const known = KNOWN_DIFFERENCES.find((k) => k.explains(context, expression, n.node, c));
      if (known) tally.explainedBy.set(known.id, (tally.explainedBy.get(known.id) ?? 0) + 1);
      else if (tally.unexplained.length < 20) tally.unexplained.push(`${key} on ${context}: compiled ${String(c.compiled)}, fhirpath.js ${String(c.interpreter)}: ${expression} on ${JSON.stringify(n.node).slice(0, 300)}`);
    }
  }
}

const tally = (): Tally => ({ evaluations: 0, delegated: 0, unexplained: [], explainedBy: new Map() });
const seen = new Map<string, number>();

test('most core and corpus invariants compile; the rest are listed with reasons', () => {
  const distinct = new Set(setup.invariants.map((i) => `${i.key}|${i.context}|${i.expression}`));
  const unsupported = new Set(setup.module.unsupported.map((u) => `${u.key}|${u.context}|${u.expression}`));
  expect(distinct.size).toBeGreaterThan(1000);
  expect(unsupported.size / distinct.size).toBeLessThan(0.02);
  for (const u of setup.module.unsupported) expect(u.reason).toMatch(/\S/);
});

test('compiled and fhirpath.js verdicts agree on every node of the corpus payloads', () => {
  const t = tally();
  run(setup.payloads.map((p) => p.resource), t);
  for (const [id, n] of t.explainedBy) seen.set(id, (seen.get(id) ?? 0) + n);
  expect(t.evaluations).toBeGreaterThan(50000);
  expect(t.unexplained).toEqual([]);
});

test('compiled and fhirpath.js verdicts agree on fuzzed variants of the example payloads', () => {
  const t = tally();
  const examples = setup.payloads.filter((p) => !p.name.startsWith('core/'));
  const vocabulary = setup.invariants.flatMap((i) => [...i.expression.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]));
  const samples = fc.sample(fc.tuple(fc.integer({ min: 0, max: examples.length - 1 }), mutations(vocabulary)), { seed: 22, numRuns: 400 });
  for (const [index, edits] of samples) run([mutate(examples[index].resource, edits)], t);
  for (const [id, n] of t.explainedBy) seen.set(id, (seen.get(id) ?? 0) + n);
  expect(t.evaluations).toBeGreaterThan(20000);
  expect(t.unexplained).toEqual([]);
});

test('every known difference still occurs (the list is two-sided)', () => {
  expect(KNOWN_DIFFERENCES.filter((k) => !seen.has(k.id)).map((k) => k.id)).toEqual([]);
});
