/**
 * Invariants of data types and of elements reached through contentReference (conformance-rules.html:
 * "constraints ... apply to every element of that type"; the element definitions of STU3). Each data type
 * invariant is evaluated at every element of that type, in the base resources and in profiles, whether or
 * not the snapshot copied it into the element, and once per element however many ways it arrives.
 */
import { EX, findings, rulesSetup } from './rules-setup.js';

const PROFILE = (id: string) => ({ meta: { profile: [`${EX}StructureDefinition/${id}`] } });

test('the fixture definitions snapshot without errors', () => {
  expect(rulesSetup().problems).toEqual([]);
});

describe('per-1: a Period starts no later than it ends', () => {
  const patient = (start: string, end: string) => ({ resourceType: 'Patient', name: [{ family: 'Chalmers', period: { start, end } }] });
  test('valid: start before end, in a HumanName inside a Patient', () => {
    expect(findings(patient('2010-01-01', '2011-01-01'))).toEqual([]);
  });
  test('invalid: start after end, at the Period', () => {
    expect(findings(patient('2012-01-01', '2011-01-01'))).toEqual(['error per-1 Patient.name[0].period']);
  });
  test('invalid in a profile too (Observation.effectivePeriod under the observation-components profile)', () => {
    const observation = { resourceType: 'Observation', ...PROFILE('observation-components'), status: 'final', code: { text: 'x' }, effectivePeriod: { start: '2020-02-01', end: '2020-01-01' } };
    expect(findings(observation)).toEqual(['error per-1 Observation.effectivePeriod']);
  });
});

describe('cpt-2: a ContactPoint with a value has a system', () => {
  test('valid', () => {
    expect(findings({ resourceType: 'Patient', telecom: [{ system: 'phone', value: '0113 496 0000' }] })).toEqual([]);
  });
  test('invalid: value without system, at the ContactPoint', () => {
    expect(findings({ resourceType: 'Patient', telecom: [{ system: 'phone', value: '1' }, { value: '0113 496 0000' }] })).toEqual(['error cpt-2 Patient.telecom[1]']);
  });
  test('invalid inside a backbone element of another resource (Organization.contact.telecom)', () => {
    expect(findings({ resourceType: 'Organization', name: 'x', contact: [{ name: { text: 'Desk' }, telecom: [{ value: '1' }] }] })).toEqual(['error cpt-2 Organization.contact[0].telecom[0]']);
  });
});

describe('att-1: an Attachment with data has a contentType', () => {
  test('valid', () => {
    expect(findings({ resourceType: 'Patient', photo: [{ contentType: 'image/png', data: 'aGVsbG8=' }] })).toEqual([]);
  });
  test('invalid', () => {
    expect(findings({ resourceType: 'Patient', photo: [{ data: 'aGVsbG8=' }] })).toEqual(['error att-1 Patient.photo[0]']);
  });
});

describe('qty-3 (Quantity) and its specialisations and profiles', () => {
  const observation = (extra: object) => ({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, ...extra });
  test('valid: a code with its system', () => {
    expect(findings(observation({ valueQuantity: { value: 5, system: 'http://unitsofmeasure.org', code: 'mg' } }))).toEqual([]);
  });
  test('invalid: a code without a system, in a choice (valueQuantity)', () => {
    expect(findings(observation({ valueQuantity: { value: 5, code: 'mg' } }))).toEqual(['error qty-3 Observation.valueQuantity']);
  });
  test('invalid: a SimpleQuantity (type profile) with a comparator breaks sqty-1; a Range with low above high breaks rng-2', () => {
    const mg = (value: number) => ({ value, system: 'http://unitsofmeasure.org', code: 'mg' });
    expect(findings(observation({ referenceRange: [{ low: { ...mg(1), comparator: '<' } }], valueRange: { low: mg(5), high: mg(1) } }))).toEqual([
      'error rng-2 Observation.valueRange',
      'error sqty-1 Observation.referenceRange[0].low',
    ]);
  });
  test('invalid: a Duration (a Quantity specialisation) carries qty-3 from Quantity and its own drt-1', () => {
    const request = { resourceType: 'MedicationRequest', status: 'active', intent: 'order', medicationCodeableConcept: { text: 'x' }, subject: { reference: 'Patient/1' } };
    const duration = (d: object) => findings({ ...request, dispenseRequest: { expectedSupplyDuration: d } });
    expect(duration({ value: 28, system: 'http://unitsofmeasure.org', code: 'd' })).toEqual([]);
    expect(duration({ value: 28, code: 'd' })).toEqual(['error qty-3 MedicationRequest.dispenseRequest.expectedSupplyDuration']);
    expect(duration({ value: 28, system: 'http://snomed.info/sct', code: '258703001' })).toEqual(['error drt-1 MedicationRequest.dispenseRequest.expectedSupplyDuration']);
  });
});

describe('constraints of elements reached through contentReference', () => {
  test('cmp-1 on Composition.section.section: valid with text, invalid empty', () => {
    const composition = (inner: object) => ({
      resourceType: 'Composition',
      status: 'final',
      type: { text: 'x' },
      date: '2020-01-01',
      author: [{ display: 'me' }],
      title: 't',
      section: [{ title: 'outer', section: [inner] }],
    });
    expect(findings(composition({ title: 'inner', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } }))).toEqual([]);
    expect(findings(composition({ title: 'inner' }))).toEqual(['error cmp-1 Composition.section[0].section[0]']);
  });
  test('vsd-1 and vsd-2 on ValueSet.compose.exclude', () => {
    const valueSet = (exclude: object) => ({ resourceType: 'ValueSet', status: 'draft', compose: { include: [{ system: 'http://loinc.org' }], exclude: [exclude] } });
    expect(findings(valueSet({ system: 'http://loinc.org', concept: [{ code: '8480-6' }] }))).toEqual([]);
    expect(findings(valueSet({ concept: [{ code: '8480-6' }] }))).toEqual(['error vsd-1 ValueSet.compose.exclude[0]', 'error vsd-2 ValueSet.compose.exclude[0]']);
  });
});

describe('ext-1 on every extension, its definition known or not', () => {
  test('an unknown extension with both a value and nested extensions breaks ext-1 (and is unknown)', () => {
    const patient = { resourceType: 'Patient', extension: [{ url: 'http://example.org/unknown', valueString: 'a', extension: [{ url: 'part', valueString: 'b' }] }] };
    expect(findings(patient)).toEqual(['error ext-1 Patient.extension[0]', 'warning extension-unknown Patient.extension[0]']);
  });
  test('an unknown extension with neither', () => {
    expect(findings({ resourceType: 'Patient', extension: [{ url: 'http://example.org/unknown', extension: [] }] })).toContain('error ext-1 Patient.extension[0]');
  });
  test('a known extension with a value is valid', () => {
    expect(findings({ resourceType: 'Patient', extension: [{ url: `${EX}StructureDefinition/anywhere`, valueString: 'a' }] })).toEqual([]);
  });
});

describe('a constraint arriving twice is evaluated once', () => {
  test('per-1 copied into the profile element with its source, and cpt-2 copied without a source', () => {
    const patient = {
      resourceType: 'Patient',
      ...PROFILE('patient-copied-constraints'),
      telecom: [{ value: '1' }],
      contact: [{ name: { text: 'x' }, period: { start: '2012-01-01', end: '2011-01-01' } }],
    };
    expect(findings(patient)).toEqual(['error cpt-2 Patient.telecom[0]', 'error per-1 Patient.contact[0].period']);
  });
});

/**
 * A contained resource is part of its container (references.html#contained): its `#id` references name the
 * container's other contained resources, and its `%resource` is the container, the root resource its
 * elements are part of (STU3 fhirpath.html; R4 calls it %rootResource and moved ref-1 to it). HL7's own
 * examples do this (a contained MedicationRequest whose medicationReference is `#med`).
 */
describe('ref-1 and reference targets inside a contained resource', () => {
  const carePlan = (medication: string, contained: object[] = [{ resourceType: 'Medication', id: 'med', code: { text: 'citalopram' } }]) => ({
    resourceType: 'CarePlan',
    status: 'active',
    intent: 'plan',
    subject: { reference: 'Patient/p' },
    contained: [...contained, { resourceType: 'MedicationRequest', id: 'rx', intent: 'order', subject: { reference: 'Patient/p' }, medicationReference: { reference: medication } }],
    activity: [{ reference: { reference: '#rx' } }],
  });
  test('valid: a contained resource refers to another resource of the same container', () => {
    expect(findings(carePlan('#med'))).toEqual([]);
  });
  test('invalid: the id is none of the container’s contained resources (ref-1 at the Reference)', () => {
    expect(findings(carePlan('#nothing', []))).toEqual(['error ref-1 CarePlan.contained[0].medicationReference']);
  });
  test('invalid: the sibling it names is of a type the element does not allow (resolved, so its type is checked)', () => {
    expect(findings(carePlan('#pat', [{ resourceType: 'Patient', id: 'pat' }]))).toEqual(['error reference-target CarePlan.contained[1].medicationReference.reference']);
  });
  test('a Bundle entry is a root resource of its own: a `#id` there names its own contained resources only', () => {
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Medication', id: 'med' } }, { resource: { resourceType: 'Patient', id: 'p' } }, { resource: carePlan('#med', []) }] };
    expect(findings(bundle)).toEqual(['error ref-1 Bundle.entry[2].resource.contained[0].medicationReference']);
  });
});

test('a contained Bundle keeps its own entries’ scope: an entry’s reference is looked up among them', () => {
  const observation = (subject: string) => ({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: subject } });
  const bundle = (subject: string) => ({ resourceType: 'Bundle', id: 'b', type: 'collection', entry: [{ fullUrl: 'http://example.org/fhir/Patient/p', resource: { resourceType: 'Patient', id: 'p' } }, { resource: observation(subject) }] });
  const list = (subject: string) => ({ resourceType: 'List', status: 'current', mode: 'snapshot', contained: [bundle(subject)], entry: [{ item: { reference: '#b' } }] });
  expect(findings(list('Patient/p'), { information: true }).filter((f) => f.includes('reference'))).toEqual([]);
  expect(findings(list('Patient/q'), { information: true }).filter((f) => f.includes('reference'))).toEqual(['information reference-unresolved-collection List.contained[0].entry[1].resource.subject.reference']);
});
