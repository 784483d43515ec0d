/**
 * Issue: every GP Connect example payload in ../shared/corpus/gpconnect-examples (29: Foundations,
 * Appointment Management, Access Record Structured) validated with the full validator against its
 * meta.profile: the project's profiles where it has them, the NHS-published ones otherwise. Every error
 * reported is a real defect of the example, listed here by location with the rule that explains it
 * (example-defects.ts says why each rule is a defect); nothing unexplained.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { defectOf, expectedWarnings } from './example-defects.js';
import { validatorSetup, type ValidatorSetup } from './validator-setup.js';

/** Per example with errors: `location rule`, in the OperationOutcome's order. */
const defects: Record<string, string[]> = {
  'accessrecord_structured/allergies_response1.json': [
    'Bundle.entry[0].resource.generalPractitioner object-for-repeating-element',
    'Bundle.entry[0].resource.identifier[0].extension[0].valueCodeableConcept stale-code-system-url',
    'Bundle.entry[5].resource.contained[0].recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[6].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[7].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[8].resource.recorder.reference recorder-is-practitioner-role',
  ],
  'accessrecord_structured/allergies_response2.json': [
    'Bundle.entry[0].resource.generalPractitioner object-for-repeating-element',
    'Bundle.entry[0].resource.identifier[0].extension[0].valueCodeableConcept stale-code-system-url',
    'Bundle.entry[5].resource missing-identifier',
    'Bundle.entry[5].resource.recorder.reference recorder-is-practitioner-role',
  ],
  'accessrecord_structured/allergies_response3.json': [
    'Bundle.entry[0].resource.generalPractitioner object-for-repeating-element',
    'Bundle.entry[0].resource.identifier[0].extension[0].valueCodeableConcept stale-code-system-url',
  ],
  'accessrecord_structured/consultations_forwards_request1.json': [
    'Parameters.parameter[3].part[0].valueBoolean boolean-as-string',
  ],
  'accessrecord_structured/consultations_forwards_response1.json': [
    'Bundle.entry[0].resource.generalPractitioner object-for-repeating-element',
    'Bundle.entry[0].resource.identifier[0].extension[0].valueCodeableConcept stale-code-system-url',
    'Bundle.entry[5].resource.contained[0] missing-identifier',
    'Bundle.entry[5].resource.contained[0].recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[6].resource missing-identifier',
    'Bundle.entry[6].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[7].resource missing-identifier',
    'Bundle.entry[7].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[8].resource missing-identifier',
    'Bundle.entry[8].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[10].resource missing-identifier',
    'Bundle.entry[10].resource.basedOn object-for-repeating-element',
    'Bundle.entry[11].resource missing-identifier',
    'Bundle.entry[11].resource.basedOn object-for-repeating-element',
    'Bundle.entry[12].resource missing-identifier',
    'Bundle.entry[12].resource.dispenseRequest.expectedSupplyDuration.value number-as-string',
    'Bundle.entry[12].resource.dispenseRequest.quantity.value number-as-string',
    'Bundle.entry[12].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[13].resource missing-identifier',
    'Bundle.entry[13].resource.basedOn object-for-repeating-element',
    'Bundle.entry[13].resource.dispenseRequest.expectedSupplyDuration.code array-for-single-element',
    'Bundle.entry[13].resource.dispenseRequest.expectedSupplyDuration.value number-as-string',
    'Bundle.entry[13].resource.dispenseRequest.quantity.value number-as-string',
    'Bundle.entry[13].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[14].resource missing-identifier',
    'Bundle.entry[14].resource.dispenseRequest.expectedSupplyDuration.code array-for-single-element',
    'Bundle.entry[14].resource.dispenseRequest.expectedSupplyDuration.value number-as-string',
    'Bundle.entry[14].resource.dispenseRequest.quantity.value number-as-string',
    'Bundle.entry[14].resource.extension[0].extension[0].valuePositiveInt repeat-information-type',
    'Bundle.entry[14].resource.extension[0].extension[1].valuePositiveInt repeat-information-type',
    'Bundle.entry[14].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[15].resource missing-identifier',
    'Bundle.entry[15].resource.basedOn object-for-repeating-element',
    'Bundle.entry[15].resource.dispenseRequest.expectedSupplyDuration.code array-for-single-element',
    'Bundle.entry[15].resource.dispenseRequest.expectedSupplyDuration.value number-as-string',
    'Bundle.entry[15].resource.dispenseRequest.quantity.value number-as-string',
    'Bundle.entry[15].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[16].resource missing-identifier',
    'Bundle.entry[16].resource.basedOn object-for-repeating-element',
    'Bundle.entry[16].resource.dispenseRequest.expectedSupplyDuration.code array-for-single-element',
    'Bundle.entry[16].resource.dispenseRequest.expectedSupplyDuration.value number-as-string',
    'Bundle.entry[16].resource.dispenseRequest.quantity.value number-as-string',
    'Bundle.entry[16].resource.recorder.reference recorder-is-practitioner-role',
  ],
  'accessrecord_structured/meds_request.json': [
    'Parameters.parameter[1] empty-parameter',
  ],
  'accessrecord_structured/meds_response.json': [
    'Bundle.entry[0].resource.generalPractitioner object-for-repeating-element',
    'Bundle.entry[0].resource.identifier[0].extension[0].valueCodeableConcept stale-code-system-url',
    'Bundle.entry[5].resource.basedOn object-for-repeating-element',
    'Bundle.entry[6].resource.basedOn object-for-repeating-element',
    'Bundle.entry[7].resource.dispenseRequest.expectedSupplyDuration.value number-as-string',
    'Bundle.entry[7].resource.dispenseRequest.quantity.value number-as-string',
    'Bundle.entry[7].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[8].resource.basedOn object-for-repeating-element',
    'Bundle.entry[8].resource.dispenseRequest.expectedSupplyDuration.code array-for-single-element',
    'Bundle.entry[8].resource.dispenseRequest.expectedSupplyDuration.value number-as-string',
    'Bundle.entry[8].resource.dispenseRequest.quantity.value number-as-string',
    'Bundle.entry[8].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[9].resource.dispenseRequest.expectedSupplyDuration.code array-for-single-element',
    'Bundle.entry[9].resource.dispenseRequest.expectedSupplyDuration.value number-as-string',
    'Bundle.entry[9].resource.dispenseRequest.quantity.value number-as-string',
    'Bundle.entry[9].resource.extension[0].extension[0].valuePositiveInt repeat-information-type',
    'Bundle.entry[9].resource.extension[0].extension[1].valuePositiveInt repeat-information-type',
    'Bundle.entry[9].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[10].resource.basedOn object-for-repeating-element',
    'Bundle.entry[10].resource.dispenseRequest.expectedSupplyDuration.code array-for-single-element',
    'Bundle.entry[10].resource.dispenseRequest.expectedSupplyDuration.value number-as-string',
    'Bundle.entry[10].resource.dispenseRequest.quantity.value number-as-string',
    'Bundle.entry[10].resource.recorder.reference recorder-is-practitioner-role',
    'Bundle.entry[11].resource.basedOn object-for-repeating-element',
    'Bundle.entry[11].resource.dispenseRequest.expectedSupplyDuration.code array-for-single-element',
    'Bundle.entry[11].resource.dispenseRequest.expectedSupplyDuration.value number-as-string',
    'Bundle.entry[11].resource.dispenseRequest.quantity.value number-as-string',
    'Bundle.entry[11].resource.recorder.reference recorder-is-practitioner-role',
  ],
  'appointments/search_for_free_slots_response_example.json': [
    'Bundle.entry[4].resource.telecom object-for-repeating-element',
    'Bundle.entry[5].resource.address object-for-repeating-element',
    'Bundle.entry[5].resource.telecom object-for-repeating-element',
  ],
  'foundations/find_patient_response_example.json': [
    'Bundle.entry[0].resource.identifier[0].extension[0].valueCodeableConcept stale-code-system-url',
  ],
  'foundations/get_capability_statement_response_example.json': [
    'CapabilityStatement.software.releaseDate template-placeholder',
  ],
  'foundations/read_location_response_example.json': [
    'Location.address array-for-single-element',
  ],
  'foundations/read_patient_response_example.json': [
    'Patient.identifier[0].extension[0].valueCodeableConcept stale-code-system-url',
  ],
  'foundations/register_patient_request_example.json': [
    'Parameters.parameter[0].resource.identifier[0].extension[0].valueCodeableConcept stale-code-system-url',
  ],
  'foundations/register_patient_response_example.json': [
    'Bundle.entry[0].resource.extension[0].extension[1].valueCodeableConcept stale-code-system-url',
    'Bundle.entry[0].resource.identifier[0].extension[0].valueCodeableConcept stale-code-system-url',
  ],
};

const examples = readdirSync(gpconnectExamplesDir)
  .sort()
  .flatMap((folder) => readdirSync(join(gpconnectExamplesDir, folder)).sort().map((file) => `${folder}/${file}`));

let setup: ValidatorSetup;
beforeAll(async () => {
  setup = await validatorSetup();
});

test('the corpus has the 29 examples', () => {
  expect(examples).toHaveLength(29);
});

test('the project and the published definitions read without problems', () => {
  expect(setup.problems).toEqual([]);
});

describe.each(examples)('%s', (name) => {
  test('errors: exactly its known defects', () => {
    const outcome = setup.validator.validateJson(readFileSync(join(gpconnectExamplesDir, name)));
    const errors = outcome.issue.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.expression?.[0] ?? ''} ${defectOf(i.diagnostics ?? '')}`);
    expect(errors).toEqual(defects[name] ?? []);
  });

  test('warnings: only external extensions and references a collection leaves out', () => {
    const outcome = setup.validator.validateJson(readFileSync(join(gpconnectExamplesDir, name)));
    const unexpected = outcome.issue.filter((i) => i.severity === 'warning' && !expectedWarnings.some((w) => w.test(i.diagnostics ?? '')));
    expect(unexpected).toEqual([]);
  });
});
