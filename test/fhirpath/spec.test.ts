/**
 * The compiled FHIRPath, operator class by operator class, on cases written from the wording of the
 * FHIRPath specification (STU1, as FHIR STU3 uses it; N1 where STU1 is silent) and the FHIR STU3 fhirpath
 * page: empty propagation, three-valued logic, equality and equivalence, string functions, date/time
 * precision, choice types, primitive extensions, environment variables, resolve().
 */
import { buildInvariantModule, compileInvariant, FhirPathModel, loadInvariantModule } from '../../scripts/compile/fhirpath/index.js';
import type { StructureDefinition } from '../../scripts/model/fhir.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreIndex, packageResources } from '../helpers/shared.js';

const model = FhirPathModel.fromDefinitions(
  ElementModel.fromSource(coreIndex()),
  packageResources().filter((r) => r.resourceType === 'StructureDefinition') as StructureDefinition[],
);

/** The result of an expression on a node, as a collection (the compiled form's single value or undefined made one). */
function evaluate(expression: string, node: unknown, context = 'Patient', env = {}): unknown[] {
  const module = buildInvariantModule([{ key: 't', expression, context }], model);
  if (module.unsupported.length) throw new Error(module.unsupported[0].reason);
  const r = loadInvariantModule(module).result(context, expression, node, env);
  const items = Array.isArray(r) ? r : r === undefined ? [] : [r];
  return items.map((x) => (typeof x === 'object' && x !== null && 'v' in x ? (x as { v: unknown }).v : x));
}
const patient = { resourceType: 'Patient', id: 'p', name: [{ family: 'Chalmers', given: ['Peter', 'James'] }], gender: 'male', birthDate: '1974-12-25', active: true };

describe('empty propagation', () => {
  test.each([
    ['an operator with an empty operand is empty', 'name.prefix = \'Dr\''],
    ['comparison with empty is empty', 'deceased.ofType(dateTime) < @2010'],
    ['string functions on empty are empty', 'name.prefix.first().startsWith(\'D\')'],
    ['arithmetic with empty is empty', 'multipleBirth.ofType(integer) + 1'],
  ])('%s', (_, e) => expect(evaluate(e, patient)).toEqual([]));
  test('exists() and empty() are never empty', () => {
    expect(evaluate('name.prefix.exists()', patient)).toEqual([false]);
    expect(evaluate('name.prefix.empty()', patient)).toEqual([true]);
  });
  test('count() of empty is 0', () => expect(evaluate('telecom.count()', patient)).toEqual([0]));
  test('count(), exists() and empty() on a path count a primitive that has only extensions (null in the value array, a `_name` alone)', () => {
    const ext = { extension: [{ url: 'http://example.org/x', valueString: 'x' }] };
    const p = { resourceType: 'Patient', name: [{ given: ['a', null, null], _given: [null, ext, ext] }, { _family: ext }], _gender: ext };
    expect(evaluate('name.given.count()', p)).toEqual([3]);
    expect(evaluate('name.family.count()', p)).toEqual([1]);
    expect(evaluate('name.family.exists()', p)).toEqual([true]);
    expect(evaluate('gender.empty()', p)).toEqual([false]);
    expect(evaluate('name.given.extension.count()', p)).toEqual([2]);
    expect(evaluate('birthDate.count() + telecom.count()', p)).toEqual([0]);
  });
});

describe('three-valued boolean logic (the truth tables of and, or, xor, implies)', () => {
  const T = 'true';
  const F = 'false';
  const E = '{}';
  const table = (op: string, rows: Array<[string, string, boolean | undefined]>) =>
    test.each(rows)(`%s ${op} %s`, (a, b, want) => expect(evaluate(`(${a}) ${op} (${b})`, patient)).toEqual(want === undefined ? [] : [want]));
  describe('and', () => table('and', [[T, T, true], [T, F, false], [T, E, undefined], [F, T, false], [F, F, false], [F, E, false], [E, T, undefined], [E, F, false], [E, E, undefined]]));
  describe('or', () => table('or', [[T, T, true], [T, F, true], [T, E, true], [F, T, true], [F, F, false], [F, E, undefined], [E, T, true], [E, F, undefined], [E, E, undefined]]));
  describe('xor', () => table('xor', [[T, T, false], [T, F, true], [T, E, undefined], [F, T, true], [F, F, false], [F, E, undefined], [E, T, undefined], [E, F, undefined], [E, E, undefined]]));
  describe('implies', () => table('implies', [[T, T, true], [T, F, false], [T, E, undefined], [F, T, true], [F, F, true], [F, E, true], [E, T, true], [E, F, undefined], [E, E, undefined]]));
  test('not() of true, false, empty', () => {
    expect(evaluate('true.not()', patient)).toEqual([false]);
    expect(evaluate('active.not()', patient)).toEqual([false]);
    expect(evaluate('{}.not()', patient)).toEqual([]);
  });
  test('a single non-Boolean item counts as true; several items are an error', () => {
    expect(evaluate('gender and true', patient)).toEqual([true]);
    expect(() => evaluate('name.given and true', patient)).toThrow(/single Boolean/);
  });
});

describe('equality and equivalence', () => {
  test('= is case-sensitive, ~ ignores case and normalises whitespace', () => {
    expect(evaluate("gender = 'MALE'", patient)).toEqual([false]);
    expect(evaluate("gender ~ 'MALE'", patient)).toEqual([true]);
    expect(evaluate("'a  b' ~ 'A  B'", patient)).toEqual([true]);
  });
  test('= on collections compares item by item in order; ~ in any order', () => {
    expect(evaluate("name.given = ('Peter' | 'James')", patient)).toEqual([true]);
    expect(evaluate("name.given = ('James' | 'Peter')", patient)).toEqual([false]);
    expect(evaluate("name.given ~ ('James' | 'Peter')", patient)).toEqual([true]);
  });
  test('= with an empty side is empty; ~ of two empties is true', () => {
    expect(evaluate('name.prefix = name.suffix', patient)).toEqual([]);
    expect(evaluate('name.prefix ~ name.suffix', patient)).toEqual([true]);
  });
  test('numbers compare by value (1 = 1.0); complex values by all their properties', () => {
    expect(evaluate('1 = 1.0', patient)).toEqual([true]);
    expect(evaluate("name.first() = name.first()", patient)).toEqual([true]);
    expect(evaluate("name.first() = name.last()", { ...patient, name: [{ family: 'A' }, { family: 'B' }] })).toEqual([false]);
  });
  test('!= is the negation of =, empty staying empty', () => {
    expect(evaluate("gender != 'female'", patient)).toEqual([true]);
    expect(evaluate("name.prefix != 'x'", patient)).toEqual([]);
  });
});

describe('string functions', () => {
  test.each([
    ["name.family.startsWith('Chal')", true],
    ["name.family.contains('alm')", true],
    ["name.family.matches('^C[a-z]+$')", true],
    ["name.family.matches('^c')", false],
    ['name.family.length()', 8],
    ['name.family.substring(1, 3)', 'hal'],
    ['name.family.substring(3)', 'lmers'],
    ['name.family.upper()', 'CHALMERS'],
  ])('%s', (e, want) => expect(evaluate(e, patient)).toEqual([want]));
  test('substring() past the end is empty; a string function on several items is an error', () => {
    expect(evaluate('name.family.substring(20)', patient)).toEqual([]);
    expect(() => evaluate("name.given.startsWith('P')", patient)).toThrow(/single item/);
  });
});

describe('date/time comparison with partial precision', () => {
  test.each([
    ['@2012-01-01 < @2012-01-02', [true]],
    ['@2012 < @2013-01', [true]],
    ['@2012 < @2012-01', []],
    ['@2012 = @2012-01', []],
    ['@2012-01 = @2012-02', [false]],
    ['@2012-01-01T10:00:00Z = @2012-01-01T12:00:00+02:00', [true]],
    ['@2012-01-01T10:00:00Z < @2012-01-01T10:30:00+00:00', [true]],
    ['@2012 ~ @2012-01', [false]],
  ])('%s', (e, want) => expect(evaluate(e, patient)).toEqual(want));
  test('FHIR dates compare by precision (Period.start <= Period.end)', () => {
    const e = 'start <= end';
    expect(evaluate(e, { start: '2010-05-01', end: '2011' }, 'Period')).toEqual([true]);
    expect(evaluate(e, { start: '2010-05-01', end: '2010' }, 'Period')).toEqual([]);
    expect(evaluate(e, { start: '2010-05-02', end: '2010-05-01T10:00:00Z' }, 'Period')).toEqual([false]);
  });
});

describe('choice types, primitive extensions, environment, resolve()', () => {
  const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 1, unit: 'mg' } };
  test('a choice element is read from its typed JSON name; is/as/ofType test that type', () => {
    expect(evaluate('value.unit', obs, 'Observation')).toEqual(['mg']);
    expect(evaluate('value is Quantity', obs, 'Observation')).toEqual([true]);
    expect(evaluate('value.as(string).exists()', obs, 'Observation')).toEqual([false]);
    expect(evaluate('value.ofType(Quantity).value', obs, 'Observation')).toEqual([1]);
  });
  test('a choice of many types (Extension.value[x], 38) is found by the name the JSON has, or its _ companion', () => {
    expect(evaluate('value', { url: 'http://x', valueCode: 'a' }, 'Extension')).toEqual(['a']);
    expect(evaluate('value is code', { url: 'http://x', valueCode: 'a' }, 'Extension')).toEqual([true]);
    expect(evaluate('value.exists()', { url: 'http://x', _valueBoolean: { extension: [{ url: 'http://y', valueCode: 'u' }] } }, 'Extension')).toEqual([true]);
    expect(evaluate('value.exists()', { url: 'http://x', extension: [] }, 'Extension')).toEqual([false]);
    // Two types at once (invalid FHIR): the first in the definition's order (boolean before string), whatever the JSON's order.
    expect(evaluate('value', { valueString: 's', valueBoolean: true }, 'Extension')).toEqual([true]);
  });
  test('a primitive with only an extension exists but has no value', () => {
    const p = { resourceType: 'Patient', _birthDate: { extension: [{ url: 'http://x', valueCode: 'unknown' }] } };
    expect(evaluate('birthDate.exists()', p)).toEqual([true]);
    expect(evaluate('birthDate.hasValue()', p)).toEqual([false]);
    expect(evaluate('birthDate.extension.url', p)).toEqual(['http://x']);
  });
  test('%resource, %context and %ucum', () => {
    expect(evaluate("%resource.id = 'p'", patient.name[0], 'HumanName', { resource: patient })).toEqual([true]);
    expect(evaluate('%context.family', patient.name[0], 'HumanName')).toEqual(['Chalmers']);
    expect(evaluate("%ucum = 'http://unitsofmeasure.org'", patient)).toEqual([true]);
  });
  test('resolve() through the environment, with a type test on the target', () => {
    const practitioner = { resourceType: 'Practitioner', id: 'pr' };
    const resolve = (ref: string) => (ref === 'Practitioner/pr' ? practitioner : undefined);
    const team = { member: { reference: 'Practitioner/pr' } };
    expect(evaluate('member.resolve() is Practitioner', team, 'CareTeam.participant', { resolve })).toEqual([true]);
    expect(evaluate('member.resolve() is Patient', team, 'CareTeam.participant', { resolve })).toEqual([false]);
    expect(evaluate('member.resolve().exists()', team, 'CareTeam.participant', {})).toEqual([false]);
  });
});

describe('what is not compiled is reported with a reason', () => {
  test.each([
    ["code.memberOf('http://hl7.org/fhir/ValueSet/x')", /function memberOf/],
    ['htmlchecks()', /function htmlchecks/],
    ['conformsTo(\'http://x\')', /function conformsTo/],
    ['value + 1 )', /syntax error/],
  ])('%s', (e, reason) => {
    const r = compileInvariant(e, 'Observation', model);
    expect('unsupported' in r && r.unsupported).toMatch(reason);
  });
});
