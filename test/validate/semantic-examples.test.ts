/**
 * Semantic validation of the real GP Connect Foundations and Appointments example payloads against our
 * profiles. The examples carry real defects; each is listed here with why it is one.
 */
import { validateClaimed } from '../../scripts/validate/semantic.js';
import { semanticSetup, gpconnectExamples, type SemanticSetup } from './semantic-setup.js';

const verificationStatus = (at: string) =>
  `error code-invalid ${at}: https://fhir.nhs.uk/CareConnect-NHSNumberVerificationStatus-1|01 is not in the required value set https://fhir.nhs.uk/STU3/ValueSet/CareConnect-NHSNumberVerificationStatus-1`;

/**
 * Real defects in the examples: `name -> issues`. Both are stale (pre-STU3-canonical) code system URLs: the
 * CareConnect code systems are `https://fhir.nhs.uk/STU3/CodeSystem/<name>`, which the bound value sets include.
 */
const defects: Record<string, string[]> = {
  'foundations/find_patient_response_example.json': [verificationStatus('Bundle.entry[0].resource.identifier[0].extension[0].valueCodeableConcept')],
  'foundations/read_patient_response_example.json': [verificationStatus('Patient.identifier[0].extension[0].valueCodeableConcept')],
  'foundations/register_patient_request_example.json': [verificationStatus('Parameters.parameter[0].resource.identifier[0].extension[0].valueCodeableConcept')],
  'foundations/register_patient_response_example.json': [
    'error code-invalid Bundle.entry[0].resource.extension[0].extension[1].valueCodeableConcept: https://fhir.nhs.uk/CareConnect-RegistrationType-1|T is not in the required value set https://fhir.nhs.uk/STU3/ValueSet/CareConnect-RegistrationType-1',
    verificationStatus('Bundle.entry[0].resource.identifier[0].extension[0].valueCodeableConcept'),
  ],
};

describe('GP Connect examples (Foundations, Appointments) against our profiles', () => {
  let setup: SemanticSetup;
  beforeAll(async () => {
    setup = await semanticSetup();
  });

  test('the project reads and snapshots without problems', () => {
    expect(setup.problems).toEqual([]);
  });

  test.each(gpconnectExamples().map((e) => [e.name, e.resource] as const))('%s: only its known defects', (name, resource) => {
    const found = validateClaimed(resource, setup.ctx)
      .filter((i) => i.severity === 'error' || i.severity === 'warning')
      .map((i) => `${i.severity} ${i.code} ${i.expression}: ${i.diagnostics}`);
    expect(found).toEqual(defects[name] ?? []);
  });

  test('a value set that cannot be expanded is information, never an error', () => {
    const capability = gpconnectExamples().find((e) => e.name === 'foundations/get_capability_statement_response_example.json');
    const issues = validateClaimed(capability?.resource ?? { resourceType: 'Basic' }, setup.ctx).filter((i) => i.expression === 'CapabilityStatement.format[0]');
    expect(issues).toEqual([
      {
        severity: 'information',
        code: 'informational',
        expression: 'CapabilityStatement.format[0]',
        diagnostics: 'binding to http://www.rfc-editor.org/bcp/bcp13.txt not checked: value set http://www.rfc-editor.org/bcp/bcp13.txt not found',
        rule: 'binding-unavailable',
      },
    ]);
  });
});
