/**
 * Serialises an XHTML subtree (a narrative `div`) back to the string FHIR JSON carries: the `div`
 * with its XHTML namespace declared on it, elements in the XHTML namespace unprefixed, text and
 * attribute values (as the parser expanded them) escaped again. Comments are not kept.
 */
import { escapeAttribute, escapeText } from './xml-text.js';
import {
  CDATA_KEY,
  TEXT_KEY,
  attributesOf,
  characterData,
  childrenOf,
  localNameOf,
  namespaceOf,
  scopeOf,
  tagOf,
  type NamespaceScope,
  type XmlNode,
} from './xml-tree.js';

export const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** The XHTML string of an element (normally the `div`), declaring the XHTML namespace on it. */
export function serializeXhtml(node: XmlNode, parentScope: NamespaceScope): string {
  const parts: string[] = [];
  writeElement(node, tagOf(node), parentScope, true, parts);
  return parts.join('');
}

function writeElement(node: XmlNode, tag: string, parentScope: NamespaceScope, root: boolean, out: string[]): void {
  const attributes = attributesOf(node);
  const scope = scopeOf(attributes, parentScope);
  const inXhtml = namespaceOf(tag, scope) === XHTML_NS;
  const name = inXhtml ? localNameOf(tag) : tag;
  out.push('<', name);
  if (root) out.push(' xmlns="', XHTML_NS, '"');
  for (const attr in attributes ?? {}) {
    const raw = (attributes ?? {})[attr];
    // Declarations of the XHTML namespace are implied by the output; keep any other declaration.
    if ((attr === 'xmlns' || attr.startsWith('xmlns:')) && (raw === XHTML_NS || (root && attr === 'xmlns'))) continue;
    out.push(' ', attr, '="', escapeAttribute(raw), '"');
  }
  const children = childrenOf(node, tag);
  if (children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const child of children) {
    const childTag = tagOf(child);
    if (childTag === TEXT_KEY || childTag === CDATA_KEY) out.push(escapeText(characterData(child, childTag)));
    else writeElement(child, childTag, scope, false, out);
  }
  out.push('</', name, '>');
}
