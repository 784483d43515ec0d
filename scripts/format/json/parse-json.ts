/**
 * A strict JSON parser for FHIR payloads: the values JSON.parse gives, plus what JSON.parse throws away
 * and FHIR needs kept or refused.
 *
 * - Numbers keep their text: a number whose text is not what `String(value)` would give (`1.10`, `3.0`,
 *   `0.0000001`, `12345678901234567890.12`, `1e400`) has that text recorded on its container under
 *   NUMBER_TEXT (numberText() reads it), so a decimal keeps its precision through validation and
 *   conversion and is judged by what was written, not by a double's rendering.
 * - Duplicate keys, `__proto__`/`constructor`/`prototype` keys, control characters and lone surrogates
 *   written as escapes in strings are each a problem with its offset and path; parsing carries on (the
 *   first of duplicate keys is kept), so one read shows all of them.
 * - Nesting deeper than `maxDepth` stops the parse with a problem: the parser recurses once per level,
 *   so the limit bounds its stack, and the error of a malformed document is located in the same pass
 *   (no second parser, no unbounded recursion).
 *
 * Hand-written because no JSON parser on npm does these together at close to JSON.parse's speed
 * (lossless-json and json-bigint keep numbers but are several times slower; jsonc-parser builds a
 * syntax tree first). The grammar is RFC 8259's, nothing more: no comments, trailing commas, or
 * leading byte order mark. Payloads with none of the above are read by JSON.parse instead, where checks
 * prove this parser would add nothing (parse-json-fast.ts).
 */
import { NUMBER_TEXT, recordNumberText } from '../../model/number-text.js';
import { loneSurrogateAt } from '../../util/text.js';

export { NUMBER_TEXT };

export type JsonProblemKind = 'duplicate-key' | 'forbidden-key' | 'control-character' | 'lone-surrogate';

/** Something refused in a document that still parses. */
export interface JsonProblem {
  kind: JsonProblemKind;
  /** Offset of the key or string in the text. */
  offset: number;
  /** Keys and indexes from the root to the value concerned. */
  path: Array<string | number>;
  /** The key concerned (duplicate or forbidden keys). */
  key?: string;
  /** The character concerned (control characters, lone surrogates). */
  codePoint?: number;
}

/** Why the text is not JSON (or nests too deep), and where. */
export interface JsonSyntaxError {
  message: string;
  offset: number;
  tooDeep?: boolean;
}

/** Offsets of the property names of a text, in document order (json-tree-locate.ts reads them). */
export type NameOffsets = ArrayLike<number>;

export interface ParsedJson {
  value?: unknown;
  /**
   * Set by parseJsonFast (parse-json-fast.ts) when the value is JSON.parse's value of the text and every
   * property name is written in it without an escape: the offset of each name's closing quote, in document order.
   */
  keyEnds?: NameOffsets;
  error?: JsonSyntaxError;
  problems: JsonProblem[];
}

export interface ParseJsonOptions {
  /** Deepest nesting of objects and arrays accepted. */
  maxDepth: number;
  /** Problems recorded at most (parsing goes on, counting none). */
  maxProblems?: number;
  /** Called for every object once it is complete, with the offset of its `{` and its path (for readers that record where nodes came from). */
  onObject?: (object: Record<string, unknown>, offset: number, path: ReadonlyArray<string | number>) => void;
}

/** `Patient.name[0].family` from a root (the resource type, or '') and the keys and indexes below it. */
export function expressionOf(root: string, path: ReadonlyArray<string | number>): string {
  let out = root;
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

/** Keys that reach an object's prototype when assigned. */
const isForbiddenKey = (key: string) => key === '__proto__' || key === 'constructor' || key === 'prototype';

/**
 * Property names seen, by hash: a cache of strings only (a name found here is the same text as the one
 * read), so sharing it between payloads changes nothing but allocation.
 */
const KEY_CACHE_SIZE = 4096;
const MAX_CACHED_KEY = 64;
const KEY_CACHE: Array<string | undefined> = new Array<string | undefined>(KEY_CACHE_SIZE).fill(undefined);

class Stop {
  constructor(readonly error: JsonSyntaxError) {}
}

/** Parses a whole JSON text. Never throws. */
export function parseJson(text: string, options: ParseJsonOptions): ParsedJson {
  const parser = new Parser(text, options.maxDepth, options.maxProblems ?? 1000, options.onObject);
  try {
    parser.skipSpace();
    const value = parser.value(0);
    parser.skipSpace();
    if (parser.pos < text.length) parser.fail(`unexpected ${parser.describe()} after the JSON value`);
    return { value, problems: parser.problems };
  } catch (e) {
    if (e instanceof Stop) return { error: e.error, problems: parser.problems };
    throw e;
  }
}

class Parser {
  pos = 0;
  readonly problems: JsonProblem[] = [];
  /** The key or index at each level, for a problem's path. */
  private readonly path: Array<string | number> = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly maxProblems: number,
    private readonly onObject: ParseJsonOptions['onObject'],
  ) {}

  value(depth: number): unknown {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x22) return this.string(depth);
    if (c === 0x7b) return this.object(depth);
    if (c === 0x5b) return this.array(depth);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number(undefined, 0);
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x6e) return this.literal('null', null);
    return this.fail(this.pos >= this.text.length ? 'unexpected end of text, expected a value' : `unexpected ${this.describe()}, expected a value`);
  }

  private object(depth: number): Record<string, unknown> {
    if (depth >= this.maxDepth) this.tooDeep();
    const text = this.text;
    const out: Record<string, unknown> = {};
    const start = this.pos;
    this.pos++;
    this.skipSpace();
    if (text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      this.onObject?.(out, start, this.path.slice(0, depth));
      return out;
    }
    for (;;) {
      if (text.charCodeAt(this.pos) !== 0x22) this.fail(this.pos >= text.length ? 'unexpected end of text, expected a property name' : `unexpected ${this.describe()}, expected a property name`);
      const keyAt = this.pos;
      const key = this.key(depth);
      this.skipSpace();
      if (text.charCodeAt(this.pos) !== 0x3a) this.fail(`unexpected ${this.describe()}, expected ':'`);
      this.pos++;
      this.skipSpace();
      this.path[depth] = key;
      // The key is judged before its value is read, so problems come in document order.
      const prior = out[key];
      const refused = prior !== undefined && Object.prototype.hasOwnProperty.call(out, key) ? 'duplicate-key' : isForbiddenKey(key) ? 'forbidden-key' : undefined;
      if (refused) this.problem(refused, keyAt, depth, key);
      const c = text.charCodeAt(this.pos);
      // Numbers are read here, where their container and key are known (their text may need keeping).
      const value = c === 0x2d || (c >= 0x30 && c <= 0x39) ? this.number(refused ? undefined : out, key) : this.value(depth + 1);
      if (!refused) out[key] = value;
      this.skipSpace();
      const next = text.charCodeAt(this.pos);
      if (next === 0x2c) {
        this.pos++;
        this.skipSpace();
        continue;
      }
      if (next === 0x7d) {
        this.pos++;
        this.onObject?.(out, start, this.path.slice(0, depth));
        return out;
      }
      this.fail(this.pos >= text.length ? "unexpected end of text, expected ',' or '}'" : `unexpected ${this.describe()}, expected ',' or '}'`);
    }
  }

  private array(depth: number): unknown[] {
    if (depth >= this.maxDepth) this.tooDeep();
    const text = this.text;
    const out: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (let i = 0; ; i++) {
      this.path[depth] = i;
      const c = text.charCodeAt(this.pos);
      out.push(c === 0x2d || (c >= 0x30 && c <= 0x39) ? this.number(out, i) : this.value(depth + 1));
      this.skipSpace();
      const next = text.charCodeAt(this.pos);
      if (next === 0x2c) {
        this.pos++;
        this.skipSpace();
        continue;
      }
      if (next === 0x5d) {
        this.pos++;
        return out;
      }
      this.fail(this.pos >= text.length ? "unexpected end of text, expected ',' or ']'" : `unexpected ${this.describe()}, expected ',' or ']'`);
    }
  }

  /**
   * A property name. FHIR payloads repeat a small vocabulary of names many times: a name seen before is
   * found in KEY_CACHE by a hash taken while scanning and compared in place, so no string is allocated
   * for it (allocating one per key costs JSON.parse's whole time again in garbage collection).
   */
  private key(depth: number): string {
    const text = this.text;
    const start = this.pos + 1;
    let hash = 0;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        const length = i - start;
        if (length > MAX_CACHED_KEY) break;
        const slot = (hash ^ length) & (KEY_CACHE_SIZE - 1);
        const cached = KEY_CACHE[slot];
        this.pos = i + 1;
        if (cached !== undefined && cached.length === length && text.startsWith(cached, start)) return cached;
        const key = text.slice(start, i);
        KEY_CACHE[slot] = key;
        return key;
      }
      if (c === 0x5c || c < 0x20) break;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    return this.string(depth);
  }

  /** A string token; the fast path slices it, escapes take the slow path. */
  private string(depth: number): string {
    const text = this.text;
    const start = ++this.pos;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c) return this.escapedString(start, i, depth);
      if (c < 0x20) {
        this.pos = i;
        this.fail('a control character must be escaped in a JSON string');
      }
    }
    this.pos = text.length;
    return this.fail('unterminated string');
  }

  private escapedString(start: number, firstEscape: number, depth: number): string {
    const text = this.text;
    let out = text.slice(start, firstEscape);
    let i = firstEscape;
    let forbidden = -1;
    let surrogate = false;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        if (forbidden >= 0) this.problem('control-character', start - 1, depth, undefined, forbidden);
        if (surrogate) {
          const at = loneSurrogateAt(out);
          if (at >= 0) this.problem('lone-surrogate', start - 1, depth, undefined, out.charCodeAt(at));
        }
        return out;
      }
      if (c < 0x20) {
        this.pos = i;
        this.fail('a control character must be escaped in a JSON string');
      }
      if (c !== 0x5c) {
        const next = nextSpecial(text, i);
        out += text.slice(i, next);
        i = next;
        continue;
      }
      const e = text.charCodeAt(i + 1);
      let decoded: number;
      switch (e) {
        case 0x22: decoded = 0x22; break;
        case 0x5c: decoded = 0x5c; break;
        case 0x2f: decoded = 0x2f; break;
        case 0x62: decoded = 0x08; break;
        case 0x66: decoded = 0x0c; break;
        case 0x6e: decoded = 0x0a; break;
        case 0x72: decoded = 0x0d; break;
        case 0x74: decoded = 0x09; break;
        case 0x75: {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
            this.pos = i;
            this.fail('invalid \\u escape in a string');
          }
          decoded = parseInt(hex, 16);
          i += 4;
          break;
        }
        default:
          this.pos = i;
          return this.fail(i + 1 >= text.length ? 'unterminated string' : `invalid escape '\\${text[i + 1]}' in a string`);
      }
      if (decoded < 0x20 && decoded !== 0x09 && decoded !== 0x0a && decoded !== 0x0d && forbidden < 0) forbidden = decoded;
      if (decoded >= 0xd800 && decoded <= 0xdfff) surrogate = true;
      out += String.fromCharCode(decoded);
      i += 2;
    }
    this.pos = text.length;
    return this.fail('unterminated string');
  }

  /** A number token, its text kept on `container` when String(value) would not give it back. */
  private number(container: object | undefined, key: string | number): number {
    const text = this.text;
    const start = this.pos;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++;
    const first = text.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) while (isDigit(text.charCodeAt(++i)));
    else this.failAt(i, 'invalid number');
    let plain = true;
    if (text.charCodeAt(i) === 0x2e) {
      plain = false;
      if (!isDigit(text.charCodeAt(++i))) this.failAt(i, 'invalid number: digits expected after the decimal point');
      while (isDigit(text.charCodeAt(++i)));
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      plain = false;
      let c = text.charCodeAt(++i);
      if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++i);
      if (!isDigit(c)) this.failAt(i, 'invalid number: digits expected in the exponent');
      while (isDigit(text.charCodeAt(++i)));
    }
    this.pos = i;
    const lexeme = text.slice(start, i);
    const value = Number(lexeme);
    // Short integers other than -0 read back as written; anything else is compared.
    if (container && !(plain && i - start < 16 && lexeme !== '-0') && String(value) !== lexeme) recordNumberText(container, key, lexeme);
    return value;
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`unexpected ${this.describe()}, expected a value`);
    this.pos += word.length;
    return value;
  }

  skipSpace(): void {
    const text = this.text;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.pos = i;
  }

  private problem(kind: JsonProblemKind, offset: number, depth: number, key?: string, codePoint?: number): void {
    if (this.problems.length >= this.maxProblems) return;
    const path = this.path.slice(0, depth);
    if (key !== undefined) path.push(key);
    this.problems.push({ kind, offset, path, ...(key !== undefined ? { key } : {}), ...(codePoint !== undefined ? { codePoint } : {}) });
  }

  /** What is at the current position, for a message. */
  describe(): string {
    if (this.pos >= this.text.length) return 'end of text';
    const cp = this.text.codePointAt(this.pos) as number;
    return cp > 0x20 && cp < 0x7f ? `'${String.fromCodePoint(cp)}'` : `character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }

  private tooDeep(): never {
    throw new Stop({ message: `nesting deeper than ${this.maxDepth} levels`, offset: this.pos, tooDeep: true });
  }

  fail(message: string): never {
    throw new Stop({ message, offset: this.pos });
  }

  private failAt(offset: number, message: string): never {
    this.pos = offset;
    return this.fail(message);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The next backslash, quote or control character at or after `i` (the end of a run of plain characters). */
function nextSpecial(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c < 0x20) return i;
  }
  return i;
}
