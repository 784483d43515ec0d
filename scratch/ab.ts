import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatorSetup as newSetup } from '../test/validate/validator-setup.js';
// @ts-ignore
import { validatorSetup as oldSetup } from '/tmp/base/test/validate/validator-setup.ts';
import { alternating } from '../bench/common.js';
const dir = '/work/shared/corpus/gpconnect-examples';
const files = readdirSync(dir).sort().flatMap((d) => readdirSync(join(dir, d)).sort().map((f) => join(dir, d, f)));
const payloads = files.map((f) => readFileSync(f));
const n = (await newSetup()).validator;
const o = (await oldSetup()).validator as typeof n;
const parse = (b: Buffer) => JSON.parse(b.toString('utf8'));
for (const [label, opts] of [['structure', { semantic: false }], ['full, no invariants', { invariants: false }]] as const) {
  const [floor, oldRate, newRate] = alternating(payloads, payloads.length, [parse, (b) => void o.jsonIssues(b, opts), (b) => void n.jsonIssues(b, opts)], Number(process.env.MS ?? 20000), Number(process.env.WARM ?? 20000));
  console.log(`${label}: before ${(floor / oldRate).toFixed(2)}x JSON.parse, after ${(floor / newRate).toFixed(2)}x JSON.parse (after/before ${(oldRate / newRate).toFixed(2)})`);
}
