/**
 * A resource's narrative (`text.div`) shown on its page, sanitised rather than trusted: the div is parsed
 * with the project's secure XML parser and written back with only the formatting elements FHIR allows
 * in a narrative (validate/xml-narrative.ts) and a few harmless attributes. Scripts, event handlers,
 * styles, ids and classes are dropped; links keep an http(s) or mailto target only (a same-page target
 * would point at an id that is gone, or at the page's own); images
 * become their alt text, since a page must fetch nothing when viewed. A div that does not parse is
 * shown as escaped text.
 */
import { Diagnostics } from '../diagnostics/diagnostics.js';
import {
  CDATA_KEY,
  TEXT_KEY,
  attributesOf,
  characterData,
  childrenOf,
  localNameOf,
  parseXmlDocument,
  tagOf,
  type XmlNode,
} from '../format/xml/xml-tree.js';
import { NARRATIVE_ELEMENTS } from '../validate/xml-narrative.js';
import { escapeHtml, html, Html, isSafeHref } from './html.js';

/** Attributes kept on any element (no id, class or style: they could clash with or restyle the page). */
const KEPT_ATTRIBUTES: ReadonlySet<string> = new Set(['title', 'lang', 'dir', 'colspan', 'rowspan', 'scope', 'headers', 'abbr']);
/** Elements whose content is dropped with them. */
const DROPPED_WITH_CONTENT: ReadonlySet<string> = new Set(['script', 'style', 'head', 'object', 'iframe', 'frame', 'embed', 'noscript', 'template']);
/** Elements allowed in a narrative that the page still does not keep (images fetch; maps need ids). */
const REPLACED: ReadonlySet<string> = new Set(['img', 'map', 'area']);

export function narrativeHtml(div: string): Html {
  const doc = parseXmlDocument(div, 'text.div', new Diagnostics());
  if (!doc) return html`<pre class="narrative-source">${div}</pre>`;
  const out: string[] = [];
  writeNode(doc.root, tagOf(doc.root), out, true);
  return Html.trusted(out.join(''));
}

function writeNode(node: XmlNode, tag: string, out: string[], root: boolean): void {
  if (tag === TEXT_KEY || tag === CDATA_KEY) {
    out.push(escapeHtml(characterData(node, tag)));
    return;
  }
  const name = localNameOf(tag).toLowerCase();
  if (DROPPED_WITH_CONTENT.has(name)) return;
  if (name === 'img') {
    const alt = attributesOf(node)?.alt;
    if (alt) out.push(escapeHtml(`[image: ${alt}]`));
    return;
  }
  const kept = NARRATIVE_ELEMENTS.has(name) && !REPLACED.has(name);
  if (kept) out.push(`<${name}${root ? ' class="narrative"' : ''}${attributes(node, name)}>`);
  if (name !== 'br' && name !== 'hr' && name !== 'col') {
    for (const child of childrenOf(node, tag)) writeNode(child, tagOf(child), out, false);
    if (kept) out.push(`</${name}>`);
  }
}

function attributes(node: XmlNode, element: string): string {
  let out = '';
  const attrs = attributesOf(node) ?? {};
  for (const attr of Object.keys(attrs).sort()) {
    const value = attrs[attr] as string;
    const lower = attr.toLowerCase();
    if (KEPT_ATTRIBUTES.has(lower)) out += ` ${lower}="${escapeHtml(value)}"`;
    else if (element === 'a' && lower === 'href' && isSafeHref(value) && /^(https?|mailto):/i.test(value.trim())) out += ` href="${escapeHtml(value.trim())}" rel="noopener noreferrer"`;
  }
  return out;
}
