/**
 * Secure parsing of an XML document into fast-xml-parser's ordered tree (`preserveOrder`), with
 * source offsets (`captureMetaData`), and typed access to that tree's nodes.
 *
 * Order of work: the security gate refuses DOCTYPE, ENTITY and processing instructions; the
 * well-formedness check (saxes, a strict XML 1.0 parser: fast-xml-parser's parse is lenient, and its own
 * validator is slower and accepts `<` in attribute values) rejects malformed XML with its line; then the
 * parser builds the tree with entity processing off (the reader decodes references itself) and values
 * left as raw strings.
 */
import { XMLParser, type X2jOptions } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import type { Diagnostics } from '../../diagnostics/diagnostics.js';
import { LineIndex } from '../line-index.js';
import { findRefusedMarkup } from './xml-security.js';

/** One node of the ordered tree: an element `{ tag: children, ':@': attributes }`, a text `{ '#text': s }` or a CDATA `{ '#cdata': [{ '#text': s }] }`. */
export type XmlNode = Record<string, unknown>;

export const TEXT_KEY = '#text';
export const CDATA_KEY = '#cdata';
const ATTRS_KEY = ':@';
const META = XMLParser.getMetaDataSymbol() as unknown as string;

/** Nesting deeper than this is refused (the reader recurses per level). */
export const MAX_XML_DEPTH = 400;

/** The options the reader gives fast-xml-parser (exported for the benchmark floor). */
export const parserOptions: X2jOptions = {
  preserveOrder: true,
  captureMetaData: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  cdataPropName: CDATA_KEY,
  ignoreDeclaration: true,
  maxNestedTags: MAX_XML_DEPTH,
  jPath: false,
};

/** A parsed document: its root element and the text's line index (offsets in nodes refer to `text`). */
export interface XmlDocument {
  root: XmlNode;
  rootTag: string;
  lines: LineIndex;
}

/**
 * Parses a document. Returns undefined (with an error diagnostic carrying file and line) when the
 * document is refused or malformed; never throws for bad content.
 */
export function parseXmlDocument(source: string, file: string, diagnostics: Diagnostics): XmlDocument | undefined {
  // A byte order mark is allowed in XML; drop it so offsets, lines and the declaration check line up.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lines = new LineIndex(text);
  const refused = findRefusedMarkup(text);
  if (refused) {
    diagnostics.error(refused.code, refused.message, { file, ...lines.at(refused.offset) });
    return undefined;
  }
  const malformed = wellFormednessError(text);
  if (malformed) {
    diagnostics.error('load.xml-malformed', `malformed XML: ${malformed.message}`, { file, line: malformed.line, column: malformed.column });
    return undefined;
  }
  let top: unknown;
  try {
    top = new XMLParser(parserOptions).parse(text);
  } catch (e) {
    diagnostics.error('load.xml-malformed', `malformed XML: ${e instanceof Error ? e.message : String(e)}`, { file });
    return undefined;
  }
  const elements = (Array.isArray(top) ? (top as XmlNode[]) : []).filter((n) => tagOf(n) !== TEXT_KEY);
  if (elements.length !== 1) {
    diagnostics.error('load.xml-malformed', `malformed XML: expected one root element, found ${elements.length}`, { file });
    return undefined;
  }
  return { root: elements[0], rootTag: tagOf(elements[0]), lines };
}

/**
 * The first well-formedness error of a document (XML 1.0, namespaces left to the reader), with where saxes
 * met it. An undeclared entity reference is left to the reader, which reports it at its FHIRPath and reads on.
 */
function wellFormednessError(text: string): { message: string; line: number; column: number } | undefined {
  const parser = new SaxesParser({ xmlns: false });
  let first: { message: string; line: number; column: number } | undefined;
  parser.on('error', (e) => {
    const message = e.message.replace(/^\d+:\d+: /, '');
    if (message !== 'undefined entity.') first ??= { message, line: parser.line, column: parser.column };
  });
  parser.write(text).close();
  return first;
}

/** The node's tag (`#text` / `#cdata` for character data). */
export function tagOf(node: XmlNode): string {
  for (const key in node) if (key !== ATTRS_KEY) return key;
  return '';
}

/** The node's children, in document order. */
export function childrenOf(node: XmlNode, tag: string): XmlNode[] {
  const c = node[tag];
  return Array.isArray(c) ? (c as XmlNode[]) : [];
}

/** The node's attributes (raw values, references not decoded), undefined when it has none. */
export function attributesOf(node: XmlNode): Record<string, string> | undefined {
  const a = node[ATTRS_KEY];
  return typeof a === 'object' && a !== null ? (a as Record<string, string>) : undefined;
}

/** The offset of the node's `<` in the text. */
export function startOf(node: XmlNode): number {
  const meta = node[META] as { startIndex?: unknown } | undefined;
  return typeof meta?.startIndex === 'number' ? meta.startIndex : 0;
}

/** The raw character data of a text node, or the literal content of a CDATA node. */
export function characterData(node: XmlNode, tag: string): string {
  if (tag === TEXT_KEY) {
    const t = node[TEXT_KEY];
    return typeof t === 'string' ? t : String(t);
  }
  return childrenOf(node, CDATA_KEY)
    .map((c) => String(c[TEXT_KEY] ?? ''))
    .join('');
}

/** In-scope namespace declarations. */
export interface NamespaceScope {
  readonly defaultNs: string;
  readonly prefixes: ReadonlyMap<string, string> | undefined;
}

export const EMPTY_SCOPE: NamespaceScope = { defaultNs: '', prefixes: undefined };

/** The scope inside an element: the parent's, plus the element's own `xmlns` / `xmlns:p` declarations. */
export function scopeOf(attributes: Record<string, string> | undefined, parent: NamespaceScope): NamespaceScope {
  if (!attributes) return parent;
  let scope = parent;
  for (const name in attributes) {
    if (name === 'xmlns') {
      scope = { defaultNs: attributes[name], prefixes: scope.prefixes };
    } else if (name.startsWith('xmlns:')) {
      const prefixes = new Map(scope.prefixes ?? []);
      prefixes.set(name.slice(6), attributes[name]);
      scope = { defaultNs: scope.defaultNs, prefixes };
    }
  }
  return scope;
}

/** The namespace of a qualified element name in a scope (undefined for an undeclared prefix). */
export function namespaceOf(qname: string, scope: NamespaceScope): string | undefined {
  const colon = qname.indexOf(':');
  if (colon < 0) return scope.defaultNs;
  const prefix = qname.slice(0, colon);
  if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
  return scope.prefixes?.get(prefix);
}

/** The local part of a qualified name. */
export function localNameOf(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}
