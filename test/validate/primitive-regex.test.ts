/**
 * The primitive rules the structure validators compile, read from the core StructureDefinitions: every
 * regex STU3 gives, as the schema uses it (anchored, in its linear form where the published one backtracks
 * exponentially), against inputs built to make a backtracking engine explode (long runs of each
 * character the pattern accepts, then one it does not). A regex that backtracks exponentially does not
 * finish on these, so this test hangs instead of passing: the list of linear forms cannot miss one.
 */
import { anchoredPattern, primitiveRule } from '../../scripts/compile/primitive-schemas.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreIndex, packageResources } from '../helpers/shared.js';

const model = ElementModel.fromSource(coreIndex());
const primitives = packageResources()
  .filter((r) => r.resourceType === 'StructureDefinition' && (r as { kind?: string }).kind === 'primitive-type')
  .map((sd) => String((sd as { type?: string }).type))
  .sort();

test('every STU3 primitive type has a rule; those without a regex are the six STU3 leaves open', () => {
  const rules = primitives.map((t) => primitiveRule(model, t));
  expect(rules.every((r) => r !== undefined)).toBe(true);
  expect(rules.filter((r) => r?.regex === undefined).map((r) => r?.type)).toEqual(['base64Binary', 'boolean', 'markdown', 'string', 'uri', 'xhtml']);
});

test('no compiled regex backtracks exponentially on adversarial input', () => {
  const runs = ['a', '0', ' ', '-', '.', ':', 'T', 'Z', '+', 'aa ', 'a a'];
  for (const type of primitives) {
    const rule = primitiveRule(model, type);
    if (!rule?.regex) continue;
    const regex = new RegExp(anchoredPattern(rule.regex));
    for (const run of runs) for (const tail of ['!', ' ', '\n', '']) regex.test(run.repeat(40) + tail);
  }
});

test('the linear form of code accepts and refuses what the published regex does', () => {
  const linear = new RegExp(anchoredPattern('[^\\s]+([\\s]?[^\\s]+)*'));
  const published = /^(?:[^\s]+([\s]?[^\s]+)*)$/;
  for (const s of ['a', 'a b', 'a  b', ' a', 'a ', 'ab cd ef', 'a\tb', '', 'x'.repeat(12) + ' y'])
    expect([s, linear.test(s)]).toEqual([s, published.test(s)]);
});
