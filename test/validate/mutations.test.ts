/**
 * Mutated copies of real GP Connect examples through the full validator (structure + semantic layers):
 * each mutation adds exactly the expected error at the expected FHIRPath location, and nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../scripts/model/fhir.js';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { PayloadEdit } from './payload-edit.js';
import { validatorSetup, type ValidatorSetup } from './validator-setup.js';
import { walkFaults } from '../../scripts/validate/walk-module.js';

let setup: ValidatorSetup;
beforeAll(async () => {
  setup = await validatorSetup();
});

const appointment = 'appointments/book_appt_request_example.json';
const slots = 'appointments/search_for_free_slots_response_example.json';
const patient = 'foundations/read_patient_response_example.json';

function load(name: string): JsonObject {
  return JSON.parse(readFileSync(join(gpconnectExamplesDir, name), 'utf8')) as JsonObject;
}

type Found = { severity: string; code: string; expression: string; diagnostics: string };

function issuesOf(resource: JsonObject): Found[] {
  const outcome = setup.validator.validate(resource);
  // The generated walk (opt-in) gives the same outcome as the interpreted one (the default).
  expect(setup.validator.validate(resource, { compiledWalk: true })).toEqual(outcome);
  return outcome
    .issue.filter((i) => i.severity === 'error' || i.severity === 'fatal' || i.severity === 'warning')
    .map((i) => ({ severity: i.severity, code: i.code, expression: i.expression?.[0] ?? '', diagnostics: i.diagnostics ?? '' }));
}

/** The issues a mutation adds to those of the unmutated example. */
function added(name: string, mutate: (r: PayloadEdit) => void): Found[] {
  const before = new Set(issuesOf(load(name)).map((i) => JSON.stringify(i)));
  const copy = load(name);
  mutate(new PayloadEdit(copy));
  return issuesOf(copy).filter((i) => !before.has(JSON.stringify(i)));
}

test('a code outside a required value set', () => {
  expect(added(appointment, (r) => r.set('status', 'bookedd'))).toEqual([
    { severity: 'error', code: 'code-invalid', expression: 'Appointment.status', diagnostics: "'bookedd' is not in the required value set http://hl7.org/fhir/ValueSet/appointmentstatus" },
  ]);
});

test('a missing required element', () => {
  expect(added(appointment, (r) => r.delete('participant'))).toEqual([
    { severity: 'error', code: 'required', expression: 'Appointment', diagnostics: "missing required element 'participant'" },
  ]);
});

test('a missing start also breaks the invariants that tie start, end and status', () => {
  expect(added(appointment, (r) => r.delete('start'))).toEqual([
    { severity: 'error', code: 'invariant', expression: 'Appointment', diagnostics: 'constraint app-2 failed: Either start and end are specified, or neither (start.empty() xor end.exists())' },
    {
      severity: 'error',
      code: 'invariant',
      expression: 'Appointment',
      diagnostics: "constraint app-3 failed: Only proposed or cancelled appointments can be missing start/end dates ((start.exists() and end.exists()) or (status in ('proposed' | 'cancelled')))",
    },
    { severity: 'error', code: 'required', expression: 'Appointment', diagnostics: "missing required element 'start'" },
  ]);
});

test('an unknown element', () => {
  expect(added(appointment, (r) => r.set('colour', 'blue'))).toEqual([{ severity: 'error', code: 'structure', expression: 'Appointment.colour', diagnostics: "unknown element 'colour'" }]);
});

test('a primitive of the wrong JSON type', () => {
  expect(added(appointment, (r) => r.set('minutesDuration', '15'))).toEqual([
    { severity: 'error', code: 'structure', expression: 'Appointment.minutesDuration', diagnostics: "wrong type for 'minutesDuration': expected number, found string" },
  ]);
});

test('too many repeats (reason is 0..1 in the profile)', () => {
  const reason = (text: string) => ({ text });
  expect(added(appointment, (r) => r.set('reason', [reason('a'), reason('b')]))).toEqual([
    { severity: 'error', code: 'structure', expression: 'Appointment.reason', diagnostics: 'too many repeats: 2, max 1' },
  ]);
});

test('a malformed date', () => {
  expect(added(appointment, (r) => r.set('start', '2017-13-45T10:00:00+01:00'))).toEqual([
    { severity: 'error', code: 'value', expression: 'Appointment.start', diagnostics: "value '2017-13-45T10:00:00+01:00' does not match the instant format" },
  ]);
});

test('an extension value of the wrong type', () => {
  expect(added(slots, (r) => r.rename('entry[0].resource.extension[0].valueCode', 'valueString'))).toEqual([
    {
      severity: 'error',
      code: 'structure',
      expression: 'Bundle.entry[0].resource.extension[0].valueString',
      diagnostics: 'valueString: type string is not allowed here; allowed: valueCode',
    },
  ]);
});

test('a broken slice: the NHS number identifier without its verification status', () => {
  const issues = added(patient, (r) => r.set('identifier[0].extension', [{ url: 'https://example.org/other', valueString: 'x' }]));
  expect(issues.filter((i) => i.severity === 'error')).toEqual([
    expect.objectContaining({ severity: 'error', code: 'structure', expression: 'Patient.identifier[0].extension', diagnostics: expect.stringMatching(/^slice '\w+' requires at least 1 item\(s\), found 0$/) }),
  ]);
});

test('a narrative with script (JSON payloads get the same XHTML rules as XML ones)', () => {
  const div = '<div xmlns="http://www.w3.org/1999/xhtml"><p>Appointment</p><script>alert(1)</script></div>';
  const issues = added(appointment, (r) => r.set('text', { status: 'generated', div }));
  expect(issues).toEqual([expect.objectContaining({ severity: 'error', expression: expect.stringMatching(/^Appointment\.text\.div/), diagnostics: expect.stringMatching(/script/) })]);
});

// Mutated payloads reach the generated walk's code in ways the examples do not: it never fell back to the interpreter.
afterAll(() => expect(walkFaults()).toEqual([]));
