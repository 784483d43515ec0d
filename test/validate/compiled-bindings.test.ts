/**
 * Required bindings compiled into the structure validators (`fhirBinding`): the structure layer alone finds
 * a code outside the value set (code, CodeableConcept, system-less coding), the whole validator reports it
 * once and in the semantic layer's words; bindings the schema cannot carry (an extension's own definition)
 * are still checked by the semantic layer. Real GP Connect examples, mutated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../scripts/model/fhir.js';
import type { ValidateOptions } from '../../scripts/validate/validator.js';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { PayloadEdit } from './payload-edit.js';
import { validatorSetup, type ValidatorSetup } from './validator-setup.js';

let setup: ValidatorSetup;
beforeAll(async () => {
  setup = await validatorSetup();
});

const MARITAL = 'https://fhir.nhs.uk/STU3/ValueSet/CareConnect-MaritalStatus-1';
const V3_MARITAL = 'http://hl7.org/fhir/v3/MaritalStatus';

function mutated(name: string, edit: (r: PayloadEdit) => void): JsonObject {
  const resource = JSON.parse(readFileSync(join(gpconnectExamplesDir, name), 'utf8')) as JsonObject;
  edit(new PayloadEdit(resource));
  return resource;
}

/** Rules about codes against their code system rather than a binding (rules-codes.test.ts tests them). */
const CODE_SYSTEM_RULES = new Set(['code-unknown', 'display-mismatch']);

/** The binding issues (code-invalid, any severity) at or under `at`, of one layer or both. */
function bindingIssues(resource: JsonObject, at: string, options: ValidateOptions = {}): Array<{ severity: string; expression: string; diagnostics: string }> {
  return setup.validator
    .validate(resource, options)
    .issue.filter((i) => i.code === 'code-invalid' && (i.expression?.[0] ?? '').startsWith(at) && !CODE_SYSTEM_RULES.has(i.details?.coding?.[0]?.code ?? ''))
    .map((i) => ({ severity: i.severity, expression: i.expression?.[0] ?? '', diagnostics: i.diagnostics ?? '' }));
}

const patientExample = 'foundations/read_patient_response_example.json';
const patient = (maritalStatus: JsonObject) => mutated(patientExample, (r) => r.set('maritalStatus', maritalStatus));
const marital = 'Patient.maritalStatus';

test('a code outside a required value set: found by the structure validators, reported once', () => {
  const appointment = mutated('appointments/book_appt_request_example.json', (r) => r.set('status', 'bookedd'));
  const expected = [{ severity: 'error', expression: 'Appointment.status', diagnostics: "'bookedd' is not in the required value set http://hl7.org/fhir/ValueSet/appointmentstatus" }];
  expect(bindingIssues(appointment, 'Appointment', { semantic: false })).toEqual(expected);
  expect(bindingIssues(appointment, 'Appointment')).toEqual(expected);
});

test('a CodeableConcept: one coding in the value set is enough; none is an error naming them all', () => {
  expect(bindingIssues(patient({ coding: [{ system: V3_MARITAL, code: 'M' }] }), marital)).toEqual([]);
  expect(bindingIssues(patient({ coding: [{ system: 'http://example.org/local', code: 'x' }, { system: V3_MARITAL, code: 'S' }] }), marital)).toEqual([]);
  expect(bindingIssues(patient({ text: 'married' }), marital)).toEqual([]);
  const wrong = patient({ coding: [{ system: V3_MARITAL, code: 'Q' }, { system: 'http://example.org/local', code: 'M' }] });
  const expected = [{ severity: 'error', expression: 'Patient.maritalStatus', diagnostics: `${V3_MARITAL}|Q, http://example.org/local|M is not in the required value set ${MARITAL}` }];
  expect(bindingIssues(wrong, marital, { semantic: false })).toEqual(expected);
  expect(bindingIssues(wrong, marital)).toEqual(expected);
});

test('a coding without a system is matched on its code', () => {
  expect(bindingIssues(patient({ coding: [{ code: 'D' }] }), marital)).toEqual([]);
  expect(bindingIssues(patient({ coding: [{ code: 'Z' }] }), marital, { semantic: false })).toEqual([
    { severity: 'error', expression: 'Patient.maritalStatus', diagnostics: `'Z' is not in the required value set ${MARITAL}` },
  ]);
});

test("a binding in an extension's own definition is the semantic layer's", () => {
  // The NHS number's verification status: a required binding in the extension's definition.
  const status = 'Patient.identifier[0].extension[0].valueCodeableConcept';
  const verification = (code: string) =>
    mutated(patientExample, (r) => r.set('identifier[0].extension[0].valueCodeableConcept', { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1', code }] }));
  expect(bindingIssues(verification('01'), status)).toEqual([]);
  expect(bindingIssues(verification('99'), status, { semantic: false })).toEqual([]);
  expect(bindingIssues(verification('99'), status)).toEqual([
    {
      severity: 'error',
      expression: status,
      diagnostics: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1|99 is not in the required value set https://fhir.nhs.uk/STU3/ValueSet/CareConnect-NHSNumberVerificationStatus-1',
    },
  ]);
});
