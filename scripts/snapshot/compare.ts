/**
 * Compares a generated snapshot with a published one, element by element, on what decides conformance:
 * id, path, cardinality, types (code, profile, targetProfile), binding (strength, value set), fixed and
 * pattern values, slicing and mustSupport. Used by `snapshot --compare` and the oracle test.
 */
import type { ElementDefinition } from '../model/fhir.js';
import { canonicalJson } from '../util/values.js';

export interface ElementDifference {
  id: string;
  /** Which aspect differs: `missing` (only in the published snapshot), `extra` (only in ours), or a field name. */
  aspect: string;
  expected?: string;
  actual?: string;
}

export interface SnapshotComparison {
  total: number;
  identical: number;
  differences: ElementDifference[];
}

const canonical = canonicalJson;

/** The aspects compared, each as a function giving a comparable string. */
const aspects: Record<string, (e: ElementDefinition) => string> = {
  path: (e) => e.path,
  min: (e) => String(e.min ?? ''),
  max: (e) => e.max ?? '',
  type: (e) => canonical((e.type ?? []).map((t) => ({ code: t.code, profile: t.profile, targetProfile: t.targetProfile }))),
  binding: (e) => (e.binding ? canonical({ strength: e.binding.strength, valueSet: e.binding.valueSetReference?.reference ?? e.binding.valueSetUri }) : ''),
  fixed: (e) => canonical(valueFields(e, 'fixed')),
  pattern: (e) => canonical(valueFields(e, 'pattern')),
  slicing: (e) =>
    e.slicing
      ? canonical({
          discriminator: (e.slicing.discriminator ?? []).map((d) => ({ type: d.type, path: d.path })),
          ordered: e.slicing.ordered ?? false,
          rules: e.slicing.rules ?? 'open',
        })
      : '',
  mustSupport: (e) => String(e.mustSupport ?? false),
};

function valueFields(e: ElementDefinition, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (k.startsWith(prefix) && /[A-Z]/.test(k.charAt(prefix.length))) out[k] = v;
  return out;
}

/**
 * An element id with both STU3 spellings of a type-restricted choice reduced to one: `value[x]:valueCode`
 * and `valueCode:valueCode` both become `valueCode` (Forge writes both, sometimes within one snapshot).
 */
export function normaliseId(id: string): string {
  return id
    .split('.')
    .map((seg) => {
      const [name, slice] = seg.split(':', 2);
      if (slice !== undefined && (slice === name || (name.endsWith('[x]') && slice.startsWith(name.slice(0, -3))))) return slice;
      return seg;
    })
    .join('.');
}

export function compareSnapshots(expected: ElementDefinition[], actual: ElementDefinition[]): SnapshotComparison {
  const ours = new Map(actual.map((e) => [normaliseId(e.id ?? e.path), e]));
  const theirs = new Map(expected.map((e) => [normaliseId(e.id ?? e.path), e]));
  const differences: ElementDifference[] = [];
  let identical = 0;
  for (const [id, exp] of theirs) {
    const act = ours.get(id);
    if (!act) {
      differences.push({ id, aspect: 'missing' });
      continue;
    }
    let same = true;
    for (const [aspect, get] of Object.entries(aspects)) {
      const e = get(exp);
      const a = get(act);
      if (e !== a) {
        same = false;
        differences.push({ id, aspect, expected: e, actual: a });
      }
    }
    if (same) identical++;
  }
  for (const id of ours.keys()) if (!theirs.has(id)) differences.push({ id, aspect: 'extra' });
  const total = new Set([...ours.keys(), ...theirs.keys()]).size;
  return { total, identical, differences };
}
