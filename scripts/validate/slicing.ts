/**
 * Slicing: which slice each item of a sliced array belongs to (by its discriminators: value, pattern,
 * type, profile, exists; paths such as `url`, `system`, `code.coding.system`, `extension('url')`,
 * `resolve()`), then the slice cardinalities and the `closed`/`openAtEnd`/`ordered` rules. Every issue
 * says why: an unmatched item in a closed slicing lists each slice tried and what failed in it.
 */
import type { ElementDefinitionDiscriminator } from '../model/fhir.js';
import type { ValidationIssue } from './issues.js';
import { ruleIssue } from './policy.js';
import type { ProfileNode } from './profile-tree.js';

/** A value found at a discriminator path, with its FHIR type where the JSON says it. */
export interface PathValue {
  value: unknown;
  type?: string;
}

/** What slicing needs from the walker: navigation on both sides and conformance of a value to a node or profile. */
export interface SliceOracle {
  /** The definition node at a discriminator path below a slice, unfolding types and profiles as needed. */
  nodeAt(slice: ProfileNode, path: string): ProfileNode | undefined;
  /** The values at a discriminator path in an item. */
  valuesAt(item: unknown, path: string): PathValue[];
  /** What a value/pattern discriminator compares at this node of a slice; undefined when the slice defines nothing there. */
  criterion(node: ProfileNode): ValueCriterion | undefined;
  /**
   * Fixed/pattern/binding agreement: a reason when the value does not match what the node defines, undefined
   * when it does. `explain` false: any string will do (the reason is not shown, so it is not written).
   */
  valueMismatch(node: ProfileNode, value: PathValue, kind: 'value' | 'pattern', explain: boolean): string | undefined;
  /** A reason when the value does not conform to the profile (or to the slice definition itself). */
  profileMismatch(value: PathValue, profiles: string[], node: ProfileNode): string | undefined;
}

/**
 * What a slice states at a value/pattern discriminator's element: a fixed value or pattern, a required
 * binding (membership), fixed values or patterns on the element's children (compared as one pattern), or
 * only its existence (min >= 1) or absence (max 0).
 */
export type ValueCriterion = 'fixed' | 'binding' | 'children' | 'exists' | 'absent';

/** A slice whose discriminator element states nothing to compare: it cannot be told apart, and matches no item. */
const NO_CRITERION = Symbol('no criterion');

export interface SliceAssignment {
  /** Per item, the slice it belongs to (undefined: no slice). */
  readonly slices: Array<ProfileNode | undefined>;
  readonly issues: ValidationIssue[];
}

/**
 * A slice's discriminators as a test made ahead (walk-codegen.ts): true (in the slice), false (not), or
 * undefined (left to the discriminators here).
 */
export type SliceTest = (item: unknown) => boolean | undefined;

/**
 * Assigns the items of a sliced element (the array at `location`) to its slices and checks the slicing
 * rules. `tests`: per slice (by index), a test of its discriminators made ahead, tried first.
 */
export function assignSlices(sliced: ProfileNode, items: unknown[], location: string, itemLocation: (i: number) => string, oracle: SliceOracle, tests?: ReadonlyArray<SliceTest | null>): SliceAssignment {
  const slicing = sliced.def.slicing;
  const issues: ValidationIssue[] = [];
  const slices: Array<ProfileNode | undefined> = [];
  const undefinedSlices = new Set<ProfileNode>();
  const discriminators = slicing?.discriminator ?? [];
  // Matching first, without reasons: they are written (below) only for the items an issue is about.
  for (const item of items) {
    const matched: ProfileNode[] = [];
    const values = new ItemValues(item, discriminators, oracle);
    for (let k = 0; k < sliced.slices.length; k++) {
      const slice = sliced.slices[k];
      const test = tests?.[k]?.(item);
      if (test === true) matched.push(slice);
      if (test !== undefined) continue;
      const reason = sliceMismatch(slice, values, discriminators, oracle, false);
      if (reason === undefined) matched.push(slice);
      else if (reason === NO_CRITERION) undefinedSlices.add(slice);
    }
    // The first matching slice in definition order takes the item; more than one match is the profile's ambiguity, reported.
    if (matched.length > 1)
      issues.push(ruleIssue('slice-multiple-match', itemLocation(slices.length), `item matches more than one slice of ${sliced.id}: ${matched.map((s) => `'${s.def.sliceName}'`).join(', ')}; taken as '${matched[0].def.sliceName}'`));
    slices.push(matched[0]);
  }
  for (const slice of undefinedSlices)
    issues.push(
      ruleIssue(
        'slice-discriminator-undefined',
        location,
        `slice '${slice.def.sliceName}' of ${sliced.id} has no fixed value, pattern, required binding or existence rule at its value discriminator: no item can match it`,
      ),
    );
  // Slice cardinalities.
  for (const slice of sliced.slices) {
    const count = slices.filter((s) => s === slice).length;
    const min = slice.def.min ?? 0;
    const max = slice.def.max ?? '*';
    if (count < min) issues.push(ruleIssue('slice-cardinality', location, `slice '${slice.def.sliceName}' requires at least ${min} item(s), found ${count}`));
    if (max !== '*' && count > Number(max)) issues.push(ruleIssue('slice-cardinality', location, `slice '${slice.def.sliceName}' allows at most ${max} item(s), found ${count}`));
  }
  const rules = slicing?.rules ?? 'open';
  let lastMatched = -1;
  slices.forEach((s, i) => {
    if (s) lastMatched = i;
  });
  let highestSlice = -1;
  slices.forEach((s, i) => {
    if (!s) {
      if (rules === 'closed') issues.push(ruleIssue('slice-closed', itemLocation(i), `item matches no slice of closed slicing ${sliced.id}${tried(sliced, items[i], discriminators, oracle)}`));
      else if (rules === 'openAtEnd' && i < lastMatched)
        issues.push(ruleIssue('slice-open-at-end', itemLocation(i), `item matches no slice but comes before sliced items (slicing ${sliced.id} is openAtEnd)${tried(sliced, items[i], discriminators, oracle)}`));
      return;
    }
    const order = sliced.slices.indexOf(s);
    if (slicing?.ordered && order < highestSlice) issues.push(ruleIssue('slice-order', itemLocation(i), `item of slice '${s.def.sliceName}' is out of order (slicing ${sliced.id} is ordered)`));
    highestSlice = Math.max(highestSlice, order);
  });
  return { slices, issues };
}

/** Why an item matches none of the slices, slice by slice: ` (tried ...)`. */
function tried(sliced: ProfileNode, item: unknown, discriminators: ElementDefinitionDiscriminator[], oracle: SliceOracle): string {
  const why: string[] = [];
  const values = new ItemValues(item, discriminators, oracle);
  for (const slice of sliced.slices) {
    const reason = sliceMismatch(slice, values, discriminators, oracle, true);
    if (reason === NO_CRITERION) why.push(`${slice.def.sliceName}: the slice states no value to compare`);
    else if (reason !== undefined) why.push(`${slice.def.sliceName}: ${reason}`);
  }
  return why.length ? ` (tried ${why.join('; ')})` : ' (no slices defined)';
}

/** Not written when not asked for: a reason no one reads. */
export const UNEXPLAINED = 'no match';

/**
 * One item's values at each discriminator path, read when first asked: every slice is tried on the same
 * paths of the same item.
 */
class ItemValues {
  private readonly found: Array<PathValue[] | undefined>;

  constructor(
    readonly item: unknown,
    private readonly discriminators: ElementDefinitionDiscriminator[],
    private readonly oracle: SliceOracle,
  ) {
    this.found = new Array<PathValue[] | undefined>(discriminators.length);
  }

  at(k: number): PathValue[] {
    return (this.found[k] ??= this.oracle.valuesAt(this.item, this.discriminators[k].path));
  }
}

/** Why an item is not in a slice (undefined when it is). With no discriminator, the item must conform to the slice. */
function sliceMismatch(slice: ProfileNode, item: ItemValues, discriminators: ElementDefinitionDiscriminator[], oracle: SliceOracle, explain: boolean): string | typeof NO_CRITERION | undefined {
  if (discriminators.length === 0) return oracle.profileMismatch({ value: item.item }, [], slice);
  for (let k = 0; k < discriminators.length; k++) {
    const reason = discriminatorMismatch(slice, item.at(k), discriminators[k], oracle, explain);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function discriminatorMismatch(slice: ProfileNode, values: PathValue[], d: ElementDefinitionDiscriminator, oracle: SliceOracle, explain: boolean): string | typeof NO_CRITERION | undefined {
  const node = oracle.nodeAt(slice, d.path);
  const at = !explain ? UNEXPLAINED : d.path === '$this' ? 'the item' : `'${d.path}'`;
  if (!node) return `discriminator path '${d.path}' is not defined in the slice`;
  switch (d.type) {
    case 'exists': {
      const wanted = (node.def.min ?? 0) >= 1 ? true : node.def.max === '0' ? false : undefined;
      if (wanted === true && values.length === 0) return `${at} must exist`;
      if (wanted === false && values.length > 0) return `${at} must not exist`;
      return undefined;
    }
    case 'value':
    case 'pattern': {
      const criterion = oracle.criterion(node);
      if (criterion === undefined) return NO_CRITERION;
      if (criterion === 'absent') return values.length === 0 ? undefined : `${at} must not exist`;
      if (values.length === 0) return `${at} is missing`;
      if (criterion === 'exists') return undefined;
      if (!explain) return values.some((v) => oracle.valueMismatch(node, v, d.type as 'value' | 'pattern', false) === undefined) ? undefined : UNEXPLAINED;
      const reasons = values.map((v) => oracle.valueMismatch(node, v, d.type as 'value' | 'pattern', true));
      return reasons.some((r) => r === undefined) ? undefined : `${at}: ${reasons[0]}`;
    }
    case 'type': {
      if (values.length === 0) return `${at} is missing`;
      const allowed = (node.def.type ?? []).map((t) => t.code);
      const v = values.find((x) => x.type !== undefined && (allowed.includes(x.type) || allowed.includes('Resource')));
      return v ? undefined : `${at} is of type ${values.map((x) => x.type ?? 'unknown').join(', ')}, the slice wants ${allowed.join(' | ')}`;
    }
    case 'profile': {
      if (values.length === 0) return `${at} is missing`;
      const profiles = (node.def.type ?? []).flatMap((t) => [t.profile, t.targetProfile]).filter((p): p is string => typeof p === 'string');
      const reasons = values.map((v) => oracle.profileMismatch(v, profiles, node));
      return reasons.some((r) => r === undefined) ? undefined : `${at}: ${reasons[0]}`;
    }
    default:
      return `unsupported discriminator type ${String((d as { type: unknown }).type)}`;
  }
}


/** `pattern` semantics: every property the pattern gives is present with the same value (arrays: each pattern item matches some item). */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) return Array.isArray(value) && pattern.every((p) => value.some((v) => matchesPattern(v, p)));
  if (typeof pattern === 'object' && pattern !== null) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const v = value as Record<string, unknown>;
    return Object.entries(pattern as Record<string, unknown>).every(([k, p]) => matchesPattern(Array.isArray(p) && !Array.isArray(v[k]) && v[k] !== undefined ? [v[k]] : v[k], p));
  }
  return value === pattern;
}

/** `fixed` semantics: exactly equal (deep). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
