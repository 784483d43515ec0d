/**
 * The paths the JSON locator (json-locate.ts) follows: FHIRPath locations split into steps, and the ways a
 * path can go in one object. A resource type step (`resource.Patient`) is passed over where the object's
 * resourceType is that type and looked up as a property where it is not; the scan reads an object's
 * members in order, so the resourceType may come after the member a path needs: each way is followed
 * under its condition on the resourceType, and the one that holds gives the place.
 */

/** A step of a path: a property (with an optional index), one passed over, or one where the search stops. */
export type Step = Lookup | 'pass' | 'stop';

/** A property step: `name` (or `_name`, its primitive extension), item `index` of an array. */
export interface Lookup {
  name: string;
  underscored: string;
  index: number | undefined;
  upper: boolean;
}

export function parseSteps(segments: string[]): Step[] {
  return segments.map((segment) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$/.exec(segment);
    if (!m) return /^[A-Za-z]+\(.*\)$/.test(segment) ? 'pass' : 'stop';
    const [, name, index] = m as unknown as [string, string, string | undefined];
    return { name, underscored: `_${name}`, index: index === undefined ? undefined : Number(index), upper: /^[A-Z]/.test(name) };
  });
}

/** The steps of a FHIRPath, split at dots outside parentheses and quotes. */
export function splitSteps(expression: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'" && expression[i - 1] !== '\\') quote = !quote;
    else if (!quote && c === '(') depth++;
    else if (!quote && c === ')') depth--;
    else if (!quote && depth === 0 && c === '.') {
      out.push(expression.slice(start, i));
      start = i + 1;
    }
  }
  out.push(expression.slice(start));
  return out;
}

/** A path being followed: at step `k`, its place so far `offset`. */
export interface Pending {
  steps: Step[];
  k: number;
  offset: number;
  done: (offset: number) => void;
  /** Given its place (in the object it looks into: a pending path visits one). */
  placed: boolean;
}

/** One way a pending path can go in an object, which holds when the object's resourceType meets `cond`. */
export interface Variant {
  pending: Pending;
  cond: Cond;
  /** The step it looks up; undefined: it ends in this object, at the pending's offset. */
  step?: Lookup;
  k: number;
  /** The place found under `name`, under `_name`. */
  own?: number;
  under?: number;
  seenOwn: boolean;
  seenUnder: boolean;
}

/** resourceType must equal `eq` (when set) and none of `neq`. */
interface Cond {
  eq?: string;
  neq: string[];
}

const holds = (cond: Cond, type: string | undefined) => (cond.eq === undefined || cond.eq === type) && !(type !== undefined && cond.neq.includes(type));

/** Paths into one object beyond which its members are looked up by a map (below, every path is asked about every member). */
const MAP_FROM = 8;

/**
 * The paths looking into one object, by the member names they look up (so a member costs one map lookup
 * however many paths there are), and which of them have their place.
 */
export class ObjectPaths {
  readonly variants: Variant[] = [];
  unresolved: number;
  typeKnown = false;
  private type: string | undefined;
  private readonly byName: Map<string, Variant[]> | undefined;

  constructor(pendings: readonly Pending[]) {
    for (const p of pendings) expand(p, p.k, { neq: [] }, this.variants);
    this.unresolved = pendings.length;
    if (this.variants.length >= MAP_FROM) {
      this.byName = new Map();
      for (const v of this.variants) if (v.step) for (const name of [v.step.name, v.step.underscored]) this.byNameAdd(name, v);
    }
    this.settle(this.variants, false);
  }

  private byNameAdd(name: string, v: Variant): void {
    const list = this.byName?.get(name);
    if (list) list.push(v);
    else this.byName?.set(name, [v]);
  }

  /** The variants that may look up `key` (all of them, when there are few). */
  lookingFor(key: string): readonly Variant[] {
    return this.byName ? (this.byName.get(key) ?? []) : this.variants;
  }

  sawType(type: string | undefined): void {
    this.typeKnown = true;
    this.type = type;
  }

  /**
   * Gives a path its place once known: a variant that depends on the resourceType only once it is known,
   * one that found only `_name` at the object's end (`final`: `name` may come later).
   */
  settle(variants: readonly Variant[], final: boolean): void {
    for (const v of variants) {
      if (v.pending.placed) continue;
      if (!(this.typeKnown || final) && (v.cond.eq !== undefined || v.cond.neq.length > 0)) continue;
      if (!holds(v.cond, this.type)) continue;
      const place = !v.step ? v.pending.offset : v.seenOwn ? v.own : final ? (v.under ?? v.pending.offset) : undefined;
      if (place === undefined) continue;
      v.pending.placed = true;
      this.unresolved--;
      v.pending.done(place);
    }
  }
}

/** The ways a path at step `k` of an object can go: a resource type step is passed over where resourceType is that type, and looked up where it is not. */
function expand(p: Pending, k: number, cond: Cond, out: Variant[]): void {
  for (; k < p.steps.length; k++) {
    const step = p.steps[k];
    if (step === 'pass') continue;
    if (step === 'stop') break;
    if (step.upper) {
      if (cond.eq === undefined && !cond.neq.includes(step.name)) expand(p, k + 1, { eq: step.name, neq: cond.neq }, out);
      else if (cond.eq === step.name) continue;
      if (cond.eq === undefined) cond = { neq: [...cond.neq, step.name] };
    }
    out.push({ pending: p, cond, step, k, seenOwn: false, seenUnder: false });
    return;
  }
  out.push({ pending: p, cond, k, seenOwn: false, seenUnder: false });
}

