/**
 * The JSON locator's places (json-locate.ts) found through the parsed value instead of a scan of the text,
 * for the common payload whose value is JSON.parse's value of the text and whose property names are all
 * written without escapes. Paths are followed on the value (an object's resourceType is known before its
 * members), which ends each at a property of some object (or an item of its array, or the root). That
 * property's key is then found by counting: JSON.parse keeps the members of an object in the order written,
 * so a property is the k-th name of the text when the value, walked in document order, has k-1 names
 * before it; and the reader found the closing quote of every name, in document order, when it looked for
 * duplicate names (parse-json-fast.ts). The walk reads objects only, and no character of the text is read
 * but the name found.
 *
 * Not answered (undefined: the caller scans instead): an object with a key that is an array index
 * (`"0"`: V8 lists those first, not in the order written), or a place not found where expected.
 */
import { isObject } from '../../util/values.js';
import type { Step } from './json-paths.js';
import type { NameOffsets } from './parse-json.js';
import { skipFrom, skipSpace } from './json-text.js';

/** A place: the root value, or the property `key` of `owner` (its item `item` when indexed). */
interface Place {
  owner: object;
  key: string;
  item: number | undefined;
}

/** JSON.parse's value of a text whose property names are written without escapes, and the offset of each name's closing quote in document order (parse-json-fast.ts). */
export interface JsonTree {
  readonly value: object;
  readonly keyEnds: NameOffsets;
}

/** The offset of each path's place in `text`, or undefined when this way cannot tell (see above). */
export function treeOffsets(text: string, tree: JsonTree, paths: readonly Step[][]): Array<number | undefined> | undefined {
  const root = skipSpace(text, 0);
  const places = paths.map((steps) => placeOf(tree.value, steps));
  // Per object holding a place: its keys asked for, each with its rank among the text's names (-1: not yet known).
  const wanted = new Map<object, Map<string, number>>();
  let open = 0;
  for (const p of places) {
    if (!p) continue;
    let keys = wanted.get(p.owner);
    if (!keys) wanted.set(p.owner, (keys = new Map()));
    if (!keys.has(p.key)) {
      keys.set(p.key, -1);
      open++;
    }
  }
  if (open > 0 && !rankNames(tree.value, wanted, open)) return undefined;
  let escapes: boolean | undefined;
  const out: Array<number | undefined> = [];
  for (const p of places) {
    if (!p) {
      out.push(root);
      continue;
    }
    const end = tree.keyEnds[wanted.get(p.owner)?.get(p.key) ?? -1];
    const keyAt = end === undefined ? -1 : end - p.key.length - 1;
    if (keyAt < 0 || text.charCodeAt(keyAt) !== 0x22 || !text.startsWith(p.key, keyAt + 1)) return undefined;
    out.push(p.item === undefined ? keyAt : itemOffset(text, keyAt, p.key, p.item, (escapes ??= text.includes('\\'))));
  }
  return out;
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
 * Sets each wanted (owner, key) to how many property names come before it in document order (the walk
 * visits a key, then its value); false when the order of an object's keys may not be the order written.
 */
function rankNames(value: object, wanted: Map<object, Map<string, number>>, open: number): boolean {
  const ranking = new NameRanking(wanted, open);
  return ranking.visit(value) && ranking.open === 0;
}

/** rankNames' walk: its count of names so far and of wanted places still open (a class, not a closure made per call). */
class NameRanking {
  names = 0;

  constructor(
    private readonly wanted: Map<object, Map<string, number>>,
    public open: number,
  ) {}

  visit(node: unknown): boolean {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && this.open > 0; i++) if (!this.visit(node[i])) return false;
      return true;
    }
    if (typeof node !== 'object' || node === null) return true;
    const keys = this.wanted.get(node);
    for (const key in node) {
      const first = key.charCodeAt(0);
      // An array-index key is listed before the others whatever its place in the text.
      if (first >= 0x30 && first <= 0x39) return false;
      if (keys !== undefined && keys.get(key) === -1) {
        keys.set(key, this.names);
        if (--this.open === 0) return true;
      }
      this.names++;
      if (!this.visit((node as Record<string, unknown>)[key])) return false;
      if (this.open === 0) return true;
    }
    return true;
  }
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

