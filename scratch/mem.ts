import { validatorSetup } from '../test/validate/validator-setup.js';
const { validator } = await validatorSetup();
for (const n of [100_000, 1_000_000, 5_000_000]) {
  const s = performance.now();
  const o = validator.validateJson(`{"resourceType":"Patient","name":[${Array(n).fill('1').join(',')}]}`);
  console.log(n, (performance.now() - s).toFixed(0), 'ms', o.issue.length, 'issues', (process.memoryUsage().heapUsed / 1e6).toFixed(0), 'MB heap', o.issue[0].diagnostics);
}
