/**
 * Invariants compiled to JavaScript in the validator (scripts/validate/invariants.ts over
 * scripts/compile/fhirpath): a compiled invariant reports what fhirpath.js reported, word for word; a node
 * the compiled code leaves to the interpreter (quantities in different UCUM units) gets fhirpath.js's
 * verdict; resolve() follows the validator's reference resolution (contained `#id`, Bundle entries).
 */
import type { ElementDefinitionConstraint } from '../../scripts/model/fhir.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { bundleScope, containedScope } from '../../scripts/validate/references.js';
import { InvariantEngine, invariantModel, type InvariantScope } from '../../scripts/validate/invariants.js';
import type { Resource } from '../../scripts/model/fhir.js';
import { coreContext } from '../helpers/context.js';
import { coreIndex } from '../helpers/shared.js';

const resolver = coreContext().resolver;
const elements = ElementModel.fromSource(coreIndex());
const engine = new InvariantEngine(() => invariantModel(elements, resolver));

const PER_1: ElementDefinitionConstraint = { key: 'per-1', severity: 'error', human: 'If present, start SHALL have a lower value than end', expression: 'start.empty() or end.empty() or (start <= end)' };
const RNG_2: ElementDefinitionConstraint = { key: 'rng-2', severity: 'error', human: 'If present, low SHALL have a lower value than high', expression: 'low.empty() or high.empty() or (low <= high)' };

/** The issues of one constraint on one node, compiled (default) or by fhirpath.js only. */
const check = (c: ElementDefinitionConstraint, base: string, node: unknown, scope: InvariantScope, compiled = true) => engine.check(c, base, node, scope, 'X', { reported: new Set(), compiled });

describe('per-1 (Period) runs compiled', () => {
  const period = { start: '2012-01-01', end: '2011-01-01' };
  test('it compiles', () => {
    expect(engine.isCompiled(PER_1, 'Period')).toBe(true);
  });
  test('start after end: the issue fhirpath.js reports, word for word', () => {
    const compiled = check(PER_1, 'Period', period, { resource: {} });
    expect(compiled).toEqual([{ severity: 'error', code: 'invariant', rule: 'per-1', expression: 'X', diagnostics: 'constraint per-1 failed: If present, start SHALL have a lower value than end (start.empty() or end.empty() or (start <= end))' }]);
    expect(check(PER_1, 'Period', period, { resource: {} }, false)).toEqual(compiled);
  });
  test('start before end, and dates of different precision that cannot be ordered: no issue', () => {
    expect(check(PER_1, 'Period', { start: '2010-01-01', end: '2011' }, { resource: {} })).toEqual([]);
    expect(check(PER_1, 'Period', { start: '2011', end: '2011-06-01' }, { resource: {} })).toEqual([]);
  });
});

describe('rng-2 (Range) across UCUM units: the compiled code leaves the comparison to fhirpath.js', () => {
  const ucum = (value: number, code: string) => ({ value, system: 'http://unitsofmeasure.org', code, unit: code });
  test('it compiles, and same units stay compiled', () => {
    expect(engine.isCompiled(RNG_2, 'Range')).toBe(true);
    expect(check(RNG_2, 'Range', { low: ucum(5, 'mg'), high: ucum(1, 'mg') }, { resource: {} })).toHaveLength(1);
  });
  test('1 g to 500 mg: low above high (fhirpath.js converts units), as fhirpath.js alone reports', () => {
    const range = { low: ucum(1, 'g'), high: ucum(500, 'mg') };
    const issues = check(RNG_2, 'Range', range, { resource: {} });
    expect(issues.map((i) => i.rule)).toEqual(['rng-2']);
    expect(issues).toEqual(check(RNG_2, 'Range', range, { resource: {} }, false));
  });
  test('1 g to 2000 mg holds', () => {
    expect(check(RNG_2, 'Range', { low: ucum(1, 'g'), high: ucum(2000, 'mg') }, { resource: {} })).toEqual([]);
  });
});

describe('resolve() follows the validator reference resolution, compiled and by fhirpath.js alike', () => {
  // A profile's own invariant (the core's MedicationRequest mps-1 has this shape): the requester's agent, resolved, is a Practitioner.
  const AGENT: ElementDefinitionConstraint = { key: 'x-1', severity: 'error', human: 'the agent is a Practitioner', expression: 'agent.resolve().all($this is Practitioner)' };
  const request = (reference: string, contained: Resource[] = []) => ({ resourceType: 'MedicationRequest', contained, requester: { agent: { reference } } });
  const scopeOf = (resource: Resource, bundle?: Resource): InvariantScope => ({ resource, refs: { contained: containedScope(resource, 'R'), bundle: bundle && bundleScope(bundle, 'Bundle') } });
  test('it compiles', () => {
    expect(engine.isCompiled(AGENT, 'MedicationRequest.requester')).toBe(true);
  });
  test.each([true, false])('contained #id (compiled: %s)', (compiled) => {
    const ok = request('#p', [{ resourceType: 'Practitioner', id: 'p' }]) as unknown as Resource;
    const bad = request('#p', [{ resourceType: 'Organization', id: 'p' }]) as unknown as Resource;
    expect(check(AGENT, 'MedicationRequest.requester', (ok as never as { requester: unknown }).requester, scopeOf(ok), compiled)).toEqual([]);
    expect(check(AGENT, 'MedicationRequest.requester', (bad as never as { requester: unknown }).requester, scopeOf(bad), compiled).map((i) => i.rule)).toEqual(['x-1']);
  });
  test.each([true, false])('Bundle entry by fullUrl and by Type/id (compiled: %s)', (compiled) => {
    const byUrl = request('urn:uuid:1') as unknown as Resource;
    const byId = request('Organization/o') as unknown as Resource;
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'Organization', id: 'o' } }, { fullUrl: 'urn:uuid:2', resource: byUrl }, { resource: byId }] } as unknown as Resource;
    for (const r of [byUrl, byId]) expect(check(AGENT, 'MedicationRequest.requester', (r as never as { requester: unknown }).requester, scopeOf(r, bundle), compiled).map((i) => i.rule)).toEqual(['x-1']);
    // Unresolvable: resolve() is empty, all() of nothing holds.
    expect(check(AGENT, 'MedicationRequest.requester', (byId as never as { requester: unknown }).requester, scopeOf(byId), compiled)).toEqual([]);
  });
});
