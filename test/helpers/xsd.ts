/**
 * The official STU3 XML schemas as an oracle: libxml2's XML Schema validation (what `xmllint --schema`
 * runs), compiled to WebAssembly by the npm package libxml2-wasm, so the tests and benchmarks need no
 * system binary. fhir-single.xsd imports xml.xsd and fhir-xhtml.xsd from beside it: the schema is parsed
 * with its file URL, and libxml2 reads the imports through the Node file system providers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XmlDocument, XmlLibError, XsdValidator } from 'libxml2-wasm';
import { xmlRegisterFsInputProviders } from 'libxml2-wasm/lib/nodejs.mjs';
import { sharedDir } from './shared.js';

export const XSD_DIR = join(sharedDir, 'hl7-stu3', 'xsd');

/** libxml2's verdict on one document: valid, or the lines and messages of its errors (parse or schema). */
export interface XsdVerdict {
  valid: boolean;
  lines: Set<number>;
  messages: string[];
}

let providersRegistered = false;

/** A validator of `<name>.xsd` in the STU3 schema folder (default fhir-single.xsd), compiled once. */
export function loadXsd(name = 'fhir-single.xsd'): (xml: string | Uint8Array) => XsdVerdict {
  if (!providersRegistered) providersRegistered = xmlRegisterFsInputProviders();
  const path = join(XSD_DIR, name);
  const schemaDoc = XmlDocument.fromBuffer(readFileSync(path), { url: pathToFileURL(path).href });
  const validator = XsdValidator.fromDoc(schemaDoc);
  return (xml) => {
    let doc: XmlDocument | undefined;
    try {
      doc = typeof xml === 'string' ? XmlDocument.fromString(xml) : XmlDocument.fromBuffer(xml);
      validator.validate(doc);
      return { valid: true, lines: new Set(), messages: [] };
    } catch (e) {
      // Parse errors (not well-formed) and schema errors alike: the document is not valid.
      if (!(e instanceof XmlLibError)) throw e;
      return { valid: false, lines: new Set(e.details.map((d) => d.line)), messages: e.details.map((d) => `${d.line}: ${d.message.trim()}`) };
    } finally {
      doc?.dispose();
    }
  };
}
