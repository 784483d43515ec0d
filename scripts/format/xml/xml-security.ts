/**
 * The security gate in front of the XML parser. FHIR XML has no use for document type
 * declarations, entity declarations or processing instructions, and they are where XML attacks
 * live (entity expansion bombs, external entities): they are refused before the parser sees the
 * text, so nothing is ever expanded or fetched. Only the leading `<?xml ...?>` declaration passes.
 */

/** Why a document was refused, and where (an offset into the text). */
export interface XmlRefusal {
  code: 'load.xml-doctype' | 'load.xml-entity-declaration' | 'load.xml-markup-declaration' | 'load.xml-processing-instruction';
  message: string;
  offset: number;
}

const markup = /<[!?]/g;
const piTarget = /<\?([^\s?]*)/y;

/**
 * The first refused construct in a document, or undefined if there is none. Every `<!` and `<?`
 * outside comments and CDATA sections is looked at (in well-formed XML a `<` can start nothing
 * else; in malformed XML a false alarm only refuses a document the parser would reject anyway).
 */
export function findRefusedMarkup(text: string): XmlRefusal | undefined {
  markup.lastIndex = 0;
  for (let m = markup.exec(text); m; m = markup.exec(text)) {
    const at = m.index;
    if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end < 0) return undefined; // unterminated: the well-formedness check reports it
      markup.lastIndex = end + 3;
    } else if (text.startsWith('<![CDATA[', at)) {
      const end = text.indexOf(']]>', at + 9);
      if (end < 0) return undefined;
      markup.lastIndex = end + 3;
    } else if (text.startsWith('<!DOCTYPE', at)) {
      return { code: 'load.xml-doctype', message: 'DOCTYPE declarations are not allowed in FHIR XML (refused, nothing expanded)', offset: at };
    } else if (text.startsWith('<!ENTITY', at)) {
      return { code: 'load.xml-entity-declaration', message: 'ENTITY declarations are not allowed in FHIR XML (refused, nothing expanded)', offset: at };
    } else if (m[0] === '<!') {
      return { code: 'load.xml-markup-declaration', message: `markup declaration '${text.slice(at, at + 12)}' is not allowed in FHIR XML`, offset: at };
    } else {
      piTarget.lastIndex = at;
      const target = piTarget.exec(text)?.[1] ?? '';
      const end = text.indexOf('?>', at + 2);
      if (target === 'xml' && at === 0 && end > 0) {
        markup.lastIndex = end + 2;
        continue;
      }
      const what = target.toLowerCase() === 'xml' ? 'an XML declaration that is not at the very start' : `processing instruction '<?${target}'`;
      return { code: 'load.xml-processing-instruction', message: `${what} is not allowed in FHIR XML`, offset: at };
    }
  }
  return undefined;
}
