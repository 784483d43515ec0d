/**
 * A long fuzz campaign (not part of the test command): `npx tsx test/fuzz/campaign.ts --runs 20000
 * [--seed N] [--budget-ms 2000]`. Same harness and properties as fuzz.test.ts; prints the seed, the count,
 * the slowest cases and, on a failure, fast-check's shrunk counterexample (to add to the regression tests).
 */
import fc from 'fast-check';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreIndex } from '../helpers/shared.js';
import { validatorSetup } from '../validate/validator-setup.js';
import { FuzzHarness, fuzzCase, loadCorpus, materialise } from './harness.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('runs', 20000);
const seed = arg('seed', Date.now() % 2 ** 31);
const budget = arg('budget-ms', 2000);

const { validator } = await validatorSetup();
const model = ElementModel.fromSource(coreIndex());
const corpus = loadCorpus(model);
const harness = new FuzzHarness(validator, model, corpus, budget);
const started = performance.now();
const result = fc.check(
  fc.property(fuzzCase(corpus.length), (c) => harness.check(c)),
  { seed, numRuns: runs },
);
harness.dispose();
const r = harness.report;
process.stdout.write(`seed ${seed}: ${r.cases} cases in ${((performance.now() - started) / 1000).toFixed(0)} s, ${r.valid} valid, ${r.roundTrips} round-tripped; over budget (${budget} ms CPU): ${r.overBudget.length}\n`);
for (const s of r.slowest) process.stdout.write(`  ${s.ms.toFixed(0)} ms  ${s.description.slice(0, 200)}\n`);
if (result.failed) {
  process.stdout.write(`FAILED after ${result.numRuns} runs: ${String(result.errorInstance)}\n`);
  const counterexample = result.counterexample?.[0];
  if (counterexample) process.stdout.write(`shrunk case: ${JSON.stringify(counterexample)}\npayload: ${String(materialise(corpus, model, counterexample).payload).slice(0, 2000)}\n`);
  process.exitCode = 1;
}
