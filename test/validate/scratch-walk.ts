import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatorSetup } from './validator-setup.js';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { generateWalk } from '../../scripts/validate/walk-codegen.js';

const files = readdirSync(gpconnectExamplesDir).sort().flatMap((f) => readdirSync(join(gpconnectExamplesDir, f)).sort().map((x) => join(gpconnectExamplesDir, f, x)));
const { validator } = await validatorSetup();
const parsed = files.filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(f, 'utf8')));
void generateWalk;
const t0 = performance.now();
for (const p of parsed) validator.issues(p);
console.log('first round (with generation)', (performance.now() - t0).toFixed(1), 'ms');
for (const opt of [{ compiledWalk: false }, {}, { compiledWalk: false }, {}]) {
  for (let i = 0; i < 200; i++) for (const p of parsed) validator.issues(p, opt);
  const c0 = process.cpuUsage();
  for (let i = 0; i < 300; i++) for (const p of parsed) validator.issues(p, opt);
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify(opt), ((c.user + c.system) / 300 / 1000).toFixed(2), 'ms/round');
}
