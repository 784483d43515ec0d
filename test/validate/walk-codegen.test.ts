/**
 * The semantic walk generated as code (scripts/validate/walk-codegen.ts, walk-module.ts). That it gives
 * the interpreted walk's issues is tested everywhere the validator is: the rule tests run both walks on
 * every payload (rules-setup.ts), the corpus tests compare both on every example (compiled-corpus.test.ts),
 * and a built project links the build's module (built-project.test.ts). Here: what the code is made of.
 */
import { plannerFor, type NodePlan } from '../../scripts/validate/node-plan.js';
import { profileTree } from '../../scripts/validate/profile-tree.js';
import { generateWalk, WALK_HELPERS, type LinkedWalk } from '../../scripts/validate/walk-codegen.js';
import { SliceNavigator } from '../../scripts/validate/slice-navigation.js';
import { SemanticWalker } from '../../scripts/validate/semantic.js';
import { EX, rulesSetup } from './rules-setup.js';

function rootPlan(url: string): NodePlan {
  const { ctx } = rulesSetup();
  const sd = ctx.profiles(url);
  const root = sd && profileTree(sd)?.root;
  if (!sd || !root) throw new Error(`no snapshot of ${url}`);
  const planner = plannerFor(ctx);
  return sd.type === 'Extension' ? planner.extension(root) : planner.plan(root, sd.type, sd.type, false);
}

function generate(url: string) {
  const { ctx } = rulesSetup();
  const navigator = new SliceNavigator(ctx, new SemanticWalker(ctx));
  const generated = generateWalk([rootPlan(url)], { model: ctx.model, nodeAt: (slice, path) => navigator.nodeAt(slice, path) });
  const linked = new Function('P', 'Q', 'H', generated.body)(generated.plans, generated.properties, WALK_HELPERS) as LinkedWalk;
  return { generated, linked };
}

describe('generated walk', () => {
  test('every plan reachable from a profile becomes one function; the code evaluates', () => {
    const { generated, linked } = generate(`${EX}StructureDefinition/ambiguous-identifiers`);
    expect(linked.walks.length).toBe(generated.plans.length);
    expect(linked.walks.every((w) => typeof w === 'function')).toBe(true);
    // Patient, its elements and the data types they unfold to.
    expect(generated.plans.length).toBeGreaterThan(20);
    expect(generated.plans[0].node.id).toBe('Patient');
  });

  test('the same source from the same definitions (the build output is reproducible)', () => {
    const url = `${EX}StructureDefinition/observation-components`;
    expect(generate(url).generated.body).toBe(generate(url).generated.body);
  });

  test('plans already walked by code elsewhere are called through the walker, not generated again', () => {
    const { ctx } = rulesSetup();
    const navigator = new SliceNavigator(ctx, new SemanticWalker(ctx));
    const root = rootPlan(`${EX}StructureDefinition/ambiguous-identifiers`);
    const generated = generateWalk([root], { model: ctx.model, nodeAt: (s, p) => navigator.nodeAt(s, p), known: (p) => p !== root });
    const linked = new Function('P', 'Q', 'H', generated.body)(generated.plans, generated.properties, WALK_HELPERS) as LinkedWalk;
    expect(linked.walks.filter((w) => w !== null)).toHaveLength(1);
    expect(generated.body).toContain('w.visit(p');
  });

  describe('value discriminators on a fixed primitive become tests on the item', () => {
    test('identifier sliced by system: true in the slice, false out of it, undefined when the name is absent (left to the discriminators)', () => {
      const { generated, linked } = generate(`${EX}StructureDefinition/ambiguous-identifiers`);
      expect(generated.body).toContain('"http://example.org/fhir/identifiers/mrn"');
      const [[property, tests]] = linked.matchers;
      expect(generated.properties[property].prop.property).toBe('identifier');
      expect(tests).toHaveLength(2);
      const [first] = tests;
      if (!first) throw new Error('no test for the first slice');
      expect(first({ system: `${EX}identifiers/mrn`, value: '1' })).toBe(true);
      expect(first({ system: 'http://example.org/other', value: '1' })).toBe(false);
      expect(first('not an object')).toBe(false);
      expect(first({ value: '1' })).toBeUndefined();
    });

    test('a complex extension sliced by url: its part has a test', () => {
      const { generated, linked } = generate(`${EX}StructureDefinition/outer`);
      const tables = linked.matchers.filter(([q]) => generated.properties[q].prop.property === 'extension');
      expect(tables.length).toBeGreaterThan(0);
      const part = tables[0][1][0];
      expect(part?.({ url: 'part', valueString: 'x' })).toBe(true);
      expect(part?.({ url: 'other' })).toBe(false);
    });

    test('a discriminator on children that only pattern-match (no fixed primitive at the path) is left to the interpreter', () => {
      const { linked, generated } = generate(`${EX}StructureDefinition/observation-components`);
      const component = linked.matchers.find(([q]) => generated.properties[q].prop.property === 'component');
      expect(component).toBeUndefined();
    });
  });

  test('a path helper: the values along plain names, undefined where a name is absent', () => {
    expect(WALK_HELPERS.path({ code: { coding: [{ system: 'a' }, { system: 'b' }] } }, ['code', 'coding', 'system'])).toEqual(['a', 'b']);
    expect(WALK_HELPERS.path({ code: {} }, ['code', 'coding'])).toBeUndefined();
    expect(WALK_HELPERS.path('x', ['code'])).toEqual([]);
  });
});
