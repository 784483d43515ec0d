/** Checks on text that every reader shares. */

/** A UTF-16 code unit that pairs with nothing: no Unicode character, never valid in a payload. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The offset of the first lone surrogate in `s`, -1 when there is none (one native regex scan). */
export function loneSurrogateAt(s: string): number {
  const m = LONE_SURROGATE.exec(s);
  return m ? m.index : -1;
}

/** Characters FHIR strings forbid (C0 controls other than tab, LF, CR) and UTF-16 code units that pair with nothing. */
// eslint-disable-next-line no-control-regex -- finding control characters is this regex's purpose
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string is not a FHIR string, undefined when it is: STU3 allows no character below U+0020 other
 * than tab, line feed and carriage return, and a lone surrogate is no character at all (neither can be
 * written as XML either).
 */
export function forbiddenCharacter(s: string): string | undefined {
  const m = FORBIDDEN_CHARACTER.exec(s);
  if (!m) return undefined;
  const c = m[0].charCodeAt(0);
  const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return c >= 0xd800
    ? `the string holds a lone surrogate (${code}), which is no Unicode character`
    : `the string holds the control character ${code}: FHIR strings allow none below U+0020 other than tab, line feed and carriage return`;
}

/** `[0]`, `[1]`, ...: made once each (up to a bound), so that an array item's location is one concatenation. */
const INDEXES: string[] = [];
const INDEXES_KEPT = 4096;

/** The location suffix of an array item: `[i]`. */
export function indexSuffix(i: number): string {
  if (i >= INDEXES_KEPT) return `[${i}]`;
  return (INDEXES[i] ??= `[${i}]`);
}
