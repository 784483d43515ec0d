/**
 * Conditional references (http.html#trules: in a transaction, a reference may be a search, `Type?query`,
 * which the server resolves as it processes the transaction). They are not literal references: in a
 * transaction or batch Bundle only their type is checked; anywhere else they are an error.
 */
import { findings } from './rules-setup.js';

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
