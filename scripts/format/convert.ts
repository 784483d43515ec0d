/**
 * FHIR payload conversion both ways, as API functions over text (the CLI's `convert` and the tests use
 * them; nothing here touches the disk):
 *
 * - `xmlToJson`: the type-aware XML reader (security refusals, namespaces, definition order);
 * - `jsonToXml`: the element-model-driven writer (write-xml.ts);
 * - `convertPayload`: either direction, or a format to itself, from text to text.
 *
 * Problems go to the given Diagnostics with file, line where known, and FHIRPath; a payload that cannot
 * be converted gives undefined.
 */
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import { SourceMap } from '../diagnostics/source-map.js';
import { readJsonResource } from './json/read-json.js';
import { readXmlResource } from './xml/read-xml.js';
import type { Resource } from '../model/fhir.js';
import type { ElementModel } from '../resolve/element-model.js';
import { writeXmlResource } from './xml/write-xml.js';

export type PayloadFormat = 'xml' | 'json';

/** The format a file name says (`.xml`, `.json`), undefined otherwise. */
export function formatOfFile(file: string): PayloadFormat | undefined {
  const lower = file.toLowerCase();
  return lower.endsWith('.xml') ? 'xml' : lower.endsWith('.json') ? 'json' : undefined;
}

export interface XmlToJsonOptions {
  /** Read a document whose root is in no namespace as FHIR after reporting it (see XmlReadOptions). */
  readUnqualified?: boolean;
}

/** FHIR XML text to a FHIR JSON resource (properties in definition order, `resourceType` first). */
export function xmlToJson(xml: string, model: ElementModel, diagnostics: Diagnostics, file = 'payload.xml', options: XmlToJsonOptions = {}): Resource | undefined {
  return readXmlResource(xml, file, { model, diagnostics, sources: new SourceMap() }, { readUnqualified: options.readUnqualified });
}

/** A FHIR JSON resource (parsed) to FHIR XML text. */
export function jsonToXml(resource: unknown, model: ElementModel, diagnostics: Diagnostics, file?: string): string | undefined {
  return writeXmlResource(resource, model, diagnostics, file);
}

/** A FHIR JSON resource as JSON text: 2-space indent, trailing newline. */
export function formatJson(resource: unknown): string {
  return `${JSON.stringify(resource, null, 2)}\n`;
}

/** Payload text from one format to another (or re-written in the same format). */
export function convertPayload(text: string, from: PayloadFormat, to: PayloadFormat, model: ElementModel, diagnostics: Diagnostics, file?: string): string | undefined {
  const resource =
    from === 'xml'
      ? xmlToJson(text, model, diagnostics, file ?? 'payload.xml')
      : readJsonResource(text, file ?? 'payload.json', { model, diagnostics, sources: new SourceMap() });
  if (!resource) return undefined;
  return to === 'xml' ? jsonToXml(resource, model, diagnostics, file) : formatJson(resource);
}
