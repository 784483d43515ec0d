/**
 * Secure parsing of an XML document into an ordered tree (the shape fast-xml-parser's `preserveOrder`
 * gives: `{ tag: children, ':@': attributes }`), with each element's source offset, and typed access to
 * that tree's nodes.
 *
 * Order of work: the security gate refuses DOCTYPE, ENTITY and processing instructions; then saxes, a
 * strict XML 1.0 parser, reads the document in one pass, rejecting anything malformed with its line
 * (an undeclared entity included) while the tree is built. Only the five predefined entities and
 * character references are expanded (by saxes, with attribute-value normalisation); nothing is fetched.
 * (fast-xml-parser, where this reader started, needs a second validation pass for that strictness, and
 * its validator accepts `<` in attribute values; saxes does both in less time than its parse alone.)
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Diagnostics } from '../../diagnostics/diagnostics.js';
import { LineIndex } from '../line-index.js';
import { findRefusedMarkup } from './xml-security.js';
import { DEFAULT_LIMITS, LimitReached, type Budget } from '../../util/limits.js';
import { errorMessage } from '../../util/values.js';

/** One node of the ordered tree: an element `{ tag: children, ':@': attributes }`, a text `{ '#text': s }` or a CDATA `{ '#cdata': [{ '#text': s }] }`. */
export type XmlNode = Record<string, unknown>;

export const TEXT_KEY = '#text';
export const CDATA_KEY = '#cdata';
const ATTRS_KEY = ':@';
/** Where an element's `<` is in the text (a symbol: never met by `for...in` over a node). */
const START = Symbol('start');

/** Nesting deeper than this is refused by default (the readers and the writer recurse per level): the payload depth limit. */
export const MAX_XML_DEPTH = DEFAULT_LIMITS.maxDepth;

export interface ParseXmlOptions {
  /** Deepest element nesting accepted (default MAX_XML_DEPTH). */
  maxDepth?: number;
  /** The payload's budget: its clock is looked at as elements are read (a limit reached is thrown). */
  budget?: Budget;
}

/** A parsed document: its root element and the text's line index (offsets in nodes refer to `text`). */
export interface XmlDocument {
  root: XmlNode;
  rootTag: string;
  lines: LineIndex;
}

interface Malformed {
  message: string;
  line: number;
  column: number;
}

/**
 * Parses a document. Returns undefined (with an error diagnostic carrying file and line) when the
 * document is refused or malformed; never throws for bad content.
 */
export function parseXmlDocument(source: string, file: string, diagnostics: Diagnostics, options: ParseXmlOptions = {}): XmlDocument | undefined {
  // A byte order mark is allowed in XML; drop it so offsets, lines and the declaration check line up.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lines = new LineIndex(text);
  const refused = findRefusedMarkup(text);
  if (refused) {
    diagnostics.error(refused.code, refused.message, { file, ...lines.at(refused.offset) });
    return undefined;
  }
  const parsed = parseTree(text, options.maxDepth ?? options.budget?.limits.maxDepth ?? MAX_XML_DEPTH, options.budget);
  if ('message' in parsed) {
    diagnostics.error('load.xml-malformed', `malformed XML: ${parsed.message}`, { file, line: parsed.line, column: parsed.column });
    return undefined;
  }
  return { root: parsed.root, rootTag: tagOf(parsed.root), lines };
}

/** Thrown from a handler to stop saxes at once (too deep), caught in parseTree. */
class Stop extends Error {}

/** The document's root element, or its first well-formedness error (saxes keeps going after one: the first is kept). */
function parseTree(text: string, maxDepth: number, budget: Budget | undefined): { root: XmlNode } | Malformed {
  const parser = new SaxesParser({ xmlns: false });
  let first: Malformed | undefined;
  const fail = (message: string) => (first ??= { message, line: parser.line, column: parser.column });
  const top: XmlNode[] = [];
  const open: XmlNode[][] = [top];
  parser.on('error', (e) => fail(e.message.replace(/^\d+:\d+: /, '')));
  parser.on('opentagstart', (tag) => {
    if (open.length > maxDepth) {
      fail(`elements nest deeper than ${maxDepth} levels`);
      throw new Stop();
    }
    budget?.tick();
    // saxes has read `<`, the name and one character after it.
    const node: XmlNode = { [tag.name]: [] };
    (node as { [START]?: number })[START] = parser.position - tag.name.length - 2;
    open[open.length - 1].push(node);
    open.push(node[tag.name] as XmlNode[]);
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const attributes = tag.attributes;
    for (const _ in attributes) {
      const parent = open[open.length - 2];
      parent[parent.length - 1][ATTRS_KEY] = attributes;
      break;
    }
    if (tag.isSelfClosing) open.pop();
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) open.pop();
  });
  parser.on('text', (t) => {
    if (open.length > 1) open[open.length - 1].push({ [TEXT_KEY]: t });
  });
  parser.on('cdata', (t) => open[open.length - 1].push({ [CDATA_KEY]: [{ [TEXT_KEY]: t }] }));
  try {
    parser.write(text).close();
  } catch (e) {
    // A limit reached goes up to the payload's guard; saxes reports bad XML through its error event, so
    // anything else thrown here is the parser's own failure on odd input, reported as malformed.
    if (e instanceof LimitReached) throw e;
    if (!(e instanceof Stop)) fail(errorMessage(e));
  }
  if (first) return first;
  if (top.length !== 1) return { message: `expected one root element, found ${top.length}`, line: 1, column: 1 };
  return { root: top[0] };
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

/** The node's attributes (values with references expanded and whitespace normalised), undefined when it has none. */
export function attributesOf(node: XmlNode): Record<string, string> | undefined {
  const a = node[ATTRS_KEY];
  return typeof a === 'object' && a !== null ? (a as Record<string, string>) : undefined;
}

/** The offset of the node's `<` in the text. */
export function startOf(node: XmlNode): number {
  const start = (node as { [START]?: number })[START];
  return start ?? 0;
}

/** The character data of a text node (references expanded), or the literal content of a CDATA node. */
export function characterData(node: XmlNode, tag: string): string {
  if (tag === TEXT_KEY) {
    const t = node[TEXT_KEY];
    return typeof t === 'string' ? t : String(t);
  }
  return childrenOf(node, CDATA_KEY)
    .map((c) => String(c[TEXT_KEY] ?? ''))
    .join('');
}

/**
 * In-scope namespace declarations: an element's own, then its ancestors' (a chain, one link per element
 * that declares something). Entering an element costs its own declarations, never a copy of the
 * ancestors' (which made 8,000 declarations on one element quadratic), and a lookup walks at most the
 * depth limit's links.
 */
export interface NamespaceScope {
  readonly defaultNs: string;
  /** Prefixes declared on this link, undefined when none. */
  readonly prefixes: ReadonlyMap<string, string> | undefined;
  readonly parent: NamespaceScope | undefined;
}

export const EMPTY_SCOPE: NamespaceScope = { defaultNs: '', prefixes: undefined, parent: undefined };

/** The scope inside an element: the parent's, plus the element's own `xmlns` / `xmlns:p` declarations. */
export function scopeOf(attributes: Record<string, string> | undefined, parent: NamespaceScope): NamespaceScope {
  if (!attributes) return parent;
  let defaultNs = parent.defaultNs;
  let prefixes: Map<string, string> | undefined;
  let declares = false;
  for (const name in attributes) {
    if (name === 'xmlns') {
      defaultNs = attributes[name];
      declares = true;
    } else if (name.startsWith('xmlns:')) {
      (prefixes ??= new Map()).set(name.slice(6), attributes[name]);
      declares = true;
    }
  }
  return declares ? { defaultNs, prefixes, parent } : parent;
}

/** A scope with another default namespace, the same prefixes. */
export function withDefaultNamespace(scope: NamespaceScope, defaultNs: string): NamespaceScope {
  return { defaultNs, prefixes: undefined, parent: scope };
}

/** The namespace a prefix is bound to in a scope (undefined when undeclared). */
function prefixNamespace(prefix: string, scope: NamespaceScope): string | undefined {
  for (let s: NamespaceScope | undefined = scope; s; s = s.parent) {
    const ns = s.prefixes?.get(prefix);
    if (ns !== undefined) return ns;
  }
  return undefined;
}

/** The namespace of a qualified element name in a scope (undefined for an undeclared prefix). */
export function namespaceOf(qname: string, scope: NamespaceScope): string | undefined {
  const colon = qname.indexOf(':');
  if (colon < 0) return scope.defaultNs;
  const prefix = qname.slice(0, colon);
  if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
  return prefixNamespace(prefix, scope);
}

/** The local part of a qualified name. */
export function localNameOf(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}
