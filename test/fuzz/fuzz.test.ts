/**
 * The fuzz test of the test command: a fixed seed and a bounded count of mutated corpus payloads (see
 * harness.ts for the mutations and the properties), so that it runs in a few tens of seconds and fails the
 * same way every time. The harness's report (cases, valid ones round-tripped, slowest CPU times) is
 * printed; a failure is shrunk by fast-check to a small case, which then becomes a regression test in
 * hostile-input.test.ts. Longer campaigns: `npx tsx test/fuzz/campaign.ts --runs 20000 [--seed N]`.
 */
import fc from 'fast-check';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreIndex } from '../helpers/shared.js';
import { validatorSetup } from '../validate/validator-setup.js';
import { FuzzHarness, fuzzCase, loadCorpus } from './harness.js';

const SEED = 19;
const RUNS = 400;
/** CPU time one case may take (minimum of three runs); the corpus payloads take milliseconds. */
const BUDGET_MS = 2000;

test('mutated payloads: an OperationOutcome every time, no exception, within the CPU budget; valid ones survive JSON -> XML -> JSON', async () => {
  const { validator } = await validatorSetup();
  const model = ElementModel.fromSource(coreIndex());
  const corpus = loadCorpus(model);
  const harness = new FuzzHarness(validator, model, corpus, BUDGET_MS);
  try {
    fc.assert(
      fc.property(fuzzCase(corpus.length), (c) => harness.check(c)),
      { seed: SEED, numRuns: RUNS },
    );
  } finally {
    harness.dispose();
    const r = harness.report;
    console.log(`fuzz: ${r.cases} cases (seed ${SEED}), ${r.valid} valid and round-tripped ${r.roundTrips}; slowest CPU ms: ${r.slowest.map((s) => s.ms.toFixed(0)).join(', ')} (budget ${r.budgetMs}); over budget: ${r.overBudget.length}`);
  }
  expect(harness.report.overBudget).toEqual([]);
  expect(harness.report.cases).toBeGreaterThanOrEqual(RUNS);
});
