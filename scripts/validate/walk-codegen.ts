/**
 * The semantic walk as code: plans (node-plan.ts) generated into JavaScript, one function per plan. A
 * function does what the interpreter (semantic.ts `visit`) does at that plan, with every decision the plan
 * fixed taken out: only the checks the element has are called (no tests for an absent binding or for
 * invariants it does not have), its JSON properties are a `switch` whose cases call the child elements'
 * functions directly, and the discriminators of its slicings are tests on the item (`item.url === "..."`)
 * where they compare a fixed primitive value along plain property names. What needs the definitions at run
 * time (invariants bound to their evaluators, prepared bindings, reference targets, unsliced extensions
 * looked up by url, slice cardinality and order) stays in the walker, called through `WalkHooks`.
 *
 * The same source serves twice: the build emits it for a package's profiles (walk-module.ts), and a
 * validator generates it in-process for the plans it meets that have none. Its behaviour is the
 * interpreter's, issue for issue and in the same order (test/validate/walk-codegen.test.ts compares them).
 */
import type { ElementModel } from '../resolve/element-model.js';
import { indexSuffix } from '../util/text.js';
import type { NodePlan, PropertyPlan, WalkFunction } from './node-plan.js';
import type { ProfileNode } from './profile-tree.js';
import { fixedDiscriminators, valuesAlong, type SliceTest } from './slicing.js';


/** What generated code is linked with: the plans and property plans it names, by index. */
export interface WalkTables {
  readonly plans: NodePlan[];
  readonly properties: PropertyPlan[];
}

/** Generated source: a function body of (P, Q, H) returning `{ walks, matchers }`, and the tables it indexes. */
export interface GeneratedWalk extends WalkTables {
  readonly body: string;
  /** Per property plan, the plan it belongs to (by index) and its JSON name. */
  readonly owners: ReadonlyArray<readonly [plan: number, key: string]>;
}

/** What a body returns once evaluated: the walk of each plan (by index) and the slice tests of sliced properties. */
export interface LinkedWalk {
  walks: WalkFunction[];
  matchers: Array<[property: number, matchers: Array<SliceTest | null>]>;
}

export interface WalkGeneratorInput {
  readonly model: ElementModel;
  /** The element at a discriminator path below a slice (the walker's navigator). */
  readonly nodeAt: (slice: ProfileNode, path: string) => ProfileNode | undefined;
  /** Plans already walked by code elsewhere: called through the walker rather than generated again. */
  readonly known?: (plan: NodePlan) => boolean;
}

/** Helpers of generated code (the `H` argument of a body). */
export const WALK_HELPERS = {
  index: indexSuffix,
  /** The values along plain property names (slicing.ts). */
  path: valuesAlong,
};

/** Generates the functions of the plans reachable from `roots` (those `known` excepted), in a deterministic order. */
export function generateWalk(roots: readonly NodePlan[], input: WalkGeneratorInput): GeneratedWalk {
  return new WalkGenerator(input).generate(roots);
}

class WalkGenerator {
  private readonly plans: NodePlan[] = [];
  private readonly planIndex = new Map<NodePlan, number>();
  private readonly properties: PropertyPlan[] = [];
  private readonly propertyIndex = new Map<PropertyPlan, number>();
  private readonly owners: Array<readonly [number, string]> = [];
  private readonly functions: string[] = [];
  private readonly matchers: string[] = [];
  private readonly matcherTables: string[] = [];
  private readonly keyTables: string[] = [];
  private readonly queue: NodePlan[] = [];

  constructor(private readonly input: WalkGeneratorInput) {}

  generate(roots: readonly NodePlan[]): GeneratedWalk {
    for (const root of roots) this.ref(root);
    const generated = new Set<number>();
    for (let plan = this.queue.shift(); plan; plan = this.queue.shift()) {
      const i = this.planIndex.get(plan) as number;
      generated.add(i);
      this.functions.push(this.planFunction(plan, i));
    }
    const body = [
      ...this.plans.map((_, i) => `const p${i} = P[${i}];`),
      ...this.properties.map((_, i) => `const q${i} = Q[${i}];`),
      ...this.keyTables,
      ...this.matchers,
      ...this.functions,
      `return { walks: [${this.plans.map((_, i) => (generated.has(i) ? `w${i}` : 'null')).join(', ')}], matchers: [${this.matcherTables.join(', ')}] };`,
    ].join('\n');
    return { body, plans: this.plans, properties: this.properties, owners: this.owners };
  }

  /** The index of a plan, queued for generation when first met (unless walked elsewhere). */
  private ref(plan: NodePlan): number {
    let i = this.planIndex.get(plan);
    if (i === undefined) {
      i = this.plans.length;
      this.plans.push(plan);
      this.planIndex.set(plan, i);
      if (!this.input.known?.(plan)) this.queue.push(plan);
    }
    return i;
  }

  private generated(plan: NodePlan): boolean {
    return !this.input.known?.(plan);
  }

  private propertyRef(property: PropertyPlan, owner: number, key: string): number {
    let i = this.propertyIndex.get(property);
    if (i === undefined) {
      i = this.properties.length;
      this.properties.push(property);
      this.propertyIndex.set(property, i);
      this.owners.push([owner, key]);
    }
    return i;
  }

  private planFunction(plan: NodePlan, i: number): string {
    const p = `p${i}`;
    const lines = [`function w${i}(v, loc, s, w) {`, '  w.tick();'];
    if (plan.invariants.length > 0) {
      const onObjects = plan.invariantsOnObjects ? ' && typeof v === "object" && v !== null && !Array.isArray(v)' : '';
      lines.push(`  if (w.inv${onObjects}) w.invariants(${p}, v, loc, s);`);
    }
    if (plan.binding) lines.push(`  w.binding(${p}, v, loc);`);
    if (plan.type === 'Coding') lines.push('  w.coding(v, loc);');
    else if (plan.type === 'xhtml') lines.push('  w.narrative(v, loc);');
    else if (plan.referenceTargets) lines.push(`  w.reference(${p}, v, loc, s);`);
    if (plan.source) {
      // The switch is over each property's number in a Map made once: a switch over the names themselves
      // compares the key with each name in turn.
      const cases: string[] = [];
      const entries: Array<[string, number]> = [];
      for (const key of this.propertyNames(plan)) {
        // Choice names the profile does not allow share one case, which reports them.
        if (plan.property(key)?.wrongChoice) {
          entries.push([key, -1]);
          continue;
        }
        const code = this.propertyCase(plan, i, key);
        if (!code) continue;
        cases.push(`      case ${cases.length}: ${code}`);
        entries.push([key, cases.length - 1]);
      }
      if (entries.some(([, n]) => n === -1)) cases.push(`      case -1: w.wrongChoice(p${i}, k, loc + "." + k); break;`);
      this.keyTables.push(`const k${i} = new Map(${JSON.stringify(entries)});`);
      lines.push(
        '  if (typeof v !== "object" || v === null || Array.isArray(v)) return;',
        '  for (const k in v) {',
        '    const x = v[k];',
        `    switch (k${i}.get(k)) {`,
        ...cases,
        '      case undefined:',
        `        if (k.charCodeAt(0) === 95) w.primitiveExtensions(x, loc + "." + k.slice(1), ${JSON.stringify(plan.ctxKey)}, k.slice(1), s);`,
        '    }',
        '  }',
      );
      if (plan.requiredSlices.length > 0) lines.push(`  w.missingSlices(${p}, v, loc);`);
    }
    lines.push('}');
    return lines.join('\n');
  }

  /** The JSON names of the plan's context (every concrete choice name included), in definition order. */
  private propertyNames(plan: NodePlan): string[] {
    const names = this.input.model.context(plan.ctxKey)?.properties.keys();
    return names ? [...names].filter((k) => k !== 'resourceType' && k !== 'fhir_comments') : [];
  }

  /** One case of the switch (undefined: the property needs nothing, as in the interpreter). */
  private propertyCase(plan: NodePlan, i: number, key: string): string | undefined {
    const property = plan.property(key);
    if (!property) return undefined;
    const p = `p${i}`;
    const at = `loc + ${JSON.stringify(`.${key}`)}`;
    const qi = this.propertyRef(property, i, key);
    const q = `q${qi}`;
    // Extensions are checked against their contexts whether or not the profile has the element.
    const contexts = property.extension ? `w.extensionContexts(${p}, v, x, loc, l, s); ` : '';
    if (!property.child) return contexts ? `{ const l = ${at}; ${contexts}break; }` : undefined;
    if (property.sliced || property.extension || property.resource) {
      this.queueItems(property);
      if (property.sliced && !property.resource) this.sliceMatchers(property, qi);
      return `{ const l = ${at}; ${contexts}w.property(${p}, ${q}, x, l, s); break; }`;
    }
    const child = property.item();
    const c = this.ref(child);
    const call = (value: string, location: string) => (this.generated(child) ? `w${c}(${value}, ${location}, s, w)` : `w.visit(p${c}, ${value}, ${location}, s)`);
    // A plain leaf with nothing to check is passed over before its location is made, as the interpreter does.
    const inert = property.primitiveInert() ? 'if (typeof x !== "object" || x === null) break; ' : '';
    return `{ ${inert}const l = ${at}; if (Array.isArray(x)) for (let i = 0; i < x.length; i++) ${call('x[i]', 'l + H.index(i)')}; else ${call('x', 'l')}; break; }`;
  }

  /** The plans a generically walked property reaches: its slices' and (not for extensions and resources, looked up at run time) its items'. */
  private queueItems(property: PropertyPlan): void {
    const child = property.child as ProfileNode;
    if (property.resource) return;
    if (property.sliced) for (const slice of child.slices) this.ref(property.slice(slice));
    if (!property.extension) this.ref(property.item());
  }

  /** Slice tests of a sliced property, one per slice (null where a slice's discriminators are not made tests). */
  private sliceMatchers(property: PropertyPlan, q: number): void {
    const child = property.child as ProfileNode;
    const discriminators = child.def.slicing?.discriminator ?? [];
    const tests = child.slices.map((slice) => this.sliceTest(slice, discriminators));
    if (tests.every((t) => t === undefined)) return;
    const names = tests.map((test) => {
      if (test === undefined) return 'null';
      const name = `m${this.matchers.length}`;
      this.matchers.push(`function ${name}(it) {\n${test}\n}`);
      return name;
    });
    this.matcherTables.push(`[${q}, [${names.join(', ')}]]`);
  }

  /** A slice's discriminators as one test, when they are all FixedDiscriminators (slicing.ts). */
  private sliceTest(slice: ProfileNode, discriminators: ReadonlyArray<{ type: string; path: string }>): string | undefined {
    const fixed = fixedDiscriminators(slice, discriminators, this.input.nodeAt);
    if (!fixed) return undefined;
    return [...fixed.map((d, n) => discriminatorTest(d.names, JSON.stringify(d.fixed), n)), '  return true;'].join('\n');
  }
}

/** One discriminator's test, returning early unless the item passes it (`n`: a unique suffix for its variables). */
function discriminatorTest(names: readonly string[], fixed: string, n: number): string {
  if (names.length === 0) return `  if (it !== ${fixed}) return false;`;
  if (names.length === 1) {
    const name = JSON.stringify(names[0]);
    return [
      '  if (typeof it !== "object" || it === null || Array.isArray(it)) return false;',
      `  if (!(${name} in it)) return undefined;`,
      `  const a${n} = it[${name}];`,
      `  if (Array.isArray(a${n}) ? !a${n}.includes(${fixed}) : a${n} !== ${fixed}) return false;`,
    ].join('\n');
  }
  return [`  const a${n} = H.path(it, ${JSON.stringify(names)});`, `  if (a${n} === undefined) return undefined;`, `  if (!a${n}.includes(${fixed})) return false;`].join('\n');
}
