/**
 * What is compiled gives the validator's verdicts unchanged: every GP Connect example (against the project
 * and corpus definitions) and every NHS corpus example (JSON and XML, against the corpus definitions)
 * validated twice gives the same OperationOutcome, issue for issue and word for word:
 * - with compiled invariants (the default) and with fhirpath.js only (`compiledInvariants: false`);
 * - with the semantic walk as generated code (`compiledWalk: true`) and interpreted (the default).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOT_VISITS } from '../../scripts/validate/semantic-context.js';
import { walkFaults } from '../../scripts/validate/walk-module.js';
import type { Validator } from '../../scripts/validate/validator.js';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { nhsExamples, nhsExamplesDir, nhsValidator } from './nhs-validator-setup.js';
import { validatorSetup } from './validator-setup.js';

const gpconnect = readdirSync(gpconnectExamplesDir)
  .sort()
  .flatMap((folder) => readdirSync(join(gpconnectExamplesDir, folder)).sort().map((file) => join(gpconnectExamplesDir, folder, file)));

type Option = 'compiledInvariants' | 'compiledWalk';

/**
 * The payloads whose outcomes with the option on and off differ (none expected), and how
 * many were compared. `rounds`: the whole set validated that many times with the option on, each round
 * compared (the walk's code is generated for the plans walked often, so later rounds run more of it).
 */
function differences(validator: Validator, files: string[], option: Option, rounds: number): { compared: number; differ: string[] } {
  const run = (file: string, on: boolean) => {
    const body = readFileSync(file);
    return JSON.stringify(file.endsWith('.xml') ? validator.validateXml(body, { [option]: on }) : validator.validateJson(body, { [option]: on }), null, 1);
  };
  const without = files.map((file) => run(file, false));
  const differ = new Set<string>();
  for (let round = 0; round < rounds; round++)
    files.forEach((file, i) => {
      const on = run(file, true);
      if (on !== without[i]) differ.add(`${file} (round ${round + 1}):\n${option} ${on}\nwithout ${without[i]}`);
    });
  // The generated walk fell back to the interpreter nowhere (it would give the same issues, hiding a generator fault).
  for (const fault of walkFaults()) differ.add(`generator fault: ${fault}`);
  return { compared: files.length, differ: [...differ] };
}

describe.each<[Option, string, number]>([
  ['compiledInvariants', 'compiled invariants and with fhirpath.js only', 1],
  // Past the number of walks after which a plan's code is generated: every plan walked in a round has code by the last.
  ['compiledWalk', 'the walk as generated code and interpreted', HOT_VISITS + 1],
])('%s', (option, what, rounds) => {
  test(`GP Connect examples: the same OperationOutcome with ${what}`, async () => {
    const { validator } = await validatorSetup();
    const { compared, differ } = differences(validator, gpconnect, option, rounds);
    expect(compared).toBe(29);
    expect(differ).toEqual([]);
  }, 300_000);

  test(`NHS corpus examples (JSON and XML): the same OperationOutcome with ${what}`, async () => {
    const validator = await nhsValidator();
    const files = nhsExamples().map((f) => join(nhsExamplesDir, f));
    const { compared, differ } = differences(validator, files, option, rounds);
    expect(compared).toBe(files.length);
    expect(compared).toBeGreaterThan(60);
    expect(differ).toEqual([]);
  }, 300_000);
});
