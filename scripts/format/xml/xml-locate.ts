/**
 * Finding the XML element a FHIRPath location of the JSON names (`Bundle.entry[2].resource.name[0].family`),
 * in the parsed tree, for a line number: the element with the longest prefix of the path that exists.
 * Names match XML local names (JSON choice names such as `valueQuantity` are the XML tag names too), `[n]` is
 * the n-th sibling of that name, and a resource wrapper (`resource`, `contained`) is stepped through to the
 * resource element inside it. A segment that is not an element (a `url` or `id` attribute, a function
 * call) ends the walk at the element before it.
 *
 * Done on demand, only for the issues that need a line, so reading a payload records nothing per node.
 */
import { CDATA_KEY, TEXT_KEY, childrenOf, localNameOf, startOf, tagOf, type XmlDocument, type XmlNode } from './xml-tree.js';

const SEGMENT = /^([A-Za-z][A-Za-z0-9_]*)(?:\[(\d+)\])?$/;

/** The 1-based line of the deepest element on `expression`'s path (the root's when nothing below matches). */
export function lineOfPath(doc: XmlDocument, expression: string): number {
  let node = doc.root;
  const segments = expression.split('.');
  for (let i = 1; i < segments.length; i++) {
    const m = SEGMENT.exec(segments[i]);
    if (!m) break;
    const index = m[2] === undefined ? 0 : Number(m[2]);
    const next = childNamed(node, m[1], index) ?? throughWrapper(node, m[1], index);
    if (!next) break;
    node = next;
  }
  return doc.lines.line(startOf(node));
}

/**
 * A node's child elements by local name, built on the first question about that node: a payload with many
 * issues under one element (a Bundle's entries) asks about it again and again, and each answer must not
 * walk all of its children. Derived from the tree alone, and dropped with it.
 */
const childIndexes = new WeakMap<XmlNode, Map<string, XmlNode[]>>();

/** The `index`-th child element of `node` with local name `name`. */
function childNamed(node: XmlNode, name: string, index: number): XmlNode | undefined {
  let byName = childIndexes.get(node);
  if (!byName) {
    byName = new Map();
    for (const child of childrenOf(node, tagOf(node))) {
      const local = localNameOf(tagOf(child));
      const list = byName.get(local);
      if (list) list.push(child);
      else byName.set(local, [child]);
    }
    childIndexes.set(node, byName);
  }
  return byName.get(name)?.[index];
}

/** In a resource wrapper (one element child, a resource type: capitalised, unlike FHIR element names), the child of the resource. */
function throughWrapper(node: XmlNode, name: string, index: number): XmlNode | undefined {
  let inner: XmlNode | undefined;
  for (const child of childrenOf(node, tagOf(node))) {
    const tag = tagOf(child);
    if (tag === TEXT_KEY || tag === CDATA_KEY) continue;
    if (inner) return undefined;
    inner = child;
  }
  return inner && /^[A-Z]/.test(localNameOf(tagOf(inner))) ? childNamed(inner, name, index) : undefined;
}
