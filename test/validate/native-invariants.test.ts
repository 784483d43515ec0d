/**
 * The natively evaluated invariants (ele-1, ext-1) agree with fhirpath.js evaluating their expressions
 * (ele-1 in its corrected form) on every element node of the GP Connect examples and on edge cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fhirpath from 'fhirpath';
import stu3Model from 'fhirpath/fhir-context/stu3';
import type { Resource } from '../../scripts/model/fhir.js';
import { CORRECTED_EXPRESSIONS, NATIVE_EVALUATORS } from '../../scripts/validate/invariants.js';
import { LINEAR_EVALUATORS } from '../../scripts/validate/linear-invariants.js';
import { bundleScope } from '../../scripts/validate/references.js';
import { gpconnectExamplesDir } from '../helpers/shared.js';

/** Every object inside a payload, with whether it is an extension (has a url and sits under extension). */
function objects(value: unknown, out: Array<{ node: Record<string, unknown>; extension: boolean }> = [], underExtension = false): typeof out {
  if (Array.isArray(value)) for (const v of value) objects(v, out, underExtension);
  else if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    out.push({ node, extension: underExtension && typeof node.url === 'string' });
    for (const [k, v] of Object.entries(node)) objects(v, out, k === 'extension' || k === 'modifierExtension');
  }
  return out;
}

const payloads = readdirSync(gpconnectExamplesDir).flatMap((d) => readdirSync(join(gpconnectExamplesDir, d)).map((f) => JSON.parse(readFileSync(join(gpconnectExamplesDir, d, f), 'utf8')) as unknown));
const edge = [{}, { id: 'a' }, { id: 'a', extension: [{ url: 'u', valueString: 'x' }] }, { url: 'u' }, { url: 'u', valueString: 'x', extension: [{ url: 'v', valueCode: 'c' }] }, { url: 'u', extension: [] }];
const nodes = [...payloads.flatMap((p) => objects(p)), ...edge.map((node) => ({ node: node as Record<string, unknown>, extension: 'url' in node }))];

test('ele-1: native equals fhirpath.js (corrected expression) on every node', () => {
  const ele1 = fhirpath.compile({ base: 'Element', expression: CORRECTED_EXPRESSIONS['ele-1'].corrected }, stu3Model);
  const disagree = nodes.filter(({ node }) => NATIVE_EVALUATORS['ele-1'].holds(node) !== (ele1(node) as unknown[]).every((r) => r === true));
  expect(nodes.length).toBeGreaterThan(1000);
  expect(disagree).toEqual([]);
});

test('ext-1: native equals fhirpath.js on every extension', () => {
  const ext1 = fhirpath.compile({ base: 'Extension', expression: NATIVE_EVALUATORS['ext-1'].published }, stu3Model);
  const extensions = nodes.filter((n) => n.extension);
  const disagree = extensions.filter(({ node }) => NATIVE_EVALUATORS['ext-1'].holds(node) !== (ext1(node) as unknown[]).every((r) => r === true));
  expect(extensions.length).toBeGreaterThan(100);
  expect(disagree).toEqual([]);
});

describe('the linear forms of quadratic invariants equal fhirpath.js', () => {
  // ref-1's published expression calls trace(), which fhirpath.js prints to the console unless given a traceFn.
  const compile = (key: string, base: string) => fhirpath.compile({ base, expression: LINEAR_EVALUATORS[key].published }, stu3Model, { traceFn: () => undefined } as never);
  const bundleEntries = (entries: unknown[]) => ({ resourceType: 'Bundle', type: 'collection', entry: entries });
  const patient = (id: string, versionId?: string) => ({ resourceType: 'Patient', id, ...(versionId ? { meta: { versionId } } : {}) });
  const bundles = [
    ...payloads.filter((p) => (p as { resourceType?: string }).resourceType === 'Bundle'),
    bundleEntries([{ fullUrl: 'urn:a', resource: patient('1') }, { fullUrl: 'urn:a', resource: patient('2') }]),
    bundleEntries([{ fullUrl: 'urn:a', resource: patient('1', '1') }, { fullUrl: 'urn:a', resource: patient('1', '2') }]),
    bundleEntries([{ fullUrl: 'urn:a', resource: patient('1', '1') }, { fullUrl: 'urn:a', resource: patient('1', '1') }]),
    bundleEntries([{ fullUrl: 'Patient/1', resource: patient('1') }, { fullUrl: 'urn:b', resource: patient('1') }]),
    bundleEntries([{ fullUrl: 'urn:b', resource: patient('1') }, { fullUrl: 'Patient/1', resource: patient('2') }]),
    bundleEntries([{ fullUrl: 'urn:a' }, { fullUrl: 'urn:a', resource: patient('1') }]),
    bundleEntries([{ fullUrl: 'urn:a', request: { method: 'GET', url: 'x' } }, { fullUrl: 'urn:a', request: { method: 'GET', url: 'y' } }]),
    bundleEntries([{ resource: patient('1') }, { resource: patient('1') }]),
    bundleEntries([]),
  ];

  test('bdl-7 on every corpus Bundle and on edge cases, with and without the Bundle\'s reference scope', () => {
    const bdl7 = compile('bdl-7', 'Bundle');
    for (const bundle of bundles) {
      const want = (bdl7(bundle) as unknown[]).every((r) => r === true);
      const refs = { bundle: bundleScope(bundle as Resource, 'Bundle'), contained: new Map() };
      expect([bundle, LINEAR_EVALUATORS['bdl-7'].holds(bundle, bundle)]).toEqual([bundle, want]);
      expect([bundle, LINEAR_EVALUATORS['bdl-7'].holds(bundle, bundle, refs)]).toEqual([bundle, want]);
    }
    // Both answers occur.
    expect(bundles.map((b) => LINEAR_EVALUATORS['bdl-7'].holds(b, b))).toEqual(expect.arrayContaining([true, false]));
  });

  test('dom-3 and ref-1 on every corpus resource holding contained resources, and on edge cases', () => {
    const dom3 = compile('dom-3', 'DomainResource');
    const ref1 = compile('ref-1', 'Reference');
    const withContained = (references: string[]) => ({ resourceType: 'Observation', contained: [patient('p'), patient('q')], extension: references.map((r) => ({ url: 'http://x', valueReference: { reference: r } })) });
    const resources = [
      ...payloads.flatMap((p) => objects(p).map((o) => o.node)).filter((n) => typeof n.resourceType === 'string' && Array.isArray(n.contained)),
      withContained(['#p', '#q']),
      withContained(['#p']),
      withContained(['#x']),
      withContained([]),
    ];
    expect(resources.length).toBeGreaterThan(4);
    for (const resource of resources) {
      const env = { resource };
      expect([resource, LINEAR_EVALUATORS['dom-3'].holds(resource, resource)]).toEqual([resource, (dom3(resource, env) as unknown[]).every((r) => r === true)]);
      for (const { node } of objects(resource).filter((o) => typeof o.node.reference === 'string'))
        expect([node, LINEAR_EVALUATORS['ref-1'].holds(node, resource)]).toEqual([node, (ref1(node, env) as unknown[]).every((r) => r === true)]);
    }
  });
});
