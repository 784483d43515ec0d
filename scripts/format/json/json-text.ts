/** Reading JSON text by offsets, for the readers that jump over it rather than parse it (parse-json-fast.ts, json-locate.ts, json-tree-locate.ts). */

/** The offset of the first character at or after `i` that is not JSON white space. */
export function skipSpace(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  return i;
}

/** The offset of the last character at or before `i` that is not JSON white space (-1 when none). */
export function skipSpaceBack(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(--i));
  return i;
}

/** Whether the character at `i` follows an odd run of backslashes (in a string: it is escaped). */
export function isEscaped(text: string, i: number): boolean {
  let run = 0;
  while (text.charCodeAt(i - 1 - run) === 0x5c) run++;
  return run % 2 === 1;
}

/** The offset of the first quote at or after `end` that no backslash escapes (the text's length when there is none). */
export function unescapedQuote(text: string, end: number): number {
  for (; end >= 0; end = text.indexOf('"', end + 1)) if (!isEscaped(text, end)) return end;
  return text.length;
}

/**
 * The offset after the string or container at `i` (`depth` 0), or after the end of the container `i` is
 * in (`depth` 1): strings jumped by indexOf, brackets counted outside them. `escapes`: whether the text
 * holds any backslash (without one, every quote after an opening one closes it).
 */
export function skipFrom(text: string, i: number, depth: number, escapes: boolean): number {
  do {
    const c = text.charCodeAt(i);
    // Space first: most of what is jumped between strings is indentation.
    if (c <= 0x20) {
      i++;
      continue;
    }
    if (c === 0x22) {
      // Inline, not a helper: V8 runs this loop many times slower with the jump in a function of its own.
      const end = text.indexOf('"', i + 1);
      i = (escapes ? unescapedQuote(text, end) : end < 0 ? text.length : end) + 1;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    i++;
  } while (depth > 0 && i < text.length);
  return i;
}
