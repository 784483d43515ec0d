/**
 * Finding the place in JSON text that a FHIRPath location names (`Bundle.entry[2].resource.name[0].given[1]`),
 * for a line and column: the deepest node on the path that exists. Names are JSON property names (choice
 * elements as `valueQuantity`), `[n]` an array item (a name without one, on an array, goes on into its first
 * item), a primitive's extension is looked up under `_name` when `name` is absent, a resource type step
 * (`entry[0].resource.Patient`) is passed over where the object's resourceType is that type, and a function
 * call (`ofType(Patient)`) is passed over. The place is a property's name, or an array item.
 *
 * One forward scan of the text answers every location asked at once, and costs in proportion to what is
 * asked: objects on the asked paths are read member by member, every other value is jumped over (string
 * bodies by indexOf), and the scan stops once the last answer is known; lines are then counted only up to
 * the offsets found. (A syntax tree of the whole text, as jsonc-parser builds, cost several times JSON.parse
 * per payload with issues.) The text is JSON its readers accepted; other text gets a best effort.
 */
import type { LineColumn } from '../line-index.js';
import { BoundedMemo } from '../../util/bounded-memo.js';
import { skipFrom } from './json-text.js';
import { treeOffsets, type JsonTree } from './json-tree-locate.js';
import { ObjectPaths, parseSteps, splitSteps, type Pending, type Step, type Variant } from './json-paths.js';

/** A function from FHIRPath location to line and column in `text` (undefined when the text holds no JSON value). */
export function jsonLocator(text: string): (expression: string) => LineColumn | undefined {
  return (expression) => locateJsonPaths(text, [expression])[0];
}

/** The same for a field of a JSON document by its printed path (`changes[2].resources[0]`, `release`), for a file's findings. */
export function jsonFieldLocator(text: string): (path: string) => LineColumn | undefined {
  return (path) => placesOf(text, [parseSteps(splitSteps(path))])[0];
}

/**
 * The line and column of each FHIRPath location (`Patient.name[0]`, or relative to the root: `name[0]`), in
 * one scan of the text; or, given the reader's `tree` (JSON.parse's value of the text and where its names
 * end), found through the value where it can tell (json-tree-locate.ts), the same places.
 */
export function locateJsonPaths(text: string, expressions: readonly string[], tree?: JsonTree): Array<LineColumn | undefined> {
  return placesOf(
    text,
    expressions.map((expression) => LOCATION_STEPS.get(expression, () => locationSteps(expression)) as Step[]),
    tree,
  );
}

/** Steps by location: the same locations come back payload after payload (never changed once made). */
const LOCATION_STEPS = new BoundedMemo<Step[]>();

function locationSteps(expression: string): Step[] {
  const path = splitSteps(expression);
  // A location starts with the resource type (`Patient.name[0]`) unless it is relative to the root.
  return parseSteps(/^[A-Z]/.test(path[0] ?? '') ? path.slice(1) : path);
}

function placesOf(text: string, paths: Step[][], tree?: JsonTree): Array<LineColumn | undefined> {
  const offsets = (tree && treeOffsets(text, tree, paths)) || new PathScan(text).offsets(paths);
  return linesAt(text, offsets);
}

/** Line and column of each offset (undefined stays undefined), counting line breaks once up to the last. */
function linesAt(text: string, offsets: Array<number | undefined>): Array<LineColumn | undefined> {
  const order = offsets.map((_, k) => k).filter((k) => offsets[k] !== undefined);
  order.sort((a, b) => (offsets[a] as number) - (offsets[b] as number));
  const out: Array<LineColumn | undefined> = offsets.map(() => undefined);
  let line = 1;
  let lineStart = 0;
  let next = text.indexOf('\n');
  for (const k of order) {
    const offset = offsets[k] as number;
    while (next >= 0 && next < offset) {
      line++;
      lineStart = next + 1;
      next = text.indexOf('\n', lineStart);
    }
    out[k] = { line, column: offset - lineStart + 1 };
  }
  return out;
}

/** Thrown when every path has its place: the rest of the text is not read. */
class AllPlaced {}

class PathScan {
  private pos = 0;
  private open = 0;
  private readonly escapes: boolean;

  constructor(private readonly text: string) {
    this.escapes = text.includes('\\');
  }

  offsets(paths: Step[][]): Array<number | undefined> {
    const out: Array<number | undefined> = paths.map(() => undefined);
    this.skipSpace();
    if (this.pos >= this.text.length) return out;
    const root = this.pos;
    const pendings = paths.map((steps, k): Pending => ({
      steps,
      k: 0,
      offset: root,
      done: (offset) => void ((out[k] = offset), this.open--),
      placed: false,
    }));
    this.open = pendings.length;
    try {
      this.value(pendings);
    } catch (e) {
      if (!(e instanceof AllPlaced)) throw e;
    }
    // Text that ends early (not JSON) may leave a path open: at the root.
    return out.map((offset) => offset ?? root);
  }

  /** The value at `pos` with the paths that reach it; leaves `pos` after it. */
  private value(pendings: Pending[]): void {
    const c = this.text.charCodeAt(this.pos);
    const live = pendings.filter((p) => this.passSteps(p, c === 0x7b));
    if (live.length === 0) {
      if (this.open === 0) throw new AllPlaced();
      this.skipValue();
    } else this.object(live);
  }

  /** Passes over the steps that need no lookup; false when the path ends here (its place given). */
  private passSteps(p: Pending, isObject: boolean): boolean {
    for (; p.k < p.steps.length; p.k++) {
      const step = p.steps[p.k];
      if (step === 'pass') continue;
      if (step !== 'stop' && isObject) return true;
      break;
    }
    p.done(p.offset);
    return false;
  }

  /** An object that paths look into: its members read one by one, the asked ones entered, the rest jumped once every path has its place. */
  private object(pendings: Pending[]): void {
    const paths = new ObjectPaths(pendings);
    this.pos++;
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 0x22) break;
      const keyAt = this.pos;
      const key = this.string();
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) break;
      this.pos++;
      this.skipSpace();
      const type = key === 'resourceType' && !paths.typeKnown;
      if (type) paths.sawType(this.text.charCodeAt(this.pos) === 0x22 ? this.peekString() : undefined);
      const matched = paths.lookingFor(key);
      this.member(key, keyAt, matched);
      paths.settle(type ? paths.variants : matched, false);
      if (this.open === 0) throw new AllPlaced();
      if (paths.unresolved === 0) {
        // Nothing more to find here: the other members are jumped together, to the object's end.
        this.pos = skipFrom(this.text, this.pos, 1, this.escapes);
        return;
      }
      if (!this.afterValue()) break;
    }
    if (this.text.charCodeAt(this.pos) === 0x7d) this.pos++;
    paths.settle(paths.variants, true);
  }

  /** Enters the member's value with the variants that look it up (the first `name`, or `_name`, of the object). */
  private member(key: string, keyAt: number, variants: readonly Variant[]): void {
    const children: Array<{ index: number | undefined; pending: Pending }> = [];
    for (const v of variants) {
      if (!v.step) continue;
      const own = key === v.step.name && !v.seenOwn;
      if (!own && (v.seenUnder || key !== v.step.underscored)) continue;
      if (own) v.seenOwn = true;
      else v.seenUnder = true;
      const done = own ? (offset: number) => void (v.own = offset) : (offset: number) => void (v.under = offset);
      children.push({ index: v.step.index, pending: { steps: v.pending.steps, k: v.k + 1, offset: keyAt, done, placed: false } });
    }
    if (children.length === 0) this.skipValue();
    else if (this.text.charCodeAt(this.pos) === 0x5b) this.array(children);
    else this.value(children.map((c) => c.pending));
  }

  /** An array a path goes through: into item `index` (the first without one; the place is the item when indexed). */
  private array(children: Array<{ index: number | undefined; pending: Pending }>): void {
    const targets = [...children].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    let next = 0;
    this.pos++;
    this.skipSpace();
    for (let i = 0; next < targets.length && this.text.charCodeAt(this.pos) !== 0x5d && this.pos < this.text.length; i++) {
      if ((targets[next].index ?? 0) !== i) this.skipValue();
      else {
        const itemAt = this.pos;
        const here: Pending[] = [];
        for (; next < targets.length && (targets[next].index ?? 0) === i; next++) {
          const { index, pending } = targets[next];
          here.push({ ...pending, offset: index === undefined ? pending.offset : itemAt });
        }
        this.value(here);
      }
      if (this.open === 0) throw new AllPlaced();
      if (!this.afterValue()) break;
    }
    // The items after the last one asked for are jumped together, to the array's end.
    this.pos = skipFrom(this.text, this.pos, 1, this.escapes);
    // An item that is not there: the place stays the property's name.
    for (; next < targets.length; next++) targets[next].pending.done(targets[next].pending.offset);
  }

  /** After a member or item: past a `,` (true), or at the container's end or a syntax error (false). */
  private afterValue(): boolean {
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== 0x2c) return false;
    this.pos++;
    this.skipSpace();
    return true;
  }

  /** The value of the string token at `pos` (escapes decoded), `pos` left where it was. */
  private peekString(): string {
    const start = this.pos;
    const value = this.string();
    this.pos = start;
    return value;
  }

  /** A string token's value (escapes decoded). */
  private string(): string {
    const start = this.pos;
    this.skipValue();
    const raw = this.text.slice(start + 1, this.pos - 1);
    if (!raw.includes('\\')) return raw;
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      return raw;
    }
  }

  /** Jumps over the value at `pos`. */
  private skipValue(): void {
    const text = this.text;
    let i = this.pos;
    const first = text.charCodeAt(i);
    if (first === 0x22 || first === 0x7b || first === 0x5b) this.pos = skipFrom(this.text, i, 0, this.escapes);
    else {
      // A number or literal (or, in text that is not JSON, whatever is there).
      while (i < text.length && !isEndOfScalar(text.charCodeAt(i))) i++;
      this.pos = i;
    }
  }

  private skipSpace(): void {
    const text = this.text;
    let i = this.pos;
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
    this.pos = i;
  }
}

function isEndOfScalar(c: number): boolean {
  return c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
