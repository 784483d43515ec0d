/**
 * Where a FHIRPath (`StructureDefinition.differential.element[3].min`) is in a source file, for findings on
 * a field rather than on its resource: JSON through json-locate (each question one scan of the text, as far
 * as its path goes), XML through xml-locate (the text parsed again on the first question: most files are
 * never asked). It never reports anything itself.
 */
import { Diagnostics, type Locator } from '../diagnostics/diagnostics.js';
import { jsonLocator } from './json/json-locate.js';
import { lineOfPath } from './xml/xml-locate.js';
import { parseXmlDocument, type XmlDocument } from './xml/xml-tree.js';

export function sourceLocator(text: string, format: 'json' | 'xml'): Locator {
  if (format === 'json') return jsonLocator(text);
  let doc: XmlDocument | null | undefined;
  return (path) => {
    // The file was read once already: a document that fails to parse now has had its problems reported then.
    if (doc === undefined) doc = parseXmlDocument(text, '', new Diagnostics()) ?? null;
    return doc ? { line: lineOfPath(doc, path) } : undefined;
  };
}
