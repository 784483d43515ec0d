/**
 * Value set membership follows the code system's case sensitivity (codesystem.html#CodeSystem.caseSensitive:
 * whether codes are compared case-sensitively). A code in the value set only in another case: in it when its
 * system compares codes ignoring case, with an information note (code-case-difference); not in it otherwise.
 * A required binding whose value set holds such codes is left to the semantic layer, which can say so,
 * rather than compiled into the structure validators as an exact set.
 */
import type { CodeSystem, ElementDefinitionBinding, ValueSet } from '../../scripts/model/fhir.js';
import { LayeredResolver, ResourceIndex } from '../../scripts/resolve/resolver.js';
import { compiledBinding } from '../../scripts/terminology/binding-rules.js';
import { ValueSetExpander } from '../../scripts/terminology/value-set-expansion.js';
import { checkBinding } from '../../scripts/validate/bindings.js';
import { canonical } from '../helpers/context.js';

const EX = 'http://example.org/fhir';
const codeSystem = (id: string, caseSensitive: boolean | undefined): CodeSystem => ({
  resourceType: 'CodeSystem',
  id,
  url: `${EX}/CodeSystem/${id}`,
  status: 'active',
  content: 'complete',
  ...(caseSensitive === undefined ? {} : { caseSensitive }),
  concept: [{ code: 'ABC' }, { code: 'Def' }],
});
const valueSet = (id: string, system: string): ValueSet => ({ resourceType: 'ValueSet', id, url: `${EX}/ValueSet/${id}`, status: 'active', compose: { include: [{ system }] } });
const anyCase = codeSystem('any-case', false);
const unstated = codeSystem('unstated', undefined);
const exact = codeSystem('exact', true);
const url = (cs: CodeSystem) => cs.url as string;
const resources = [anyCase, unstated, exact, valueSet('any-case', url(anyCase)), valueSet('unstated', url(unstated)), valueSet('exact', url(exact))];
const expander = new ValueSetExpander(new LayeredResolver([new ResourceIndex(resources)], canonical), () => undefined);
const required = (id: string): ElementDefinitionBinding => ({ strength: 'required', valueSetReference: { reference: `${EX}/ValueSet/${id}` } });
const findings = (id: string, type: string, value: unknown) => checkBinding(required(id), type, value, 'Basic.x', expander).map((i) => `${i.severity} ${i.rule} ${i.expression}`);

describe('a code system with caseSensitive false (or not stated: STU3 then accepts any case)', () => {
  test.each(['any-case', 'unstated'])('valid (%s): the code as defined; in another case, in the value set with an information note', (id) => {
    expect(findings(id, 'code', 'ABC')).toEqual([]);
    expect(findings(id, 'code', 'abc')).toEqual(['information code-case-difference Basic.x']);
    expect(findings(id, 'Coding', { system: `${EX}/CodeSystem/${id}`, code: 'DEF' })).toEqual(['information code-case-difference Basic.x']);
    expect(findings(id, 'CodeableConcept', { coding: [{ system: `${EX}/CodeSystem/${id}`, code: 'def' }] })).toEqual(['information code-case-difference Basic.x']);
  });
  test('invalid: a code it does not hold in any case; the system compared exactly (a URI, not a code)', () => {
    expect(findings('any-case', 'code', 'xyz')).toEqual(['error binding-required Basic.x']);
    expect(findings('any-case', 'Coding', { system: `${EX}/CODESYSTEM/any-case`, code: 'ABC' })).toEqual(['error binding-required Basic.x']);
  });
  test('its required binding is not compiled into the structure validators (they compare exactly)', () => {
    expect(compiledBinding(required('any-case'), 'code', expander)).toBeUndefined();
    expect(compiledBinding(required('exact'), 'code', expander)).toBeDefined();
  });
});

describe('a code system with caseSensitive true', () => {
  test('valid: the code as defined', () => {
    expect(findings('exact', 'Coding', { system: exact.url, code: 'ABC' })).toEqual([]);
  });
  test('invalid: the code in another case is outside the value set', () => {
    expect(findings('exact', 'code', 'abc')).toEqual(['error binding-required Basic.x']);
    expect(findings('exact', 'Coding', { system: exact.url, code: 'def' })).toEqual(['error binding-required Basic.x']);
  });
});
