/**
 * How a differential element (or a type profile's root element) is merged onto a snapshot element:
 * one rule per field, so adding a field's behaviour is adding an entry. Text replaces; constraints,
 * mappings, aliases and conditions append; cardinality, types and binding strength only tighten
 * (the loosening itself is reported by the profile checks, which see the same pair of elements).
 */
import { fieldsOf, type ElementDefinition, type ElementDefinitionConstraint, type ElementDefinitionType } from '../model/fhir.js';

export interface MergeOptions {
  /** Canonical URL of the profile the constraint comes from, recorded as `constraint.source`. */
  source?: string;
}

type FieldRule = (target: ElementDefinition, value: unknown, key: string, opts: MergeOptions) => void;

const replace: FieldRule = (target, value, key) => {
  fieldsOf(target)[key] = structuredClone(value);
};
const ignore: FieldRule = () => {};

function appendUnique<T>(existing: T[] | undefined, added: T[], same: (a: T, b: T) => boolean): T[] {
  const out = existing ? [...existing] : [];
  for (const item of added) if (!out.some((e) => same(e, item))) out.push(structuredClone(item));
  return out;
}

const bindingRank = { required: 0, extensible: 1, preferred: 2, example: 3 } as const;

export function maxToNumber(max: string | undefined): number {
  return max === undefined || max === '*' ? Infinity : Number(max);
}

/** Per-field rules; fields not listed replace. */
const rules: Record<string, FieldRule> = {
  id: ignore,
  path: ignore,
  base: ignore,
  min: (t, v) => {
    t.min = Math.max(t.min ?? 0, v as number);
  },
  max: (t, v) => {
    t.max = maxToNumber(v as string) <= maxToNumber(t.max) ? (v as string) : t.max;
  },
  alias: (t, v) => {
    t.alias = appendUnique(t.alias, v as string[], (a, b) => a === b);
  },
  condition: (t, v) => {
    t.condition = appendUnique(t.condition, v as string[], (a, b) => a === b);
  },
  mapping: (t, v) => {
    t.mapping = appendUnique(t.mapping, v as NonNullable<ElementDefinition['mapping']>, (a, b) => a.identity === b.identity && a.map === b.map);
  },
  constraint: (t, v, _k, opts) => {
    const added = (v as ElementDefinitionConstraint[]).map((c) => (c.source || !opts.source ? c : { ...c, source: opts.source }));
    t.constraint = appendUnique(t.constraint, added, (a, b) => a.key === b.key);
  },
  binding: (t, v) => {
    const b = structuredClone(v as NonNullable<ElementDefinition['binding']>);
    if (t.binding && bindingRank[b.strength] > bindingRank[t.binding.strength]) b.strength = t.binding.strength;
    if (t.binding && !b.valueSetReference && !b.valueSetUri) {
      if (t.binding.valueSetReference) b.valueSetReference = t.binding.valueSetReference;
      if (t.binding.valueSetUri) b.valueSetUri = t.binding.valueSetUri;
    }
    t.binding = b;
  },
  type: (t, v) => {
    t.type = tightenTypes(t.type, v as ElementDefinitionType[]);
  },
  slicing: (t, v) => {
    const s = structuredClone(v as NonNullable<ElementDefinition['slicing']>);
    const inherited = t.slicing;
    if (inherited) {
      if (inherited.rules === 'closed') s.rules = 'closed';
      if (inherited.ordered) s.ordered = true;
      if (!s.discriminator && inherited.discriminator) s.discriminator = inherited.discriminator;
    }
    t.slicing = s;
  },
};

/** Types narrow: a differential type list keeps only codes the base allows (profiles and targets may be added). */
export function tightenTypes(base: ElementDefinitionType[] | undefined, diff: ElementDefinitionType[]): ElementDefinitionType[] {
  if (!base || base.length === 0) return structuredClone(diff);
  const allowed = new Set(base.map((t) => t.code));
  const kept = diff.filter((t) => allowed.has(t.code) || allowed.has('*') || allowed.has('Resource'));
  return structuredClone(kept.length > 0 ? kept : diff);
}

const valuePrefixes = ['fixed', 'pattern', 'defaultValue', 'minValue', 'maxValue'];

function valuePrefix(key: string): string | undefined {
  return valuePrefixes.find((p) => key.startsWith(p) && key.length > p.length && /[A-Z]/.test(key[p.length]));
}

/** Merges `source` onto `target` in place. */
export function mergeElement(target: ElementDefinition, source: ElementDefinition, opts: MergeOptions = {}): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const prefix = valuePrefix(key);
    if (prefix) {
      // A choice value replaces any other type of the same choice (`fixedCode` replaces `fixedString`).
      for (const k of Object.keys(target)) if (valuePrefix(k) === prefix) delete fieldsOf(target)[k];
      replace(target, value, key, opts);
      continue;
    }
    (rules[key] ?? replace)(target, value, key, opts);
  }
}

/** Fields a type profile's root element (an extension or data-type profile) contributes to the element using it. */
const profileRootFields = ['short', 'definition', 'comment', 'requirements', 'alias', 'min', 'max', 'constraint', 'isModifier', 'mapping'] as const;

export function mergeProfileRoot(target: ElementDefinition, root: ElementDefinition, opts: MergeOptions = {}): void {
  const picked: ElementDefinition = { path: target.path };
  for (const f of profileRootFields) if (root[f] !== undefined) fieldsOf(picked)[f] = root[f];
  mergeElement(target, picked, opts);
}
