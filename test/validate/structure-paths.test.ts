/**
 * Paths of structure errors found deep inside referenced validators. The emitted validators call each
 * other without a context object (keywords.ts `$ref`): a callee reports paths from its own data, and each
 * failing call prefixes its caller's path. Errors two and three calls down, in siblings checked by the same
 * validator one after the other, and the same payload validated twice must all come out with full paths.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../scripts/model/fhir.js';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { PayloadEdit } from './payload-edit.js';
import { validatorSetup, type ValidatorSetup } from './validator-setup.js';

let setup: ValidatorSetup;
beforeAll(async () => {
  setup = await validatorSetup();
});

const patientExample = join(gpconnectExamplesDir, 'foundations', 'read_patient_response_example.json');

function structureErrors(resource: JsonObject): string[] {
  return setup.validator
    .validate(resource, { semantic: false })
    .issue.filter((i) => i.severity === 'error')
    .map((i) => `${i.expression?.[0] ?? ''}: ${i.diagnostics ?? ''}`);
}

function patient(edit: (r: PayloadEdit) => void): JsonObject {
  const resource = JSON.parse(readFileSync(patientExample, 'utf8')) as JsonObject;
  edit(new PayloadEdit(resource));
  return resource;
}

test('errors in nested extensions, in sibling items of one validator, carry their full paths', () => {
  const baseline = structureErrors(patient(() => {}));
  const resource = patient((r) => {
    r.set('extension[1].extension[0].valueCodeableConcept.coding[0].userSelected', 'yes');
    r.set('extension[1].extension[1].valueBoolean', 'no');
    r.set('extension[0].extension[0].valueReference.reference', '');
  });
  const added = structureErrors(resource).filter((e) => !baseline.includes(e));
  expect(added).toEqual([
    "Patient.extension[0].extension[0].valueReference.reference: empty string is not allowed for 'reference'",
    "Patient.extension[1].extension[0].valueCodeableConcept.coding[0].userSelected: wrong type for 'userSelected': expected boolean, found string",
    "Patient.extension[1].extension[1].valueBoolean: wrong type for 'valueBoolean': expected boolean, found string",
  ]);
  // Validated again (the validators keep no state between calls) and after a valid payload.
  expect(structureErrors(resource).filter((e) => !baseline.includes(e))).toEqual(added);
  expect(structureErrors(patient(() => {}))).toEqual(baseline);
});

test('a Bundle entry of an unknown, missing or non-string resource type is named by its path', () => {
  const bundle = JSON.parse(readFileSync(join(gpconnectExamplesDir, 'appointments', 'search_for_free_slots_response_example.json'), 'utf8')) as JsonObject;
  const baseline = structureErrors(bundle);
  const edit = new PayloadEdit(bundle);
  edit.set('entry[0].resource.resourceType', 'Slott');
  // A profile URL is not a resource type, though the dispatch knows it as a key; nor is a number.
  edit.set('entry[1].resource.resourceType', 'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Slot-1');
  edit.set('entry[2].resource.resourceType', 7);
  edit.delete('entry[3].resource.resourceType');
  expect(structureErrors(bundle).filter((e) => !baseline.includes(e))).toEqual([
    "Bundle.entry[0].resource.resourceType: unknown resourceType 'Slott'",
    "Bundle.entry[1].resource.resourceType: unknown resourceType 'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Slot-1'",
    'Bundle.entry[2].resource.resourceType: unknown resourceType 7',
    "Bundle.entry[3].resource: missing required element 'resourceType'",
  ]);
});

test('a nested resource is checked inside the structure validator: against the profile it claims, else its base type', () => {
  const bundle = JSON.parse(readFileSync(join(gpconnectExamplesDir, 'appointments', 'search_for_free_slots_response_example.json'), 'utf8')) as JsonObject;
  const baseline = structureErrors(bundle);
  const edit = new PayloadEdit(bundle);
  // GPConnect-Slot-1 (claimed by both slots) has Slot.appointmentType max 0; the base Slot allows it.
  edit.set('entry[0].resource.appointmentType', { text: 'routine' });
  edit.set('entry[1].resource.appointmentType', { text: 'routine' });
  edit.delete('entry[1].resource.meta');
  edit.set('entry[1].resource.colour', 'blue');
  expect(structureErrors(bundle).filter((e) => !baseline.includes(e))).toEqual([
    "Bundle.entry[0].resource.appointmentType: element 'appointmentType' is not allowed here (max 0)",
    "Bundle.entry[1].resource.colour: unknown element 'colour'",
  ]);
});

test('a choice: one type at most (a value and its `_` companion are one; listed in the payload order), and a required one present', () => {
  const order = { resourceType: 'MedicationRequest', intent: 'order', subject: { reference: 'Patient/1' } };
  expect(structureErrors({ ...order, medicationReference: { reference: 'Medication/1' } })).toEqual([]);
  expect(structureErrors(order)).toEqual(["MedicationRequest: missing required element 'medication[x]'"]);
  expect(structureErrors({ ...order, medicationReference: { reference: 'Medication/1' }, medicationCodeableConcept: { text: 'aspirin' } })).toEqual([
    "MedicationRequest: only one type is allowed for 'medication[x]', found medicationReference, medicationCodeableConcept",
  ]);
  const resource = patient((r) => r.set('extension[1].extension[1]', { url: 'interpreterRequired', valueBoolean: false, _valueBoolean: { id: 'b' } }));
  expect(structureErrors(resource).filter((e) => e.includes('only one type'))).toEqual([]);
  const twoTypes = patient((r) => r.set('extension[1].extension[1]', { url: 'interpreterRequired', valueBoolean: false, valueString: 'no' }));
  expect(structureErrors(twoTypes).filter((e) => e.includes('only one type'))).toEqual(["Patient.extension[1].extension[1]: only one type is allowed for 'value[x]', found valueBoolean, valueString"]);
});
