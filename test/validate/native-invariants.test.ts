/**
 * The natively evaluated invariants (ele-1, ext-1) agree with fhirpath.js evaluating their expressions
 * (ele-1 in its corrected form) on every element node of the GP Connect examples and on edge cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fhirpath from 'fhirpath';
import stu3Model from 'fhirpath/fhir-context/stu3';
import { CORRECTED_EXPRESSIONS, NATIVE_EVALUATORS } from '../../scripts/validate/invariants.js';
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
