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
 * A slice's discriminators as a test made ahead: true (in the slice), false (not), or undefined (left to
 * the discriminators here). Made once per sliced element, as a closure (sliceTests) or as generated code
 * (walk-codegen.ts), from the same FixedDiscriminators.
 */
export type SliceTest = (item: unknown) => boolean | undefined;

/** A value or pattern discriminator along plain property names (none: `$this`) whose element in the slice fixes a primitive value. */
export interface FixedDiscriminator {
  readonly names: readonly string[];
  readonly fixed: string | number | boolean;
}

const PLAIN_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

/**
 * A slice's discriminators as FixedDiscriminators, when every one is such (what the discriminators below
 * then compare with ===: a test decides without reading paths or definitions); else undefined.
 */
export function fixedDiscriminators(slice: ProfileNode, discriminators: ReadonlyArray<{ type: string; path: string }>, nodeAt: (slice: ProfileNode, path: string) => ProfileNode | undefined): FixedDiscriminator[] | undefined {
  if (discriminators.length === 0) return undefined;
  const out: FixedDiscriminator[] = [];
  for (const d of discriminators) {
    if (d.type !== 'value' && d.type !== 'pattern') return undefined;
    const path = d.path.trim();
    if (path !== '$this' && !PLAIN_PATH.test(path)) return undefined;
    const fixed = nodeAt(slice, path)?.fixed?.value;
    if (typeof fixed !== 'string' && typeof fixed !== 'number' && typeof fixed !== 'boolean') return undefined;
    out.push({ names: path === '$this' ? [] : path.split('.'), fixed });
  }
  return out;
}

/** The slice tests of a sliced element, by slice index (null where a slice's discriminators are not all fixed values). */
export function sliceTests(sliced: ProfileNode, nodeAt: (slice: ProfileNode, path: string) => ProfileNode | undefined): Array<SliceTest | null> {
  const discriminators = sliced.def.slicing?.discriminator ?? [];
  return sliced.slices.map((slice) => {
    const fixed = fixedDiscriminators(slice, discriminators, nodeAt);
    return fixed ? (item: unknown) => passesFixed(item, fixed) : null;
  });
}

/** What generated code's test does (walk-codegen.ts discriminatorTest), one discriminator after another. */
function passesFixed(item: unknown, discriminators: readonly FixedDiscriminator[]): boolean | undefined {
  for (const { names, fixed } of discriminators) {
    if (names.length === 0) {
      if (item !== fixed) return false;
      continue;
    }
    if (names.length === 1) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
      if (!(names[0] in item)) return undefined;
      const found = (item as Record<string, unknown>)[names[0]];
      if (Array.isArray(found) ? !found.includes(fixed) : found !== fixed) return false;
      continue;
    }
    const found = valuesAlong(item, names);
    if (found === undefined) return undefined;
    if (!found.includes(fixed)) return false;
  }
  return true;
}

/** The values along plain property names, or undefined where a name is absent (the discriminators below may find a choice by its stem). */
export function valuesAlong(item: unknown, names: readonly string[]): unknown[] | undefined {
  let values: unknown[] = [item];
  for (const name of names) {
    const next: unknown[] = [];
    for (const v of values) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
      if (!(name in v)) return undefined;
      const x = (v as Record<string, unknown>)[name];
      if (Array.isArray(x)) next.push(...(x as unknown[]));
      else if (x !== undefined) next.push(x);
    }
    values = next;
  }
  return values;
}

/**
 * Assigns the items of a sliced element (the array at `location`) to its slices and checks the slicing
 * rules. `tests`: per slice (by index), a test of its discriminators made ahead, tried first.
 */
export function assignSlices(sliced: ProfileNode, items: unknown[], location: string, itemLocation: (i: number) => string, oracle: SliceOracle, tests?: ReadonlyArray<SliceTest | null>): SliceAssignment {
  const slicing = sliced.def.slicing;
  const issues: ValidationIssue[] = [];
  // Per item, the index of its slice (-1: none); per slice, how many items it took.
  const taken: number[] = [];
  const counts = new Array<number>(sliced.slices.length).fill(0);
  let undefinedSlices: Set<ProfileNode> | undefined;
  const discriminators = slicing?.discriminator ?? [];
  // Matching first, without reasons: they are written (below) only for the items an issue is about.
  for (const item of items) {
    let first = -1;
    let more: number[] | undefined;
    let values: ItemValues | undefined;
    for (let k = 0; k < sliced.slices.length; k++) {
      const test = tests?.[k]?.(item);
      let matches = test === true;
      if (test === undefined) {
        const reason = sliceMismatch(sliced.slices[k], (values ??= new ItemValues(item, discriminators, oracle)), discriminators, oracle, false);
        if (reason === NO_CRITERION) (undefinedSlices ??= new Set()).add(sliced.slices[k]);
        matches = reason === undefined;
      }
      if (!matches) continue;
      if (first < 0) first = k;
      else (more ??= []).push(k);
    }
    // The first matching slice in definition order takes the item; more than one match is the profile's ambiguity, reported.
    if (more) {
      const names = [first, ...more].map((k) => `'${sliced.slices[k].def.sliceName}'`).join(', ');
      issues.push(ruleIssue('slice-multiple-match', itemLocation(taken.length), `item matches more than one slice of ${sliced.id}: ${names}; taken as '${sliced.slices[first].def.sliceName}'`));
    }
    taken.push(first);
    if (first >= 0) counts[first]++;
  }
  for (const slice of undefinedSlices ?? [])
    issues.push(
      ruleIssue(
        'slice-discriminator-undefined',
        location,
        `slice '${slice.def.sliceName}' of ${sliced.id} has no fixed value, pattern, required binding or existence rule at its value discriminator: no item can match it`,
      ),
    );
  // Slice cardinalities.
  sliced.slices.forEach((slice, k) => {
    const count = counts[k];
    const min = slice.def.min ?? 0;
    const max = slice.def.max ?? '*';
    if (count < min) issues.push(ruleIssue('slice-cardinality', location, `slice '${slice.def.sliceName}' requires at least ${min} item(s), found ${count}`));
    if (max !== '*' && count > Number(max)) issues.push(ruleIssue('slice-cardinality', location, `slice '${slice.def.sliceName}' allows at most ${max} item(s), found ${count}`));
  });
  const rules = slicing?.rules ?? 'open';
  const lastMatched = taken.findLastIndex((k) => k >= 0);
  let highestSlice = -1;
  for (let i = 0; i < taken.length; i++) {
    const order = taken[i];
    if (order < 0) {
      if (rules === 'closed') issues.push(ruleIssue('slice-closed', itemLocation(i), `item matches no slice of closed slicing ${sliced.id}${tried(sliced, items[i], discriminators, oracle)}`));
      else if (rules === 'openAtEnd' && i < lastMatched)
        issues.push(ruleIssue('slice-open-at-end', itemLocation(i), `item matches no slice but comes before sliced items (slicing ${sliced.id} is openAtEnd)${tried(sliced, items[i], discriminators, oracle)}`));
      continue;
    }
    if (slicing?.ordered && order < highestSlice) issues.push(ruleIssue('slice-order', itemLocation(i), `item of slice '${sliced.slices[order].def.sliceName}' is out of order (slicing ${sliced.id} is ordered)`));
    highestSlice = Math.max(highestSlice, order);
  }
  return { slices: taken.map((k) => (k < 0 ? undefined : sliced.slices[k])), issues };
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
      // A path ending in resolve() leads to a resource's root element, which names no type: its profile's type is the type.
      const allowed = isRoot(node) ? [node.profile.type] : (node.def.type ?? []).map((t) => t.code);
      const v = values.find((x) => x.type !== undefined && (allowed.includes(x.type) || allowed.includes('Resource')));
      return v ? undefined : `${at} is of type ${values.map((x) => x.type ?? 'unknown').join(', ')}, the slice wants ${allowed.join(' | ')}`;
    }
    case 'profile': {
      if (values.length === 0) return `${at} is missing`;
      // At a resolved target (a root element), the profile is the one that element belongs to.
      const profiles = isRoot(node) ? [node.profile.url] : (node.def.type ?? []).flatMap((t) => [t.profile, t.targetProfile]).filter((p): p is string => typeof p === 'string');
      const reasons = values.map((v) => oracle.profileMismatch(v, profiles, node));
      return reasons.some((r) => r === undefined) ? undefined : `${at}: ${reasons[0]}`;
    }
    default:
      return `unsupported discriminator type ${String((d as { type: unknown }).type)}`;
  }
}


/** A resource's root element (no dot in its path), where a discriminator path ending in resolve() arrives. */
const isRoot = (node: ProfileNode): boolean => !node.def.path.includes('.');

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
