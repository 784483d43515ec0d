/**
 * Conditional references (http.html#trules: in a transaction, a reference may be a search, `Type?query`,
 * which the server resolves as it processes the transaction). They are not literal references: in a
 * transaction or batch Bundle only their type is checked; anywhere else they are an error.
 */
import { EX, findings, issuesOf } from './rules-setup.js';

const observation = (subject: string) => ({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: subject } });
/** Entries of a transaction or batch carry a request; others may not (bdl-3). */
const bundle = (type: string, subject: string) => ({
  resourceType: 'Bundle',
  type,
  entry: [{ resource: observation(subject), ...(type === 'transaction' || type === 'batch' ? { request: { method: 'POST', url: 'Observation' } } : {}) }],
});

test('valid in a transaction or batch: a conditional reference to an allowed type, whatever its query', () => {
  expect(findings(bundle('transaction', 'Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9000000009'))).toEqual([]);
  expect(findings(bundle('batch', 'Group?name=ward/7'))).toEqual([]);
});

test('a conditional reference to a type the element does not allow', () => {
  expect(findings(bundle('transaction', 'Organization?identifier=x'))).toEqual(['error reference-target Bundle.entry[0].resource.subject.reference']);
});

test('a conditional reference outside a transaction or batch', () => {
  expect(findings(bundle('collection', 'Patient?identifier=x|1'))).toEqual(['error reference-conditional Bundle.entry[0].resource.subject.reference']);
  expect(findings(observation('Patient?identifier=x|1'))).toEqual(['error reference-conditional Observation.subject.reference']);
});

test('a search URL that ends in Type/id is not read as a literal reference to it', () => {
  // Before conditional references were recognised, this read as a reference to SearchParameter/x.
  const entry = { resourceType: 'Provenance', target: [{ reference: 'SearchParameter?url=http://example.org/SearchParameter/x' }], recorded: '2020-01-01T00:00:00Z', agent: [{ whoUri: 'urn:x' }] };
  expect(findings({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: entry, request: { method: 'POST', url: 'Provenance' } }] })).toEqual([]);
});

/**
 * A resolved target and a targetProfile it does not claim (profiling.html: conformance belongs to the
 * instance, meta.profile only asserts it): the fixture Observation's subject is a Reference(female-patient),
 * a Patient profile with an invariant (fem-1: gender = 'female') whose `link.other` is a Reference to the
 * same profile; female-adult derives from it.
 */
describe('a target that conforms to the profile without claiming it', () => {
  const EX = 'http://example.org/fhir/';
  const claiming = (profile?: string) => (profile ? { meta: { profile: [`${EX}StructureDefinition/${profile}`] } } : {});
  const bundle = (patient: object) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: `${EX}Observation/o`, resource: { resourceType: 'Observation', ...claiming('observation-of-female'), status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p' } } },
      { fullUrl: `${EX}Patient/p`, resource: { resourceType: 'Patient', id: 'p', ...patient } },
    ],
  });
  test('valid: it claims the profile, claims one derived from it, or claims none and conforms', () => {
    expect(findings(bundle({ ...claiming('female-patient'), gender: 'female' }))).toEqual([]);
    expect(findings(bundle({ ...claiming('female-adult'), gender: 'female', birthDate: '1970-01-01' }))).toEqual([]);
    expect(findings(bundle({ gender: 'female' }))).toEqual([]);
  });
  test('it claims none of the target profiles and does not conform: the first error is given', () => {
    expect(findings(bundle({ gender: 'male' }))).toEqual(['error reference-target Bundle.entry[0].resource.subject.reference']);
    const [issue] = issuesOf(bundle({ gender: 'male' }));
    expect(issue.diagnostics).toMatch(/which is none of the allowed targets http:\/\/example\.org\/fhir\/StructureDefinition\/female-patient: it does not conform to .*female-patient \(Patient: .*fem-1/);
  });
  test('a claim of another profile is no claim of this one: the target is still checked', () => {
    expect(findings(bundle({ ...claiming('ambiguous-identifiers'), gender: 'male' }))).toEqual(['error reference-target Bundle.entry[0].resource.subject.reference']);
    expect(findings(bundle({ ...claiming('ambiguous-identifiers'), gender: 'female' }))).toEqual([]);
  });
  test('a target whose own references lead back to it is decided once, not walked again', () => {
    // Its link to itself is checked against female-patient while it is being checked: taken to conform.
    expect(findings(bundle({ gender: 'female', link: [{ other: { reference: 'Patient/p' }, type: 'seealso' }] }))).toEqual([]);
    expect(findings(bundle({ gender: 'male', link: [{ other: { reference: 'Patient/p' }, type: 'seealso' }] }))).toEqual(['error reference-target Bundle.entry[0].resource.subject.reference']);
  });
});

/**
 * A Reference(DomainResource) (the fixture Provenance's `target`): every resource type derives from
 * DomainResource but Bundle, Binary and Parameters (resource.html, domainresource.html).
 */
describe('a target of DomainResource', () => {
  const provenance = (...targets: string[]) => ({
    resourceType: 'Provenance',
    meta: { profile: ['http://example.org/fhir/StructureDefinition/provenance-domain-targets'] },
    target: targets.map((reference) => ({ reference })),
    recorded: '2020-01-01T00:00:00Z',
    agent: [{ whoUri: 'urn:x' }],
  });
  test('valid: a literal reference to a domain resource type, or a resolved one', () => {
    expect(findings(provenance('Patient/1', 'Observation/2'))).toEqual([]);
    expect(findings({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1', resource: provenance('urn:uuid:2') }, { fullUrl: 'urn:uuid:2', resource: { resourceType: 'Patient' } }] })).toEqual([]);
  });
  test('a reference to a Bundle, Binary or Parameters, literal or resolved', () => {
    expect(findings(provenance('Bundle/1', 'Binary/2', 'Parameters/3'))).toEqual(['error reference-target Provenance.target[0].reference', 'error reference-target Provenance.target[1].reference', 'error reference-target Provenance.target[2].reference']);
    const binary = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1', resource: provenance('urn:uuid:2') }, { fullUrl: 'urn:uuid:2', resource: { resourceType: 'Binary', contentType: 'text/plain' } }] };
    expect(findings(binary)).toEqual(['error reference-target Bundle.entry[0].resource.target[0].reference']);
  });
});

describe('a long chain of targets that claim no profile', () => {
  // Each target's conformance is a walk inside the walk of the one before: past MAX_NESTED_VERDICTS under way,
  // the rest are taken to conform, and one information issue says so (before the bound, 500 overflowed the stack).
  const EX = 'http://example.org/fhir/';
  const chain = (n: number, lastGender: string) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: `${EX}Observation/o`, resource: { resourceType: 'Observation', meta: { profile: [`${EX}StructureDefinition/observation-of-female`] }, status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p0' } } },
      ...Array.from({ length: n }, (_, i) => ({
        fullUrl: `${EX}Patient/p${i}`,
        resource: { resourceType: 'Patient', id: `p${i}`, gender: i === n - 1 ? lastGender : 'female', ...(i + 1 < n ? { link: [{ other: { reference: `Patient/p${i + 1}` }, type: 'seealso' }] } : {}) },
      })),
    ],
  });
  test('3,000 targets deep: decided to the bound, then taken to conform, with one information issue', () => {
    expect(findings(chain(3000, 'female'), { information: true })).toEqual(['information reference-conformance-depth Bundle.entry[0].resource.subject.reference']);
  });
  test('within the bound, the last target in the chain decides the first', () => {
    expect(findings(chain(5, 'female'))).toEqual([]);
    expect(findings(chain(5, 'male'))).toEqual(['error reference-target Bundle.entry[0].resource.subject.reference']);
  });
});

/**
 * HL7 publishes profiles under the same URL prefix as the base types: `.../StructureDefinition/vitalsigns`
 * constrains Observation, and its `related.target` is a Reference(vitalsigns). Such a target is a profile,
 * read from its definition, not a type named by the URL's last segment (before, a literal `Observation/x`
 * was refused as "not a vitalsigns", and a resolved target claiming vitalsigns as well).
 */
describe('a target profile published under the base types’ URL (vitalsigns)', () => {
  const VS = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';
  const vital = (extra: object = {}) => ({
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://hl7.org/fhir/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: 'Patient/p' },
    effectiveDateTime: '2020-01-01',
    valueQuantity: { value: 60, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    ...extra,
  });
  const panel = (reference: string) => vital({ meta: { profile: [VS] }, related: [{ target: { reference } }] });

  test('a literal reference to an Observation is allowed; to a Patient it is not, and the error names the type the profile constrains', () => {
    expect(findings(panel('Observation/heart-rate'))).toEqual([]);
    expect(findings(panel('Patient/p'))).toEqual(['error reference-target Observation.related[0].target.reference']);
    expect(issuesOf(panel('Patient/p')).find((i) => i.rule === 'reference-target')?.diagnostics).toBe("reference 'Patient/p' is to a Patient, the element allows Observation");
  });

  const collection = (member: object) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'http://example.org/fhir/Observation/panel', resource: { ...panel('Observation/hr'), id: 'panel' } },
      { fullUrl: 'http://example.org/fhir/Observation/hr', resource: { ...member, id: 'hr' } },
      { fullUrl: 'http://example.org/fhir/Patient/p', resource: { resourceType: 'Patient', id: 'p' } },
    ],
  });
  test('valid: a resolved target that claims the profile, or conforms to it without claiming it', () => {
    expect(findings(collection(vital({ meta: { profile: [VS] } })))).toEqual([]);
    expect(findings(collection(vital()))).toEqual([]);
  });
  test('a resolved target that claims nothing and lacks what the profile requires (its vital-signs category)', () => {
    expect(findings(collection(vital({ category: undefined })))).toEqual(['error reference-target Bundle.entry[0].resource.related[0].target.reference']);
    expect(issuesOf(collection(vital({ category: undefined }))).find((i) => i.rule === 'reference-target')?.diagnostics).toContain(`it does not conform to ${VS}`);
  });
});

/**
 * A reference no entry resolves, by Bundle type (bundle.html): a document or message is sent as a whole
 * (a warning, policy); a collection is a set gathered for distribution that may refer outside itself
 * (information: HL7's own definition Bundles do so by design); searchsets, histories, transactions and
 * batches refer outside themselves by nature (nothing).
 */
describe('a reference that resolves to no entry, by Bundle type', () => {
  const withObservation = (type: string) => {
    const observation = { fullUrl: 'urn:uuid:1', resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/nowhere' } } };
    const first = type === 'document' ? [{ fullUrl: 'urn:uuid:0', resource: { resourceType: 'Composition', status: 'final', type: { text: 'x' }, date: '2020-01-01', author: [{ display: 'a' }], title: 't' } }] : type === 'message' ? [{ fullUrl: 'urn:uuid:0', resource: { resourceType: 'MessageHeader', event: { system: 'http://example.org/events', code: 'e' }, timestamp: '2020-01-01T00:00:00Z', source: { endpoint: 'urn:x' } } }] : [];
    return { resourceType: 'Bundle', type, entry: [...first, observation] };
  };
  const at = (type: string) => `Bundle.entry[${type === 'document' || type === 'message' ? 1 : 0}].resource.subject.reference`;
  test.each(['document', 'message'])('%s: a warning', (type) => {
    expect(findings(withObservation(type), { information: true }).filter((f) => f.includes('reference-unresolved'))).toEqual([`warning reference-unresolved ${at(type)}`]);
  });
  test('collection: information', () => {
    expect(findings(withObservation('collection'), { information: true }).filter((f) => f.includes('reference-unresolved'))).toEqual([`information reference-unresolved-collection ${at('collection')}`]);
  });
  test.each(['searchset', 'history'])('%s: nothing', (type) => {
    expect(findings(withObservation(type), { information: true }).filter((f) => f.includes('reference-unresolved'))).toEqual([]);
  });
});

/**
 * A targetProfile that resolves nowhere (a dependency not loaded): the target cannot be checked against it,
 * so it is allowed, whether the reference resolves or not. Before, a literal reference was allowed and a
 * resolved one was an error ("profile ... does not resolve").
 */
describe('a target profile that does not resolve', () => {
  const observation = (reference: string) => ({ resourceType: 'Observation', meta: { profile: [`${EX}StructureDefinition/observation-of-unpublished`] }, status: 'final', code: { text: 'x' }, subject: { reference } });
  test('a literal reference and a resolved one are both allowed', () => {
    expect(findings(observation('Patient/p'))).toEqual([]);
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: `${EX}Observation/o`, resource: { ...observation('Patient/p'), id: 'o' } }, { fullUrl: `${EX}Patient/p`, resource: { resourceType: 'Patient', id: 'p' } }] };
    expect(findings(bundle)).toEqual([]);
  });
});
