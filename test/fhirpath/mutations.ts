/**
 * Payload mutations for the differential test, as fast-check arbitraries: a field removed, duplicated (a
 * single value made a pair, an array item repeated), or altered (a primitive replaced by another value:
 * the string literals of the invariants, dates at every precision, numbers, booleans, values of another
 * JSON type).
 */
import fc from 'fast-check';

export type Edit = { at: number; kind: 'remove' | 'duplicate' } | { at: number; kind: 'alter'; value: unknown };

const DATES = ['2010', '2010-05', '2010-05-01', '2010-05-01T10:00:00Z', '2010-05-01T12:00:00+02:00', '2010-05-01T10:00:00.5Z', '2009-12-31T23:59:59-05:00', '2010-13-01', 'not a date'];
const OTHERS: unknown[] = [0, 1, -1, 1.5, 100, true, false, '', 'x', '#x', { id: 'x' }, [], null];

export function mutations(vocabulary: readonly string[]): fc.Arbitrary<Edit[]> {
  const values = fc.oneof(fc.constantFrom(...new Set(vocabulary)), fc.constantFrom(...DATES), fc.constantFrom(...OTHERS));
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ at: fc.nat(), kind: fc.constantFrom('remove' as const, 'duplicate' as const) }),
    fc.record({ at: fc.nat(), kind: fc.constant('alter' as const), value: values }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 });
}

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slots(value: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(value))
    value.forEach((v, i) => {
      out.push({ parent: value, key: i });
      slots(v, out);
    });
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) {
      if (k === 'resourceType') continue;
      out.push({ parent: value as Record<string, unknown>, key: k });
      slots(v, out);
    }
  return out;
}

/** A copy of the payload with the edits applied, each at a slot chosen by its index (modulo the slots there are then). */
export function mutate(payload: Record<string, unknown>, edits: readonly Edit[]): Record<string, unknown> {
  const copy = structuredClone(payload);
  for (const e of edits) {
    const all = slots(copy);
    if (all.length === 0) break;
    const { parent, key } = all[e.at % all.length];
    const get = () => (Array.isArray(parent) ? parent[key as number] : parent[key as string]);
    const set = (v: unknown) => {
      if (Array.isArray(parent)) parent[key as number] = v;
      else parent[key as string] = v;
    };
    if (e.kind === 'remove') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (e.kind === 'duplicate') {
      const v = get();
      if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(v));
      else set(Array.isArray(v) ? [...v, ...structuredClone(v)] : [v, structuredClone(v)]);
    } else if (e.kind === 'alter') {
      const v = get();
      if (typeof v !== 'object' || v === null) set(structuredClone(e.value));
      else if (!Array.isArray(v)) set({});
    }
  }
  return copy;
}
