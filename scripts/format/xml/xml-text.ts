/** Escaping character data for XML output (reading is saxes's: xml-tree.ts). */

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
