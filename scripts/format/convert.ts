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
import { internalError } from '../diagnostics/internal-errors.js';
import { SourceMap } from '../diagnostics/source-map.js';
import { Budget, LimitReached } from '../util/limits.js';
import { readJsonResource } from './json/read-json.js';
import { stringifyJson } from './json/write-json.js';
import type { LineIndex } from './line-index.js';
import { readXmlResource } from './xml/read-xml.js';
import type { NamespaceScope, XmlNode } from './xml/xml-tree.js';
import type { Resource } from '../model/fhir.js';
import type { ElementModel } from '../resolve/element-model.js';
import { writeXmlResource } from './xml/write-xml.js';

export type PayloadFormat = 'xml' | 'json';

/** A look at a narrative `div` (see ConvertOptions.onXhtml); lines are the payload's where it was read from XML. */
export type XhtmlHook = (node: XmlNode, scope: NamespaceScope, path: string, lines: LineIndex | undefined) => void;

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

/** A FHIR JSON resource as JSON text: 2-space indent, trailing newline, numbers as they were written (write-json.ts). */
export function formatJson(resource: unknown): string {
  return `${stringifyJson(resource)}\n`;
}

export interface ConvertOptions {
  /**
   * Called for every narrative `div` met (read from XML, or parsed to be written as XML), with its node,
   * namespace scope, FHIRPath and, when read, the line index: where a caller checks narratives (the CLI
   * refuses unsafe ones).
   */
  onXhtml?: XhtmlHook;
}

/**
 * Payload text from one format to another (or re-written in the same format), undefined when it cannot
 * be converted. JSON input is always written through the XML writer too, which checks it against the
 * element model and parses its narratives (JSON to JSON included). Never throws: an exception (a bug)
 * is a fatal diagnostic naming the file.
 */
export function convertPayload(text: string, from: PayloadFormat, to: PayloadFormat, model: ElementModel, diagnostics: Diagnostics, file?: string, options: ConvertOptions = {}): string | undefined {
  const name = file ?? `payload.${from}`;
  try {
    const resource =
      from === 'xml'
        ? readXmlResource(text, name, { model, diagnostics, sources: new SourceMap() }, { onXhtml: options.onXhtml, budget: new Budget() })
        : readJsonResource(text, name, { model, diagnostics, sources: new SourceMap() });
    if (!resource) return undefined;
    const xml = to === 'xml' || from === 'json' ? writeXmlResource(resource, model, diagnostics, file, { onXhtml: options.onXhtml }) : undefined;
    return to === 'xml' ? xml : formatJson(resource);
  } catch (e) {
    if (e instanceof LimitReached) diagnostics.error('convert.too-costly', e.message, { file: name });
    else diagnostics.fatal('convert.internal-error', internalError(e, `converting ${name}`), { file: name });
    return undefined;
  }
}
