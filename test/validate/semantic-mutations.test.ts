/**
 * Mutated copies of real GP Connect examples: each mutation gives exactly the expected issue at the expected
 * FHIRPath location (issues the unmutated example already has are set aside).
 */
import type { JsonObject, Resource } from '../../scripts/model/fhir.js';
import type { ValidationIssue } from '../../scripts/validate/issues.js';
import { withOptions } from '../../scripts/validate/semantic-context.js';
import { validateClaimed, validateSemantics } from '../../scripts/validate/semantic.js';
import { PayloadEdit } from './payload-edit.js';
import { semanticSetup, gpconnectExamples, type SemanticSetup } from './semantic-setup.js';
import { walkFaults } from '../../scripts/validate/walk-module.js';


const BASE = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
let setup: SemanticSetup;

function example(name: string): JsonObject {
  const found = gpconnectExamples().find((e) => e.name === name);
  if (!found) throw new Error(`no example ${name}`);
  return structuredClone(found.resource) as unknown as JsonObject;
}

const key = (i: ValidationIssue) => `${i.severity} ${i.code} ${i.expression}: ${i.diagnostics}`;

/** The issues (information aside) the mutation adds to those of the original example. */
function added(name: string, mutate: (r: PayloadEdit) => void, invariants = true): ValidationIssue[] {
  const ctx = withOptions(setup.ctx, { invariants });
  const original = new Set(validateClaimed(example(name) as unknown as Resource, ctx).map(key));
  const mutated = example(name);
  mutate(new PayloadEdit(mutated));
  // The generated walk (opt-in) gives the same issues on every mutation as the interpreted one (the default).
  const interpreted = validateClaimed(mutated as unknown as Resource, ctx);
  expect(validateClaimed(mutated as unknown as Resource, withOptions(ctx, { compiledWalk: true, generateAfter: 1 }))).toEqual(interpreted);
  // Rule ids are the rule tests' concern (rules-*.test.ts); here the issues are compared without them.
  return interpreted
    .filter((i) => i.severity !== 'information' && !original.has(key(i)))
    .map(({ rule: _rule, ...issue }) => issue);
}

/** Corrects the known defect of the patient examples (a stale code system URL) so that index shifts do not move it. */
function fixVerificationSystem(r: PayloadEdit, identifier: string): void {
  r.set(`${identifier}.extension[0].valueCodeableConcept.coding[0].system`, 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1');
}

const slotBundle = 'appointments/search_for_free_slots_response_example.json';
const appointment = 'appointments/book_appt_request_example.json';
const patient = 'foundations/read_patient_response_example.json';
const location = 'foundations/read_location_response_example.json';

beforeAll(async () => {
  setup = await semanticSetup();
});

describe('bindings', () => {
  test('a code outside a required value set is an error', () => {
    expect(added(appointment, (r) => r.set('status', 'waitlisted'))).toEqual([
      { severity: 'error', code: 'code-invalid', expression: 'Appointment.status', diagnostics: "'waitlisted' is not in the required value set http://hl7.org/fhir/ValueSet/appointmentstatus" },
    ]);
  });

  test('a CodeableConcept needs only one coding in a required value set', () => {
    const name = 'foundations/register_patient_response_example.json';
    const issues = added(name, (r) => {
      r.add('entry[0].resource.identifier[0].extension[0].valueCodeableConcept.coding', { system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1', code: '01' });
    });
    expect(issues).toEqual([]);
    // The stale system of the first coding is not held (code-system-unknown information); the binding is met.
    const all = (r: JsonObject) => validateClaimed(r as unknown as Resource, setup.ctx).filter((i) => i.expression.includes('identifier[0].extension[0]') && i.rule !== 'code-system-unknown');
    const fixed = example(name);
    new PayloadEdit(fixed).add('entry[0].resource.identifier[0].extension[0].valueCodeableConcept.coding', { system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1', code: '01' });
    expect(all(fixed)).toEqual([]);
  });

  test('a Visit delivery channel passes; a code outside the extensible value set is a warning', () => {
    const channel = (code: string) => (r: PayloadEdit) => r.set('entry[0].resource.extension[0].valueCode', code);
    expect(added(slotBundle, channel('Visit'))).toEqual([]);
    expect(added(slotBundle, channel('Carrier-pigeon'))).toEqual([
      {
        severity: 'warning',
        code: 'code-invalid',
        expression: 'Bundle.entry[0].resource.extension[0].valueCode',
        diagnostics: "'Carrier-pigeon' is not in the extensible value set https://fhir.nhs.uk/STU3/ValueSet/GPConnect-DeliveryChannel-1",
      },
    ]);
  });
});

describe('extensions', () => {
  test('an extension value of the wrong type', () => {
    const issues = added(slotBundle, (r) => r.rename('entry[1].resource.extension[0].valueCode', 'valueString'));
    expect(issues).toEqual([
      { severity: 'error', code: 'structure', expression: 'Bundle.entry[1].resource.extension[0].valueString', diagnostics: 'valueString: type string is not allowed here; allowed: valueCode' },
    ]);
  });

  test('an unknown extension URL: warning outside the project, error under its canonical base; unknown modifierExtension: error', () => {
    expect(added(appointment, (r) => r.add('extension', { url: 'http://example.org/fhir/StructureDefinition/unknown', valueString: 'x' }))).toEqual([
      { severity: 'warning', code: 'extension', expression: 'Appointment.extension[1]', diagnostics: 'unknown extension http://example.org/fhir/StructureDefinition/unknown: its definition does not resolve' },
    ]);
    expect(added(appointment, (r) => r.add('extension', { url: `${BASE}Extension-GPConnect-Unknown-1`, valueString: 'x' }))).toEqual([
      { severity: 'error', code: 'extension', expression: 'Appointment.extension[1]', diagnostics: `unknown extension ${BASE}Extension-GPConnect-Unknown-1: its definition does not resolve` },
    ]);
    expect(added(appointment, (r) => r.set('modifierExtension', [{ url: 'http://example.org/fhir/StructureDefinition/mod', valueBoolean: true }]))).toEqual([
      { severity: 'error', code: 'extension', expression: 'Appointment.modifierExtension[0]', diagnostics: 'unknown modifier extension http://example.org/fhir/StructureDefinition/mod: its definition does not resolve' },
    ]);
  });

  test('nested extension structure is checked against the extension definition', () => {
    const issues = added('foundations/register_patient_response_example.json', (r) => {
      const coding = r.get('entry[0].resource.extension[0].extension[1].valueCodeableConcept.coding[0]') ?? null;
      r.delete('entry[0].resource.extension[0].extension[1].valueCodeableConcept');
      r.set('entry[0].resource.extension[0].extension[1].valueCoding', coding);
    });
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'structure',
        expression: 'Bundle.entry[0].resource.extension[0].extension[1].valueCoding',
        diagnostics: 'valueCoding: type Coding is not allowed here; allowed: valueCodeableConcept',
      },
    ]);
  });
});

describe('slicing', () => {
  const physicalType = (systems: string[]) => (r: PayloadEdit) => r.set('physicalType', { coding: systems.map((system, i) => ({ system, code: String(264362003 + i) })) });

  test('an item matching no slice of a closed slicing says which slices were tried and why each failed', () => {
    expect(added(location, physicalType(['http://snomed.info/sct']))).toEqual([]);
    expect(added(location, physicalType(['http://example.org/other-system']))).toEqual([
      {
        severity: 'error',
        code: 'structure',
        expression: 'Location.physicalType.coding[0]',
        diagnostics:
          'item matches no slice of closed slicing Location.physicalType.coding (tried ' +
          'snomedCT: \'system\': is "http://example.org/other-system", the slice\'s fixedUri is "http://snomed.info/sct"; ' +
          'readV2: \'system\': is "http://example.org/other-system", the slice\'s fixedUri is "http://read.info/readv2"; ' +
          'readCTV3: \'system\': is "http://example.org/other-system", the slice\'s fixedUri is "http://read.info/ctv3")',
      },
    ]);
  });

  test('an ordered slicing wants its items in slice order', () => {
    expect(added(location, physicalType(['http://read.info/ctv3', 'http://snomed.info/sct']))).toEqual([
      { severity: 'error', code: 'structure', expression: 'Location.physicalType.coding[1]', diagnostics: "item of slice 'snomedCT' is out of order (slicing Location.physicalType.coding is ordered)" },
    ]);
  });

  test('too many items in a slice', () => {
    const issues = added(patient, (r) => {
      fixVerificationSystem(r, 'identifier[0]');
      r.add('identifier', structuredClone(r.get('identifier[0]') ?? null));
    });
    expect(issues).toEqual([{ severity: 'error', code: 'structure', expression: 'Patient.identifier', diagnostics: "slice 'nhsNumber' allows at most 1 item(s), found 2" }]);
  });

  test('openAtEnd: an unsliced item before a sliced one', () => {
    const issues = added(patient, (r) => {
      fixVerificationSystem(r, 'identifier[0]');
      r.add('identifier', { system: 'https://example.org/local-id', value: '123' }, true);
    });
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'structure',
        expression: 'Patient.identifier[0]',
        diagnostics:
          'item matches no slice but comes before sliced items (slicing Patient.identifier is openAtEnd) (tried nhsNumber: \'system\': is "https://example.org/local-id", the slice\'s fixedUri is "https://fhir.nhs.uk/Id/nhs-number")',
      },
    ]);
  });

  test('a slice with min 1 (the NHS number verification status) missing', () => {
    const issues = added(patient, (r) => r.delete('identifier[0].extension'));
    expect(issues).toEqual([{ severity: 'error', code: 'structure', expression: 'Patient.identifier[0].extension', diagnostics: "slice 'nhsNumberVerificationStatus' requires at least 1 item(s), found 0" }]);
  });
});

describe('references, contained resources and Bundle entries', () => {
  test('a reference to a Bundle entry of the wrong type', () => {
    expect(added(slotBundle, (r) => r.set('entry[0].resource.schedule.reference', 'Location/17'))).toEqual([
      {
        severity: 'error',
        code: 'structure',
        expression: 'Bundle.entry[0].resource.schedule.reference',
        diagnostics: `reference 'Location/17' resolves to Location at Bundle.entry[4].resource (claiming ${BASE}CareConnect-GPC-Location-1), which is none of the allowed targets ${BASE}GPConnect-Schedule-1`,
      },
    ]);
  });

  test('a Bundle entry that does not claim the target profile but conforms to it suits it', () => {
    expect(added(slotBundle, (r) => r.delete('entry[2].resource.meta.profile'))).toEqual([]);
  });

  test('a Bundle entry that neither claims the target profile nor conforms to it', () => {
    const issues = added(slotBundle, (r) => {
      r.delete('entry[2].resource.meta.profile');
      r.set('entry[2].resource.extension[0].valueCodeableConcept.coding[0].code', 'R9999');
    });
    // The Schedule's own issues (validated against its base type now), and each reference to it, with why.
    expect(issues.map((i) => `${i.severity} ${i.expression}`)).toEqual([
      'error Bundle.entry[0].resource.schedule.reference',
      'error Bundle.entry[1].resource.schedule.reference',
      'warning Bundle.entry[2].resource.extension[0].valueCodeableConcept',
      'error Bundle.entry[2].resource.extension[0].valueCodeableConcept.coding[0].code',
    ]);
    expect(issues[0].diagnostics).toBe(
      `reference 'Schedule/14' resolves to Schedule at Bundle.entry[2].resource (claiming no profile), which is none of the allowed targets ${BASE}GPConnect-Schedule-1: it does not conform to ${BASE}GPConnect-Schedule-1 (Schedule.extension[0].valueCodeableConcept.coding[0].code: code 'R9999' is not defined in code system ${BASE.replace('StructureDefinition/', 'CodeSystem/')}CareConnect-SDSJobRoleName-1)`,
    );
  });

  test('an unresolvable reference in a searchset Bundle is not an error', () => {
    expect(added(slotBundle, (r) => r.set('entry[0].resource.schedule.reference', 'Schedule/999'))).toEqual([]);
  });

  test('a contained resource is validated against its meta.profile, with locations inside the container', () => {
    const issues = added(appointment, (r) => r.set('contained[0].type[0].coding[0].code', 'not-a-type'));
    expect(issues).toEqual([
      {
        severity: 'warning',
        code: 'code-invalid',
        expression: 'Appointment.contained[0].type[0]',
        diagnostics: 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|not-a-type is not in the extensible value set https://fhir.nhs.uk/STU3/ValueSet/GPConnect-OrganisationType-1',
      },
      {
        severity: 'error',
        code: 'code-invalid',
        expression: 'Appointment.contained[0].type[0].coding[0].code',
        diagnostics: "code 'not-a-type' is not defined in code system https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1",
      },
    ]);
  });

  test('a contained reference (#id) is checked against the target profile', () => {
    expect(added(appointment, (r) => r.delete('contained[0].meta'))).toEqual([]);
    const issues = added(appointment, (r) => {
      r.delete('contained[0].meta');
      r.set('contained[0].type[0].coding[0].code', 'not-a-type');
    });
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'code-invalid',
        expression: 'Appointment.contained[0].type[0].coding[0].code',
        diagnostics: "code 'not-a-type' is not defined in code system https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1",
      },
      {
        severity: 'error',
        code: 'structure',
        expression: 'Appointment.extension[0].valueReference.reference',
        diagnostics: `reference '#1' resolves to Organization at Appointment.contained[0] (claiming no profile), which is none of the allowed targets ${BASE}CareConnect-GPC-Organization-1: it does not conform to ${BASE}CareConnect-GPC-Organization-1 (Organization.type[0].coding[0].code: code 'not-a-type' is not defined in code system https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1)`,
      },
    ]);
  });

  test('Bundle entries are validated against their meta.profile', () => {
    const issues = added(slotBundle, (r) => r.set('entry[0].resource.status', 'nearly-free'));
    expect(issues).toEqual([{ severity: 'error', code: 'code-invalid', expression: 'Bundle.entry[0].resource.status', diagnostics: "'nearly-free' is not in the required value set http://hl7.org/fhir/ValueSet/slotstatus" }]);
  });
});

describe('invariants', () => {
  const noEnd = (r: PayloadEdit) => r.delete('end');

  test('a FHIRPath invariant failing gives its key, text and location; switched off, nothing', () => {
    const issues = added(appointment, noEnd);
    expect(issues.map((i) => `${i.severity} ${i.code} ${i.expression}: ${i.diagnostics}`)).toEqual([
      "error invariant Appointment: constraint app-3 failed: Only proposed or cancelled appointments can be missing start/end dates ((start.exists() and end.exists()) or (status in ('proposed' | 'cancelled')))",
      'error invariant Appointment: constraint app-2 failed: Either start and end are specified, or neither (start.empty() xor end.exists())',
    ]);
    expect(added(appointment, noEnd, false)).toEqual([]);
  });

  test('invariants on nested elements and datatypes (ext-1: value and nested extensions together)', () => {
    const issues = added(slotBundle, (r) => r.set('entry[0].resource.extension[0].extension', [{ url: 'x', valueString: 'y' }]));
    expect(issues.filter((i) => i.code === 'invariant').map((i) => `${i.expression} ${i.diagnostics.slice(0, 23)}`)).toEqual(['Bundle.entry[0].resource.extension[0] constraint ext-1 failed']);
  });

  test('validateSemantics takes the profile explicitly', () => {
    const profile = setup.ctx.profiles(`${BASE}GPConnect-Appointment-1`);
    if (!profile) throw new Error('no profile');
    const r = example(appointment);
    r.status = 'waitlisted';
    expect(validateSemantics(r as unknown as Resource, profile, setup.ctx).map((i) => i.expression)).toEqual(['Appointment.status']);
  });
});

// Mutated payloads reach the generated walk's code in ways the examples do not: it never fell back to the interpreter.
afterAll(() => expect(walkFaults()).toEqual([]));
