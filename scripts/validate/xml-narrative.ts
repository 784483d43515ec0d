/**
 * The narrative rules of FHIR STU3 (Narrative.div, invariants txt-1 and txt-2, and the narrative page's
 * "no scripts, forms, frames, objects, head/body, external stylesheets or event handlers"): the `div` is
 * an XHTML `div` in the XHTML namespace, has some non-whitespace content, and holds only the basic HTML
 * formatting elements and attributes the STU3 narrative rules allow (the same subset as the HL7
 * `fhir-xhtml.xsd` restricts XHTML to; test/xml/xsd-crosscheck.test.ts checks the table against it).
 * `href`/`src` with a `javascript:` (or `vbscript:`/`data:text/html`) scheme are refused too, however
 * written (character references decoded, the whitespace and controls browsers skip removed), and so is
 * `style` that runs script (`expression()`, `javascript:`) or imports style sheets.
 *
 * Works on the parsed XML tree, so the XML reader checks the div it reads in place (with lines);
 * `checkNarrativeDiv` does the same for the string a JSON payload carries.
 */
import { Diagnostics } from '../diagnostics/diagnostics.js';
import type { LineIndex } from '../format/line-index.js';
import { XHTML_NS } from '../format/xml/xhtml.js';
import {
  CDATA_KEY,
  EMPTY_SCOPE,
  TEXT_KEY,
  attributesOf,
  characterData,
  childrenOf,
  localNameOf,
  namespaceOf,
  parseXmlDocument,
  scopeOf,
  startOf,
  tagOf,
  type NamespaceScope,
  type XmlNode,
} from '../format/xml/xml-tree.js';
import type { IssueCode, ValidationIssue } from './issues.js';

/** The elements a FHIR narrative may hold (HTML 4.0 chapters 7-11 and 15 formatting, tables, lists, links, images). */
export const NARRATIVE_ELEMENTS: ReadonlySet<string> = new Set([
  'a', 'abbr', 'acronym', 'address', 'area', 'b', 'bdo', 'big', 'blockquote', 'br', 'caption', 'cite', 'code', 'col', 'colgroup',
  'dd', 'dfn', 'div', 'dl', 'dt', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'kbd', 'li', 'map', 'ol', 'p', 'pre',
  'q', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'tt', 'ul', 'var',
]);

/** Attributes allowed on every narrative element (core, i18n, focus and the table layout attributes). */
export const NARRATIVE_COMMON_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id', 'class', 'style', 'title', 'lang', 'xml:lang', 'dir', 'accesskey', 'tabindex',
  'span', 'width', 'align', 'valign', 'char', 'charoff', 'abbr', 'axis', 'headers', 'scope', 'rowspan', 'colspan',
]);

/** Attributes allowed on one element only (`element.attribute`). */
export const NARRATIVE_ELEMENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'a.charset', 'a.coords', 'a.href', 'a.hreflang', 'a.name', 'a.rel', 'a.rev', 'a.shape', 'a.type',
  'area.alt', 'area.coords', 'area.href', 'area.nohref', 'area.shape', 'blockquote.cite', 'q.cite', 'bdo.dir',
  'img.alt', 'img.border', 'img.height', 'img.ismap', 'img.longdesc', 'img.src', 'img.usemap', 'img.width', 'map.name',
  'ol.start', 'li.value', 'pre.xml:space',
  'table.border', 'table.cellpadding', 'table.cellspacing', 'table.frame', 'table.rules', 'table.summary', 'td.nowrap', 'th.nowrap',
]);

/** A URL that runs script, once references are decoded and the whitespace and controls browsers ignore are gone. */
const SCRIPT_URL = /^(?:javascript:|vbscript:|data:text\/html)/i;
/** Style that runs script (old IE `expression()`, `javascript:` inside `url()`), or pulls in other style sheets. */
const SCRIPT_STYLE = /expression\s*\(|javascript:|vbscript:|@import|behavior\s*:/i;
const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['href', 'src', 'longdesc', 'usemap', 'cite']);

/** One finding; the caller adds file and turns it into its own issue form. */
export interface NarrativeFinding {
  code: IssueCode;
  message: string;
  path: string;
  line?: number;
}

/**
 * Checks a narrative `div` node (as the XML reader meets it). `path` is the div's FHIRPath
 * (`Patient.text.div`); `lines` turns node offsets into lines when given.
 */
export function checkNarrativeNode(node: XmlNode, parentScope: NamespaceScope, path: string, lines: LineIndex | undefined): NarrativeFinding[] {
  const findings: NarrativeFinding[] = [];
  const tag = tagOf(node);
  const scope = scopeOf(attributesOf(node), parentScope);
  const at = (n: XmlNode) => (lines ? lines.line(startOf(n)) : undefined);
  const add = (code: IssueCode, message: string, n: XmlNode) => {
    const line = at(n);
    findings.push(line === undefined ? { code, message, path } : { code, message, path, line });
  };
  if (namespaceOf(tag, scope) !== XHTML_NS || localNameOf(tag) !== 'div') {
    add('structure', `the narrative must be an XHTML div (element 'div' in namespace ${XHTML_NS}), found '${tag}'`, node);
    return findings;
  }
  let text = false;
  const walk = (n: XmlNode, t: string, s: NamespaceScope): void => {
    const name = localNameOf(t);
    const inXhtml = namespaceOf(t, s) === XHTML_NS;
    const allowed = inXhtml && NARRATIVE_ELEMENTS.has(name);
    if (!inXhtml) {
      add('structure', `element '${t}' in the narrative is not in the XHTML namespace`, n);
    } else if (!NARRATIVE_ELEMENTS.has(name)) {
      const dangerous = name === 'script' || name === 'object' || name === 'iframe' || name === 'frame' || name === 'embed' || name === 'form' || name === 'input' || name === 'button';
      add(dangerous ? 'security' : 'invalid', `element '${name}' is not allowed in a FHIR narrative (only basic HTML formatting; no scripts, forms, frames, objects, head or body)`, n);
    }
    const attributes = attributesOf(n);
    for (const attr in attributes ?? {}) {
      if (attr === 'xmlns' || attr.startsWith('xmlns:')) continue; // an element taken out of XHTML is reported as such
      const lower = attr.toLowerCase();
      if (lower.startsWith('on')) {
        add('security', `event attribute '${attr}' on '${name}' is not allowed in a FHIR narrative (no scripts)`, n);
        continue;
      }
      const value = attributes?.[attr] ?? '';
      if (URL_ATTRIBUTES.has(lower) && SCRIPT_URL.test(value.replace(/[\s\p{Cc}]/gu, ''))) {
        add('security', `'${attr}' on '${name}' holds a script URL, which a FHIR narrative must not carry`, n);
        continue;
      }
      if (lower === 'style' && SCRIPT_STYLE.test(value.replace(/[\s\p{Cc}]/gu, ''))) {
        add('security', `'style' on '${name}' holds script or an imported style sheet, which a FHIR narrative must not carry`, n);
        continue;
      }
      // A refused element is one finding, not one more per attribute.
      if (allowed && !NARRATIVE_COMMON_ATTRIBUTES.has(attr) && !NARRATIVE_ELEMENT_ATTRIBUTES.has(`${name}.${attr}`)) {
        add('invalid', `attribute '${attr}' is not allowed on '${name}' in a FHIR narrative`, n);
      }
    }
    if (name === 'img' || name === 'a' || name === 'area') text = true; // an image or link is content
    for (const child of childrenOf(n, t)) {
      const ct = tagOf(child);
      if (ct === TEXT_KEY || ct === CDATA_KEY) {
        if (!text && /\S/.test(characterData(child, ct))) text = true;
        continue;
      }
      walk(child, ct, scopeOf(attributesOf(child), s));
    }
  };
  walk(node, tag, scope);
  if (!text) add('invariant', 'the narrative has no non-whitespace content (txt-2)', node);
  return findings;
}

/** Checks the narrative string a JSON payload carries (`text.div`); `path` is its FHIRPath. */
export function checkNarrativeDiv(div: string, path: string): ValidationIssue[] {
  const diagnostics = new Diagnostics();
  const doc = parseXmlDocument(div, path, diagnostics);
  if (!doc) {
    return diagnostics.all.map((d) => ({ severity: 'error', code: d.code === 'load.xml-malformed' ? 'structure' : 'security', diagnostics: `narrative: ${d.message}`, expression: path }));
  }
  return checkNarrativeNode(doc.root, EMPTY_SCOPE, path, undefined).map((f) => ({ severity: 'error', code: f.code, diagnostics: f.message, expression: f.path }));
}
