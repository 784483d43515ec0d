/**
 * Character data of XML, done by hand so that nothing but the five predefined entities and
 * character references is ever expanded: the parser runs with entity processing off, and the
 * reader decodes text and attribute values here, reporting anything else as an error.
 */

/** Called with a message for each bad reference; decoding carries on without it. */
export type TextErrorSink = (message: string) => void;

const predefined: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const reference = /&(?:#x([0-9A-Fa-f]{1,8})|#([0-9]{1,10})|([A-Za-z_][A-Za-z0-9._-]*));/y;

/** Decodes entity and character references in element text (CDATA content is taken as is, not through here). */
export function decodeText(raw: string, onError: TextErrorSink): string {
  return raw.indexOf('&') < 0 ? raw : decodeReferences(raw, onError);
}

/**
 * Decodes an attribute value as XML 1.0 requires: literal tabs and line ends become spaces
 * (attribute-value normalisation; line ends were already normalised to `\n` by the parser), then
 * references are expanded, so `&#xA;` stays a line feed.
 */
export function decodeAttribute(raw: string, onError: TextErrorSink): string {
  const normalised = /[\t\n\r]/.test(raw) ? raw.replace(/[\t\n\r]/g, ' ') : raw;
  return normalised.indexOf('&') < 0 ? normalised : decodeReferences(normalised, onError);
}

function decodeReferences(raw: string, onError: TextErrorSink): string {
  let out = '';
  let from = 0;
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
    out += raw.slice(from, amp);
    reference.lastIndex = amp;
    const m = reference.exec(raw);
    if (!m) {
      onError(`'&' that does not start a character or entity reference: '${raw.slice(amp, amp + 12)}'`);
      out += '&';
      from = amp + 1;
      continue;
    }
    from = reference.lastIndex;
    if (m[3] !== undefined) {
      const named = Object.prototype.hasOwnProperty.call(predefined, m[3]) ? predefined[m[3]] : undefined;
      if (named === undefined) onError(`undefined entity '&${m[3]};' (only the five predefined XML entities are accepted)`);
      else out += named;
      continue;
    }
    const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2], 10);
    if (!isXmlChar(code)) onError(`character reference '${m[0]}' is not an XML character`);
    else out += String.fromCodePoint(code);
  }
  return out + raw.slice(from);
}

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** Escapes text content for XML output. */
export function escapeText(s: string): string {
  return /[&<>]/.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s;
}

/** Escapes an attribute value for XML output (double-quoted). Line ends and tabs are written as references so they survive. */
export function escapeAttribute(s: string): string {
  return /[&<>"\t\n\r]/.test(s)
    ? s
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/\t/g, '&#x9;')
        .replace(/\n/g, '&#xA;')
        .replace(/\r/g, '&#xD;')
    : s;
}
