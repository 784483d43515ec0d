/**
 * JSON payload issues carry the line and column of their FHIRPath (as XML ones carry their line), in the
 * OperationOutcome's location; a profile asked for that is of another resource type, or unknown, is one issue.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { positionOf } from '../../scripts/validate/issues.js';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { validatorSetup, type ValidatorSetup } from '../validate/validator-setup.js';

const TIMEOUT = 600_000;
let setup: ValidatorSetup;
beforeAll(async () => {
  setup = await validatorSetup();
}, TIMEOUT);

const appointment = readFileSync(join(gpconnectExamplesDir, 'appointments', 'read_appt_response_example.json'), 'utf8');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

test('each issue of a JSON payload: line and column of its element', () => {
  const broken = appointment.replace(/"status": "booked"/, '"status": 7');
  expect(broken).not.toBe(appointment);
  const outcome = setup.validator.validateJson(broken);
  const status = outcome.issue.find((i) => i.expression?.[0] === 'Appointment.status');
  expect(status?.severity).toBe('error');
  const line = lineOf(broken, '"status": 7');
  const column = (broken.split('\n')[line - 1] ?? '').indexOf('"status"') + 1;
  expect(status?.location).toEqual([`line ${line}, column ${column}`]);
  expect(positionOf(status ?? { severity: 'error', code: 'value' })).toEqual({ line, column });
  // every issue with a FHIRPath has a position
  expect(outcome.issue.filter((i) => i.expression?.length && !i.location)).toEqual([]);
});

test('a valid payload is not parsed a second time for positions: no location where there is no issue', () => {
  const outcome = setup.validator.validateJson(appointment);
  expect(outcome.issue.filter((i) => i.severity === 'error')).toEqual([]);
});

test('--profile of another resource type is one issue, as is an unknown profile', () => {
  const patient = 'https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1';
  expect(setup.validator.validateJson(appointment, { profile: patient }).issue).toEqual([
    { severity: 'error', code: 'invalid', diagnostics: `profile ${patient} constrains Patient, not Appointment (the payload's resourceType)`, expression: ['Appointment'], location: ['line 1, column 1'] },
  ]);
  expect(setup.validator.validateJson(appointment, { profile: 'https://example.org/StructureDefinition/nothing' }).issue).toHaveLength(1);
});
