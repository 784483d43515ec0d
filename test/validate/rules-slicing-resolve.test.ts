/**
 * Slices told apart at the target of a reference (profiling.html#discriminator: a discriminator path may
 * end in `resolve()`): the fixture's List has one `patient` slice of `entry`, discriminated by the type of
 * what `item` resolves to, its `item` a Reference(Patient). resolve() finds targets as the reference checks
 * do (references.ts): a contained resource by `#id`, a Bundle entry by fullUrl or `Type/id`, a
 * version-specific `Type/id/_history/v` by its `Type/id` (bundle.html, resolving references). A second
 * List has a `female` slice discriminated by the profile of that target (its `item` a
 * Reference(female-patient): a Patient whose gender is fixed to female): a target conforms when it claims
 * the profile or, claiming none of them, is valid against it.
 */
import { EX, findings } from './rules-setup.js';

const listOf = (profile: string, ...items: string[]) => ({
  resourceType: 'List',
  meta: { profile: [`${EX}StructureDefinition/${profile}`] },
  status: 'current',
  mode: 'working',
  entry: items.map((reference) => ({ item: { reference } })),
});
const list = (...items: string[]) => listOf('list-by-target', ...items);
const collection = (resource: object) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { fullUrl: 'http://example.org/fhir/List/l1', resource },
    { fullUrl: 'http://example.org/fhir/Patient/p1', resource: { resourceType: 'Patient', id: 'p1' } },
    { fullUrl: 'http://example.org/fhir/Organization/o1', resource: { resourceType: 'Organization', id: 'o1', name: 'Surgery' } },
  ],
});

test('valid: the item resolves to a Patient entry, by Type/id or by fullUrl', () => {
  expect(findings(collection(list('Patient/p1', 'Organization/o1')))).toEqual([]);
  expect(findings(collection(list('http://example.org/fhir/Patient/p1')))).toEqual([]);
});

test('valid: a version-specific reference resolves to the entry of its Type/id', () => {
  // Read before as no target at all, which left the required slice empty.
  expect(findings(collection(list('Patient/p1/_history/2')))).toEqual([]);
});

test('valid: a contained Patient, by #id', () => {
  const contained = { ...list('#pt'), contained: [{ resourceType: 'Patient', id: 'pt' }] };
  expect(findings(contained)).toEqual([]);
});

test('the required slice is missing when the item resolves to another type', () => {
  expect(findings(collection(list('Organization/o1')))).toEqual(['error slice-cardinality Bundle.entry[0].resource.entry']);
});

test('the required slice is missing when the item resolves to nothing', () => {
  // A collection Bundle: the unresolved reference itself is information (references.ts).
  expect(findings(collection(list('Patient/nobody')), { information: true })).toContain('information reference-unresolved-collection Bundle.entry[0].resource.entry[0].item.reference');
  expect(findings(collection(list('Patient/nobody')))).toEqual(['error slice-cardinality Bundle.entry[0].resource.entry']);
});

describe('a profile discriminator at the resolved target', () => {
  const patient = (id: string, extra: object) => ({ fullUrl: `http://example.org/fhir/Patient/${id}`, resource: { resourceType: 'Patient', id, ...extra } });
  const bundle = (reference: string) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'http://example.org/fhir/List/l2', resource: listOf('list-by-target-profile', reference) },
      patient('f', { gender: 'female' }),
      patient('m', { gender: 'male' }),
      patient('c', { meta: { profile: [`${EX}StructureDefinition/female-patient`] }, gender: 'female' }),
    ],
  });
  test('valid: a target that conforms without claiming the profile, or claims it, or is reached by a version-specific reference', () => {
    expect(findings(bundle('Patient/f'))).toEqual([]);
    expect(findings(bundle('Patient/c'))).toEqual([]);
    expect(findings(bundle('Patient/f/_history/1'))).toEqual([]);
  });
  test('a target that does not conform leaves the required slice empty', () => {
    expect(findings(bundle('Patient/m'))).toEqual(['error slice-cardinality Bundle.entry[0].resource.entry']);
  });
});

describe('a profile discriminator along a chain of targets', () => {
  // linked-patients slices Patient.link by the profile of other.resolve(), a Reference(linked-patients): each
  // link's target is tried against the profile, whose walk tries that target's link, and so on. The tries
  // share the reference checks' bound (target-conformance.ts), so a long chain ends, and says so once.
  const chain = (n: number) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: Array.from({ length: n }, (_, i) => ({
      fullUrl: `${EX}Patient/p${i}`,
      resource: { resourceType: 'Patient', id: `p${i}`, ...(i === 0 ? { meta: { profile: [`${EX}StructureDefinition/linked-patients`] } } : {}), ...(i + 1 < n ? { link: [{ other: { reference: `Patient/p${i + 1}` }, type: 'seealso' }] } : {}) },
    })),
  });
  test('valid: a short chain, every target conforming', () => {
    expect(findings(chain(3), { information: true })).toEqual([]);
  });
  test('3,000 targets deep (before the bound, 600 overflowed the stack): tried to the bound, then taken to conform', () => {
    expect(findings(chain(3000), { information: true })).toEqual(['information reference-conformance-depth Bundle.entry[0].resource.link']);
  });
});
