/**
 * parseJson's answer at close to JSON.parse's speed, for the common payload that holds nothing parseJson
 * would add to what JSON.parse gives.
 *
 * parseJson (parse-json.ts) does in JavaScript what JSON.parse does natively, to see what JSON.parse throws
 * away: number texts a double cannot give back, duplicate and prototype-reaching keys, escaped control
 * characters and lone surrogates, nesting past the limit. Almost no payload has any of these, and a
 * JavaScript loop over every character costs about as much as JSON.parse itself; so this module asks with
 * native searches (indexOf) and one walk of JSON.parse's value, reading characters one by one only around
 * what it looks for. When nothing is found, JSON.parse's value is parseJson's value, with no problems.
 * Otherwise, or when JSON.parse throws (the text is not JSON), parseJson runs exactly as it would have:
 * same value, problems, offsets and messages.
 *
 * Why each check is enough, for a text JSON.parse accepts:
 * - escapes: every backslash is in a string and escapes do not overlap, so one pass over the backslashes
 *   sees every escape; one that decodes to a control character parseJson reports (`\b`, `\f`,
 *   `\u0000`-`\u001f` but tab, newline and return) or to a surrogate (paired or not) sends the text on.
 *   The pass also notes whether any key is written with an escape;
 * - prototype keys and depth: the walk sees every key and every level (JSON.parse does not recurse);
 * - duplicate keys: JSON.parse keeps one of duplicates, so the text has more property names than the
 *   value has keys exactly when some were merged. The names are counted by their `:`: a `:` whose nearest
 *   character before it (white space aside) is an unescaped quote follows the end of a name, or the start
 *   of a string value that begins with `:` (`": ..."`), or is inside a name that begins with one. What
 *   comes before that quote tells them apart: a name's last character, against `:` `,` `[` or `{` (or
 *   nothing) before a string's opening quote. A name that ends with one of those is the ambiguous case,
 *   sent on like the rest. The offsets found (each name's closing quote) are kept for the locator;
 * - numbers: each is checked as parseJson checks it (its text kept unless `String(Number(text))` gives it
 *   back). A number that is a property's value follows its key: every `"key"` followed by `:` is looked
 *   up for the keys the walk found holding numbers (exact when no key has an escape; a match inside a
 *   string can only send the text on). Other numbers (array items, or keys with escapes) are found by
 *   reading the text's structure up to the last number token.
 */
import { isEscaped, skipSpace, skipSpaceBack, unescapedQuote } from './json-text.js';
import { parseJson, type NameOffsets, type ParseJsonOptions, type ParsedJson } from './parse-json.js';

/** parseJson's result for `text` (readers that need every object's offset use parseJson itself). */
export function parseJsonFast(text: string, options: Omit<ParseJsonOptions, 'onObject'>): ParsedJson {
  const clean = cleanJsonValue(text, options.maxDepth);
  if (!clean) return parseJson(text, options);
  const parsed: ParsedJson = { value: clean.value, problems: [] };
  if (clean.keyEnds) parsed.keyEnds = clean.keyEnds;
  return parsed;
}

/**
 * JSON.parse's value of `text` when parseJson would give the same with no problems; undefined when parseJson
 * must read it. `keyEnds`: the offset of each property name's closing quote in document order, when every
 * name is written without an escape (json-tree-locate.ts places issues with them).
 */
export function cleanJsonValue(text: string, maxDepth: number): { value: unknown; keyEnds?: NameOffsets } | undefined {
  const escapes = escapesIn(text);
  if (escapes === Escapes.Refused) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: parseJson says why and where.
    return undefined;
  }
  const tally = new Tally(maxDepth);
  if (!tally.visit(value, 0)) return undefined;
  const keyEnds = nameEnds(text, escapes !== Escapes.None, tally.keys);
  if (!keyEnds || !numbersReadBack(text, tally, escapes)) return undefined;
  return escapes === Escapes.InKeys ? { value } : { value, keyEnds };
}

const enum Escapes {
  None,
  /** Some, none refused, none in a key. */
  InStrings,
  InKeys,
  Refused,
}

const QUOTE = 0x22;
const COLON = 0x3a;

/** What the escapes of a text decode to: Refused when one is a character parseJson reports, or half of a surrogate pair. */
function escapesIn(text: string): Escapes {
  let found = Escapes.None;
  let stringEnd = -1;
  for (let i = text.indexOf('\\'); i >= 0; i = text.indexOf('\\', i)) {
    if (i > stringEnd) {
      // The first escape of a string: where the string ends tells whether it is a key.
      stringEnd = unescapedQuote(text, text.indexOf('"', i));
      if (found === Escapes.None) found = Escapes.InStrings;
      if (isKeyEnd(text, stringEnd)) found = Escapes.InKeys;
    }
    const e = text.charCodeAt(i + 1);
    if (e === 0x62 || e === 0x66) return Escapes.Refused;
    if (e === 0x75) {
      const code = parseInt(text.slice(i + 2, i + 6), 16);
      if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0xd800 && code <= 0xdfff)) return Escapes.Refused;
      i += 6;
    } else i += 2;
  }
  return found;
}

/** What one walk of a parsed value finds; visit is false when a key or the depth is refused. */
class Tally {
  keys = 0;
  /** Keys whose value is a number. */
  numberKeys: Set<string> | undefined;
  /** Numbers not a property's value (array items, the root). */
  looseNumbers = 0;
  numbers = 0;

  constructor(private readonly maxDepth: number) {}

  /** Walks a value `depth` containers deep. */
  visit(value: unknown, depth: number): boolean {
    if (typeof value === 'number') {
      this.looseNumbers++;
      this.numbers++;
      return true;
    }
    if (typeof value !== 'object' || value === null) return true;
    if (depth >= this.maxDepth) return false;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!this.visit(value[i], depth + 1)) return false;
      return true;
    }
    for (const key in value) {
      if (isForbiddenKey(key)) return false;
      this.keys++;
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'number') {
        (this.numberKeys ??= new Set()).add(key);
        this.numbers++;
      } else if (!this.visit(item, depth + 1)) return false;
    }
    return true;
  }
}

const isForbiddenKey = (key: string) => (key.length === 9 || key.length === 11) && (key === '__proto__' || key === 'constructor' || key === 'prototype');

/**
 * Names past which their offsets go in a typed array: a plain array that size would be made sparse when
 * presized, and copied over and over when grown (a 10,000-entry Bundle has 170,000 names). Below it, a
 * typed array costs more to allocate than the names to store.
 */
const TYPED_FROM = 32_768;

/**
 * The offset of the closing quote of every property name of a text JSON.parse accepts, in document order,
 * found by their `:` (see the top of this module); undefined when a `:` follows a quote that may be a
 * name's end or a string's start, or when the text has another number of names than `keys`, the keys of
 * JSON.parse's value (more: duplicates were merged).
 */
function nameEnds(text: string, escapes: boolean, keys: number): NameOffsets | undefined {
  const ends = keys >= TYPED_FROM ? new Int32Array(keys) : new Array<number>(keys);
  let n = 0;
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    let quote = i - 1;
    let c = text.charCodeAt(quote);
    if (c !== QUOTE) {
      // Most `:` that end no name are in strings, after a letter or digit (`https:`, `10:00`).
      if (c > 0x20) continue;
      quote = skipSpaceBack(text, quote);
      if (text.charCodeAt(quote) !== QUOTE) continue;
    }
    if (escapes && isEscaped(text, quote)) continue;
    // A name's last character is nearly always a letter or digit: taken at once.
    c = text.charCodeAt(quote - 1);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))) {
      const before = skipSpaceBack(text, quote - 1);
      c = text.charCodeAt(before);
      if (before < 0 || c === COLON || c === 0x2c || c === 0x5b || c === 0x7b) return undefined;
    }
    if (n === keys) return undefined;
    ends[n++] = quote;
  }
  return n === keys ? ends : undefined;
}

/** Whether no number's text would be kept by parseJson. */
function numbersReadBack(text: string, tally: Tally, escapes: Escapes): boolean {
  if (tally.numbers === 0) return true;
  if (tally.looseNumbers > 0 || escapes === Escapes.InKeys) return numbersInOrderReadBack(text, tally.numbers, escapes !== Escapes.None);
  for (const key of tally.numberKeys ?? []) if (!memberNumbersReadBack(text, key)) return false;
  return true;
}

/** Every `"key":` followed by a number token has a number parseJson would not keep. */
function memberNumbersReadBack(text: string, key: string): boolean {
  // Searched without the opening quote (checked at each hit): in JSON, where every other character is a
  // quote, a needle that starts with one is several times slower to find.
  const needle = `${key}"`;
  for (let i = text.indexOf(needle, 1); i >= 0; i = text.indexOf(needle, i + 1)) {
    if (text.charCodeAt(i - 1) !== QUOTE) continue;
    let j = skipSpace(text, i + needle.length);
    if (text.charCodeAt(j) !== COLON) continue;
    j = skipSpace(text, j + 1);
    const c = text.charCodeAt(j);
    if ((c === 0x2d || (c >= 0x30 && c <= 0x39)) && numberEnd(text, j) < 0) return false;
  }
  return true;
}

/**
 * Reads the text's structure up to its `count`th number token (string bodies jumped with indexOf); false
 * as soon as one would have its text kept by parseJson.
 */
function numbersInOrderReadBack(text: string, count: number, escapes: boolean): boolean {
  let found = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Inline, not a helper: V8 runs this loop many times slower with the jump in a function of its own.
      const end = text.indexOf('"', i + 1);
      i = (escapes ? unescapedQuote(text, end) : end < 0 ? text.length : end) + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      i = numberEnd(text, i);
      if (i < 0) return false;
      if (++found === count) return true;
    } else i++;
  }
  return false;
}

/** Whether the string closed by the quote at `end` is a property name (a `:` follows it). */
function isKeyEnd(text: string, end: number): boolean {
  return text.charCodeAt(skipSpace(text, end + 1)) === COLON;
}

/**
 * The end of the number token at `start`, or -1 when parseJson would keep its text: the same test as its
 * reader (short integers other than -0 read back as written; anything else is compared).
 */
function numberEnd(text: string, start: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  if (c === 0x2d) c = text.charCodeAt(++i);
  while (c >= 0x30 && c <= 0x39) c = text.charCodeAt(++i);
  let plain = true;
  // The rest of the token, loosely: JSON.parse has checked its grammar.
  while ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) {
    plain = false;
    c = text.charCodeAt(++i);
  }
  const length = i - start;
  if (plain && length < 16 && !(length === 2 && text.charCodeAt(start) === 0x2d && text.charCodeAt(start + 1) === 0x30)) return i;
  const lexeme = text.slice(start, i);
  return String(Number(lexeme)) === lexeme ? i : -1;
}
