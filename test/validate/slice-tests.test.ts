/**
 * Slices told apart by fixed values are decided by tests made once per sliced element (sliceTests in
 * slicing.ts, as closures for the interpreted walk and as generated code for the generated one). A test
 * answers true, false, or "left to the discriminators"; where it answers, the discriminators must agree:
 * every sliced element of the project's profiles and of the rule fixtures, on items made from each slice's
 * fixed values and on variants of them, assigned with the tests and without them, gives the same slices and issues.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resource, StructureDefinition } from '../../scripts/model/fhir.js';
import { profileTree, type ProfileNode } from '../../scripts/validate/profile-tree.js';
import { SemanticWalker } from '../../scripts/validate/semantic.js';
import type { SemanticContext } from '../../scripts/validate/semantic-context.js';
import { SliceNavigator, type WalkScope } from '../../scripts/validate/slice-navigation.js';
import { assignSlices, fixedDiscriminators, sliceTests } from '../../scripts/validate/slicing.js';
import { generateWalk, WALK_HELPERS, type LinkedWalk } from '../../scripts/validate/walk-codegen.js';
import { plannerFor } from '../../scripts/validate/node-plan.js';
import { rulesSetup } from './rules-setup.js';
import { semanticSetup } from './semantic-setup.js';

/** An object with `value` at the plain path `names` (`[]`: the value itself). */
function itemWith(names: readonly string[], value: unknown): unknown {
  return names.reduceRight<unknown>((inner, name) => ({ [name]: inner }), value);
}

/** Items a sliced element's tests may meet: each slice's fixed values, one changed, one name missing, values in arrays, and not objects. */
function itemsFor(sliced: ProfileNode, nodeAt: (s: ProfileNode, p: string) => ProfileNode | undefined): unknown[] {
  const discriminators = sliced.def.slicing?.discriminator ?? [];
  const items: unknown[] = ['text', 7, null, [], {}];
  for (const slice of sliced.slices) {
    const fixed = fixedDiscriminators(slice, discriminators, nodeAt);
    if (!fixed) continue;
    const merged = (change?: number, drop?: number, wrap = false) => {
      const out: Record<string, unknown> = {};
      fixed.forEach((d, n) => {
        if (n === drop || d.names.length === 0) return;
        const value = n === change ? `${String(d.fixed)}-other` : d.fixed;
        const item = itemWith(d.names.slice(1), wrap ? [value] : value);
        out[d.names[0]] = wrap ? [item] : item;
      });
      return fixed.some((d) => d.names.length === 0) ? (change === undefined ? fixed[0].fixed : 'other') : out;
    };
    items.push(merged(), merged(undefined, undefined, true));
    fixed.forEach((_, n) => items.push(merged(n), merged(undefined, n)));
  }
  return items;
}

function slicedNodes(sd: StructureDefinition): ProfileNode[] {
  const tree = profileTree(sd);
  return tree ? [...tree.byId.values()].filter((n) => n.def.slicing !== undefined && n.slices.length > 0) : [];
}

function checkAll(ctx: SemanticContext, profiles: StructureDefinition[]): number {
  const navigator = new SliceNavigator(ctx, new SemanticWalker(ctx));
  const nodeAt = (s: ProfileNode, p: string) => navigator.nodeAt(s, p);
  const root = { resourceType: 'Basic' } as Resource;
  const scope: WalkScope = { root, refs: { contained: new Map() }, invariants: { resource: root } };
  const oracle = navigator.oracle(scope);
  let decided = 0;
  for (const sd of profiles)
    for (const sliced of slicedNodes(sd)) {
      const tests = sliceTests(sliced, nodeAt);
      if (tests.every((t) => t === null)) continue;
      const items = itemsFor(sliced, nodeAt);
      for (const item of items) {
        const at = (i: number) => `x[${i}]`;
        const withTests = assignSlices(sliced, [item], 'x', at, oracle, tests);
        const without = assignSlices(sliced, [item], 'x', at, oracle);
        expect({ id: sliced.id, item, slices: withTests.slices.map((s) => s?.id), issues: withTests.issues }).toEqual({ id: sliced.id, item, slices: without.slices.map((s) => s?.id), issues: without.issues });
        decided += tests.filter((t) => t?.(item) !== undefined).length;
      }
      // All the items at once: cardinality, order and closed rules over the same assignment.
      expect(assignSlices(sliced, items, 'x', (i) => `x[${i}]`, oracle, tests)).toEqual(assignSlices(sliced, items, 'x', (i) => `x[${i}]`, oracle));
    }
  return decided;
}

function jsonResources(dir: string): Resource[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Resource);
}

describe('slice tests made from fixed values', () => {
  test('agree with the discriminators on every sliced element of the rule fixtures', () => {
    const { ctx } = rulesSetup();
    const fixtures = jsonResources(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'rules')).filter((r) => r.resourceType === 'StructureDefinition');
    const profiles = fixtures.map((r) => ctx.profiles(r.url as string)).filter((sd): sd is StructureDefinition => sd !== undefined);
    expect(checkAll(ctx, profiles)).toBeGreaterThan(20);
  });

  test('agree with the discriminators on every sliced element of the project\'s profiles', async () => {
    const { ctx, resources } = await semanticSetup();
    const profiles = resources
      .filter((r) => r.resourceType === 'StructureDefinition')
      .map((r) => ctx.profiles(r.url as string))
      .filter((sd): sd is StructureDefinition => sd !== undefined);
    expect(profiles.length).toBeGreaterThan(10);
    expect(checkAll(ctx, profiles)).toBeGreaterThan(50);
  });

  test('the closures answer as the generated tests do', () => {
    const { ctx } = rulesSetup();
    const navigator = new SliceNavigator(ctx, new SemanticWalker(ctx));
    const nodeAt = (s: ProfileNode, p: string) => navigator.nodeAt(s, p);
    const sd = ctx.profiles('http://example.org/fhir/StructureDefinition/ambiguous-identifiers') as StructureDefinition;
    const root = plannerFor(ctx).plan(profileTree(sd)?.root as ProfileNode, sd.type, sd.type, false);
    const generated = generateWalk([root], { model: ctx.model, nodeAt });
    const linked = new Function('P', 'Q', 'H', generated.body)(generated.plans, generated.properties, WALK_HELPERS) as LinkedWalk;
    expect(linked.matchers.length).toBeGreaterThan(0);
    for (const [q, matchers] of linked.matchers) {
      const sliced = generated.properties[q].child as ProfileNode;
      const closures = sliceTests(sliced, nodeAt);
      for (const item of itemsFor(sliced, nodeAt)) expect(closures.map((t) => t?.(item))).toEqual(matchers.map((t) => t?.(item)));
    }
  });
});
