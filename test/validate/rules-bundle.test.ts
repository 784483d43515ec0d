/**
 * Bundle.entry.fullUrl (bundle-definitions.html#Bundle.entry.fullUrl): it SHALL not disagree with the id in
 * the resource: a fullUrl that looks like a RESTful server URL (references.html#regex) ends with the
 * resource's `Type/id`. That it is a version-independent reference is STU3's invariant bdl-8.
 */
import { findings, issuesOf } from './rules-setup.js';

const patient = (id?: string) => ({ resourceType: 'Patient', ...(id === undefined ? {} : { id }) });
const collection = (...entries: object[]) => ({ resourceType: 'Bundle', type: 'collection', entry: entries });

test('valid: a RESTful fullUrl, absolute or relative, ending with the resource type and id', () => {
  expect(findings(collection({ fullUrl: 'http://example.org/fhir/Patient/123', resource: patient('123') }, { fullUrl: 'https://example.org/Patient/a.b-c', resource: patient('a.b-c') }))).toEqual([]);
  expect(findings(collection({ fullUrl: 'Patient/9', resource: patient('9') }))).toEqual([]);
});

test('valid: fullUrls that say nothing about the id, and resources without one', () => {
  expect(findings(collection({ fullUrl: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0', resource: patient('1') }, { fullUrl: 'urn:oid:1.2.3', resource: patient('2') }))).toEqual([]);
  // Not a resource type: not a RESTful URL of a resource.
  expect(findings(collection({ fullUrl: 'http://example.org/Things/1', resource: patient('2') }))).toEqual([]);
  expect(findings(collection({ fullUrl: 'http://example.org/fhir/Patient/123', resource: patient() }))).toEqual([]);
});

test('a fullUrl whose id or type disagrees with the resource', () => {
  expect(findings(collection({ fullUrl: 'http://example.org/fhir/Patient/123', resource: patient('124') }))).toEqual(['error bundle-fullurl-id Bundle.entry[0].fullUrl']);
  expect(findings(collection({ fullUrl: 'https://my-server.example.org:8443/fhir/Patient/123', resource: patient('124') }))).toEqual(['error bundle-fullurl-id Bundle.entry[0].fullUrl']);
  const [issue] = issuesOf(collection({ fullUrl: 'http://example.org/fhir/Patient/1', resource: { resourceType: 'Practitioner', id: '1' } }));
  expect(issue).toMatchObject({ expression: 'Bundle.entry[0].fullUrl', rule: 'bundle-fullurl-id', diagnostics: "fullUrl 'http://example.org/fhir/Patient/1' names Patient/1, but the entry's resource is Practitioner/1" });
});

test('a fullUrl with a version: the invariant bdl-8 reports it, and its id is still compared', () => {
  expect(findings(collection({ fullUrl: 'http://example.org/fhir/Patient/1/_history/2', resource: patient('1') }))).toEqual(['error bdl-8 Bundle.entry[0]']);
  expect(findings(collection({ fullUrl: 'http://example.org/fhir/Patient/1/_history/2', resource: patient('3') }))).toEqual(['error bdl-8 Bundle.entry[0]', 'error bundle-fullurl-id Bundle.entry[0].fullUrl']);
});

test('entries of a Bundle inside a Bundle are checked where they are', () => {
  const inner = collection({ fullUrl: 'http://example.org/fhir/Patient/1', resource: patient('2') });
  expect(findings(collection({ fullUrl: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1', resource: inner }))).toEqual(['error bundle-fullurl-id Bundle.entry[0].resource.entry[0].fullUrl']);
});

/** documents.html: a document is a Bundle whose first resource is a Composition; messaging.html: a message's is a MessageHeader. */
describe('the first entry of a document or a message', () => {
  const bundle = (type: string, ...resources: object[]) => ({ resourceType: 'Bundle', type, ...(type === 'document' ? { identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e2' } } : {}), entry: resources.map((resource, i) => ({ fullUrl: `urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6f${i}`, resource })) });
  const composition = { resourceType: 'Composition', status: 'final', type: { text: 'note' }, subject: { display: 'A patient' }, date: '2020-01-01', author: [{ display: 'Dr A' }], title: 'Note' };
  const header = { resourceType: 'MessageHeader', event: { system: 'urn:x', code: 'y' }, timestamp: '2020-01-01T00:00:00Z', source: { endpoint: 'urn:a' } };
  test('valid: a Composition first in a document, a MessageHeader first in a message; other types unconstrained', () => {
    expect(findings(bundle('document', composition, patient('1')))).toEqual([]);
    expect(findings(bundle('message', header, patient('1')))).toEqual([]);
    expect(findings(bundle('collection', patient('1'), composition))).toEqual([]);
  });
  test('another resource first, or no entry', () => {
    expect(findings(bundle('document', patient('1'), composition))).toEqual(['error bundle-document-composition Bundle.entry[0]']);
    expect(findings(bundle('message', patient('1'), header))).toEqual(['error bundle-message-header Bundle.entry[0]']);
    expect(findings(bundle('message'))).toEqual(['error bundle-message-header Bundle']);
    const [issue] = issuesOf(bundle('document', patient('1')));
    expect(issue.diagnostics).toBe('a document Bundle starts with a Composition: its first entry holds a Patient');
  });
});
