/**
 * The JSON locator's places (json-locate.ts) found through the parsed value instead of a scan of the text,
 * for the common payload whose value is JSON.parse's value of the text and whose property names are all
 * written without escapes. Paths are followed on the value (an object's resourceType is known before its
 * members), which ends each at a property of some object (or an item of its array, or the root). That
 * property's key is then found in the text by counting: JSON.parse keeps the members of an object in the
 * order written, so a key is the n-th property of its name in the text when the value, walked in document
 * order, has n-1 properties of that name before it; and in JSON text an unescaped `"name"` followed by `:`
 * is always a property name (a quote inside a string is escaped, and after a closing quote comes no
 * letter). The walk reads objects only (no character of the text); the keys are then found in one pass over
 * the text's `:` (a native search), up to the last one asked for.
 *
 * Not answered (undefined: the caller scans instead): an object with a key that is an array index
 * (`"0"`: V8 lists those first, not in the order written), or a place not found where expected.
 */
import { isObject } from '../../util/values.js';
import type { Step } from './json-paths.js';
import { isEscaped, skipFrom, skipSpace } from './json-text.js';

/** A place: the root value, or the property `key` of `owner` (its item `item` when indexed). */
interface Place {
  owner: object;
  key: string;
  item: number | undefined;
}

const COLON = 0x3a;

/** The offset of each path's place in `text`, or undefined when this way cannot tell (see above). */
export function treeOffsets(text: string, value: object, paths: readonly Step[][]): Array<number | undefined> | undefined {
  const root = skipSpace(text, 0);
  const places = paths.map((steps) => placeOf(value, steps));
  const wanted = new Map<string, Map<object, number>>();
  for (const p of places) if (p) keyRanks(wanted, p.key).set(p.owner, 0);
  if (wanted.size > 0 && !rankKeys(value, wanted)) return undefined;
  const escapes = text.includes('\\');
  const keyOffsets = keyOffsetsByRank(text, wanted, escapes);
  if (!keyOffsets) return undefined;
  const out: Array<number | undefined> = [];
  for (const p of places) {
    if (!p) {
      out.push(root);
      continue;
    }
    const keyAt = keyOffsets.get(p.key)?.get(wanted.get(p.key)?.get(p.owner) ?? 0);
    if (keyAt === undefined) return undefined;
    out.push(p.item === undefined ? keyAt : itemOffset(text, keyAt, p.key, p.item, escapes));
  }
  return out;
}

function keyRanks(wanted: Map<string, Map<object, number>>, key: string): Map<object, number> {
  let ranks = wanted.get(key);
  if (!ranks) wanted.set(key, (ranks = new Map()));
  return ranks;
}

/**
 * Where a path ends on the value (undefined: the root), by the locator's rules: a name looked up as
 * `name`, else `_name`; a resource type step passed over where the object's resourceType is that type; an
 * array entered at its item `[n]` (the first when not indexed; the place the item only when indexed); a
 * function call passed over; the deepest place that exists.
 */
function placeOf(value: object, steps: readonly Step[]): Place | undefined {
  let node: unknown = value;
  let place: Place | undefined;
  for (const step of steps) {
    if (step === 'pass') continue;
    if (step === 'stop' || !isObject(node)) break;
    if (step.upper && node.resourceType === step.name) continue;
    const key = Object.hasOwn(node, step.name) ? step.name : Object.hasOwn(node, step.underscored) ? step.underscored : undefined;
    if (key === undefined) break;
    const member = node[key];
    place = { owner: node, key, item: undefined };
    if (!Array.isArray(member)) {
      node = member;
      continue;
    }
    const i = step.index ?? 0;
    if (i >= member.length) break;
    if (step.index !== undefined) place = { owner: node, key, item: i };
    node = member[i];
  }
  return place;
}

/**
 * Sets, for each wanted (key, owner), how many properties of that key come before it in document order,
 * itself included; false when the order of an object's keys may not be the order written.
 */
function rankKeys(value: object, wanted: Map<string, Map<object, number>>): boolean {
  let open = 0;
  for (const ranks of wanted.values()) open += ranks.size;
  const seen = new Map<string, number>();
  const visit = (node: unknown): boolean => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && open > 0; i++) if (!visit(node[i])) return false;
      return true;
    }
    if (typeof node !== 'object' || node === null) return true;
    for (const key in node) {
      const first = key.charCodeAt(0);
      // An array-index key is listed before the others whatever its place in the text.
      if (first >= 0x30 && first <= 0x39) return false;
      const ranks = wanted.get(key);
      if (ranks) {
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        if (ranks.get(node) === 0) {
          ranks.set(node, n);
          if (--open === 0) return true;
        }
      }
      if (!visit((node as Record<string, unknown>)[key])) return false;
      if (open === 0) return true;
    }
    return true;
  };
  return visit(value) && open === 0;
}

/**
 * For each wanted key, the offset of its n-th property in the text for each rank n asked (undefined: fewer
 * found than asked). One pass over the text's `:` finds every property name in document order: a `:`
 * after an unescaped quote (white space between) ends a key when that quote closes a string; when it opens
 * one (a string value that starts with `:`), what lies between it and the quote before is white space and
 * JSON punctuation, which is no property name asked for.
 */
function keyOffsetsByRank(text: string, wanted: Map<string, Map<object, number>>, escapes: boolean): Map<string, Map<number, number>> | undefined {
  const counts = new Map<string, KeyCount>();
  // By length: most keys of the text are not asked for, and are told apart without a string made.
  const byLength: KeyCount[][] = [];
  let open = 0;
  for (const [key, ranks] of wanted) {
    const order = [...new Set(ranks.values())].sort((a, b) => a - b);
    const count = { key, order, seen: 0, next: 0, offsets: new Map<number, number>() };
    counts.set(key, count);
    (byLength[key.length] ??= []).push(count);
    open += order.length;
  }
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    let close = i - 1;
    for (let c = text.charCodeAt(close); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(--close));
    if (text.charCodeAt(close) !== 0x22 || (escapes && isEscaped(text, close))) continue;
    const quote = text.lastIndexOf('"', close - 1);
    const count = keyCountAt(text, quote, byLength[close - quote - 1]);
    if (!count || ++count.seen !== count.order[count.next]) continue;
    count.offsets.set(count.order[count.next++], quote);
    // Stopped here, not by the loop's test: its next search would read on to the end of the text.
    if (--open === 0) break;
  }
  if (open > 0) return undefined;
  const out = new Map<string, Map<number, number>>();
  for (const [key, count] of counts) out.set(key, count.offsets);
  return out;
}

/** The count of the key written after the quote at `quote`, among those of its length. */
function keyCountAt(text: string, quote: number, sameLength: KeyCount[] | undefined): KeyCount | undefined {
  if (sameLength) for (let k = 0; k < sameLength.length; k++) if (text.startsWith(sameLength[k].key, quote + 1)) return sameLength[k];
  return undefined;
}

/** Where the pass stands for one key: the ranks asked (ascending), properties of the name seen, the next rank to find. */
interface KeyCount {
  key: string;
  order: number[];
  seen: number;
  next: number;
  offsets: Map<number, number>;
}

/** The offset of item `item` of the array that is the value of the property written `"key"` at `keyAt`. */
function itemOffset(text: string, keyAt: number, key: string, item: number, escapes: boolean): number {
  // Past the key, its `:` and the array's `[`.
  let i = skipSpace(text, skipSpace(text, keyAt + key.length + 2) + 1) + 1;
  for (let k = 0; k < item; k++) {
    i = skipSpace(text, i);
    i = skipValue(text, i, escapes);
    i = skipSpace(text, i) + 1;
  }
  return skipSpace(text, i);
}

/** The offset after the value at `i`. */
function skipValue(text: string, i: number, escapes: boolean): number {
  const first = text.charCodeAt(i);
  if (first !== 0x22 && first !== 0x7b && first !== 0x5b) {
    // A number or literal.
    for (let c = first; i < text.length && c !== 0x2c && c !== 0x7d && c !== 0x5d && c > 0x20; c = text.charCodeAt(++i));
    return i;
  }
  return skipFrom(text, i, 0, escapes);
}

