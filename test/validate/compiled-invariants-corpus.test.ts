/**
 * Compiled invariants give the validator's verdicts unchanged: every GP Connect example (against the
 * project and corpus definitions) and every NHS corpus example (JSON and XML, against the corpus
 * definitions) validated twice, with compiled invariants (the default) and with fhirpath.js only
 * (`compiledInvariants: false`), gives the same OperationOutcome, issue for issue and word for word.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Validator } from '../../scripts/validate/validator.js';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { nhsExamples, nhsExamplesDir, nhsValidator } from './nhs-validator-setup.js';
import { validatorSetup } from './validator-setup.js';

const gpconnect = readdirSync(gpconnectExamplesDir)
  .sort()
  .flatMap((folder) => readdirSync(join(gpconnectExamplesDir, folder)).sort().map((file) => join(gpconnectExamplesDir, folder, file)));

/** The payloads whose two outcomes differ (none expected), and how many were compared. */
function differences(validator: Validator, files: string[]): { compared: number; differ: string[] } {
  const differ: string[] = [];
  for (const file of files) {
    const body = readFileSync(file);
    const run = (compiledInvariants: boolean) => (file.endsWith('.xml') ? validator.validateXml(body, { compiledInvariants }) : validator.validateJson(body, { compiledInvariants }));
    const compiled = JSON.stringify(run(true), null, 1);
    const interpreted = JSON.stringify(run(false), null, 1);
    if (compiled !== interpreted) differ.push(`${file}:\ncompiled ${compiled}\nfhirpath.js ${interpreted}`);
  }
  return { compared: files.length, differ };
}

test('GP Connect examples: the same OperationOutcome with compiled invariants and with fhirpath.js only', async () => {
  const { validator } = await validatorSetup();
  const { compared, differ } = differences(validator, gpconnect);
  expect(compared).toBe(29);
  expect(differ).toEqual([]);
}, 300_000);

test('NHS corpus examples (JSON and XML): the same OperationOutcome with compiled invariants and with fhirpath.js only', async () => {
  const validator = await nhsValidator();
  const files = nhsExamples().map((f) => join(nhsExamplesDir, f));
  const { compared, differ } = differences(validator, files);
  expect(compared).toBe(files.length);
  expect(compared).toBeGreaterThan(60);
  expect(differ).toEqual([]);
}, 300_000);
