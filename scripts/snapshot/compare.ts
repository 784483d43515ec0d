/**
 * Compares a generated snapshot with a published one, element by element, on every field that decides
 * conformance: path, cardinality, types (code, profile, targetProfile), binding (strength, value set),
 * fixed and pattern values, slicing, sliceName, constraints (by key: severity and expression), condition,
 * isModifier, maxLength and mustSupport. Text (short, definition, comments) and mappings are not compared.
 * Used by `snapshot --compare`, the oracle test and the benchmark (see agreement.ts for the two figures).
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

const sortedUnique = (values: string[] | undefined): string[] => [...new Set(values ?? [])].sort();

/** The aspects compared, each as a function giving a comparable string (`normalised`: choice spellings as one). */
export const comparedAspects: Readonly<Record<string, (e: ElementDefinition, normalised: boolean) => string>> = {
  path: (e) => e.path,
  // Forge's `value[x]:valueCode` names a renamed choice with a sliceName repeating its name: the same element as `valueCode`.
  sliceName: (e, normalised) => (normalised && e.sliceName === e.path.slice(e.path.lastIndexOf('.') + 1) ? '' : (e.sliceName ?? '')),
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
  // By key: the order of constraints carries no meaning, their text is not conformance.
  constraint: (e) =>
    canonical(
      [...(e.constraint ?? [])]
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((c) => ({ key: c.key, severity: c.severity, expression: c.expression })),
    ),
  condition: (e) => sortedUnique(e.condition).join(' '),
  isModifier: (e) => String(e.isModifier ?? false),
  maxLength: (e) => String(e.maxLength ?? ''),
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
  if (!id.includes(':')) return id;
  return id
    .split('.')
    .map((seg) => {
      const colon = seg.indexOf(':');
      if (colon < 0) return seg;
      const name = seg.slice(0, colon);
      const slice = seg.slice(colon + 1);
      if (slice === name || (name.endsWith('[x]') && isChoiceRename(name.slice(0, -3), slice))) return slice;
      return seg;
    })
    .join('.');
}

/** `valueCode` renames `value[x]`: the stem followed by a type name (upper case first). */
function isChoiceRename(stem: string, name: string): boolean {
  return name.length > stem.length && name.startsWith(stem) && /[A-Z]/.test(name.charAt(stem.length)) && !name.includes('/');
}

export interface CompareOptions {
  /** Match elements by their normalised id (normaliseId) rather than exactly. */
  normaliseIds?: boolean;
}

export function compareSnapshots(expected: ElementDefinition[], actual: ElementDefinition[], opts: CompareOptions = {}): SnapshotComparison {
  const key = (e: ElementDefinition) => (opts.normaliseIds ? normaliseId(e.id ?? e.path) : (e.id ?? e.path));
  const ours = new Map(actual.map((e) => [key(e), e]));
  const theirs = new Map(expected.map((e) => [key(e), e]));
  const differences: ElementDifference[] = [];
  let identical = 0;
  for (const [id, exp] of theirs) {
    const act = ours.get(id);
    if (!act) {
      differences.push({ id, aspect: 'missing' });
      continue;
    }
    let same = true;
    for (const [aspect, get] of Object.entries(comparedAspects)) {
      const e = get(exp, !!opts.normaliseIds);
      const a = get(act, !!opts.normaliseIds);
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
