/**
 * The XML rules of FHIR on a payload, as ValidationIssues, and the type-aware JSON the JSON validator
 * then checks. The type-aware reader (format/xml/read-xml.ts) carries most rules while it converts; this
 * file adds the narrative rules (xml-narrative.ts), the byte-level rules (UTF-8), and maps each reader
 * finding to an IssueType by the table below. Every issue has a FHIRPath location and, where the parser
 * gives it, the source line:
 *
 * - security: DOCTYPE, ENTITY and other markup declarations, processing instructions (refused, nothing read);
 * - the `http://hl7.org/fhir` namespace (root and every element), XHTML namespace for the narrative;
 * - elements in definition order; unknown elements and attributes; a non-repeating element repeated;
 *   one type per choice; one resource per resource wrapper;
 * - `value` (and `id`, `url`) only as attributes where the definition allows them, never empty, and of
 *   the primitive's JSON type; no text content in FHIR elements;
 * - the narrative `div`: only the XHTML FHIR allows (no script, no event attributes).
 */
import { Diagnostics, type Diagnostic } from '../diagnostics/diagnostics.js';
import { SourceMap } from '../diagnostics/source-map.js';
import { convertXmlDocument } from '../format/xml/read-xml.js';
import { lineOfPath } from '../format/xml/xml-locate.js';
import { parseXmlDocument, type XmlDocument } from '../format/xml/xml-tree.js';
import { Budget, LimitReached } from '../util/limits.js';
import type { Resource } from '../model/fhir.js';
import type { ElementModel } from '../resolve/element-model.js';
import type { IssueCode, ValidationIssue } from './issues.js';
import { checkNarrativeNode } from './xml-narrative.js';

/** Reader rule -> IssueType. Refusals are `security`; anything unknown defaults to `structure`. */
const issueCodes: Readonly<Record<string, IssueCode>> = {
  'load.xml-doctype': 'security',
  'load.xml-entity-declaration': 'security',
  'load.xml-markup-declaration': 'security',
  'load.xml-processing-instruction': 'security',
  'load.xml-malformed': 'structure',
  'load.xml-encoding': 'structure',
  'load.xml-namespace': 'structure',
  'load.xml-unknown-resource': 'structure',
  'load.xml-unknown-element': 'structure',
  'load.xml-unknown-attribute': 'structure',
  'load.xml-unknown-type': 'structure',
  'load.xml-element-order': 'structure',
  'load.xml-unexpected-text': 'structure',
  'load.xml-repeated-element': 'structure',
  'load.xml-choice-conflict': 'structure',
  'load.xml-resource-wrapper': 'structure',
  'load.xml-empty-value': 'value',
  'load.xml-invalid-value': 'value',
  'load.xml-empty-element': 'invariant',
};

/** What reading a payload gives: the resource as FHIR JSON (when the document could be read) and the XML issues. */
export interface XmlPayload {
  resource?: Resource;
  issues: ValidationIssue[];
  /** A limit of the budget reached while reading: the issues are those found until then, and no resource. */
  stopped?: LimitReached;
  /** The source line of a FHIRPath location (the element, else the nearest enclosing one), for issues found later on the JSON. */
  lineOf(expression: string): number | undefined;
}

export interface XmlPayloadOptions {
  /** Name used in messages about the document as a whole (default `payload.xml`). */
  file?: string;
  /** The payload's budget (depth, issues, time); default: the default limits. */
  budget?: Budget;
}

/**
 * Reads an XML payload under the XML rules of FHIR. Never throws on bad content: a document that cannot
 * be read gives issues and no resource; otherwise the resource is the type-aware JSON (unknown or
 * misplaced content reported and left out or put in order), ready for the JSON validator.
 */
export function readXmlPayload(input: string | Uint8Array, model: ElementModel, options: XmlPayloadOptions = {}): XmlPayload {
  const file = options.file ?? 'payload.xml';
  const issues: ValidationIssue[] = [];
  const text = typeof input === 'string' ? input : decodeUtf8(input, issues);
  const diagnostics = new Diagnostics();
  const budget = options.budget ?? new Budget();
  if (text !== undefined) checkDeclaredEncoding(text, issues);
  let resource: Resource | undefined;
  let doc: XmlDocument | undefined;
  let stopped: LimitReached | undefined;
  try {
    doc = text === undefined ? undefined : parseXmlDocument(text, file, diagnostics, { budget });
    resource = doc
      ? convertXmlDocument(doc, file, { model, diagnostics, sources: new SourceMap() }, {
          readUnqualified: true,
          recordSources: false,
          budget,
          onXhtml: (node, scope, path, lines) => {
            for (const f of checkNarrativeNode(node, scope, path, lines)) issues.push({ severity: 'error', code: f.code, diagnostics: f.message, expression: f.path, ...(f.line !== undefined ? { line: f.line } : {}) });
          },
        })
      : undefined;
  } catch (e) {
    if (!(e instanceof LimitReached)) throw e;
    stopped = e;
    resource = undefined;
  }
  const root = resource?.resourceType ?? rootName(text);
  for (const d of diagnostics.all) issues.push(toIssue(d, root));
  // A payload that could not be read at all (refused, malformed, not UTF-8): its errors are fatal.
  if (!resource && !stopped) for (const issue of issues) if (issue.severity === 'error') issue.severity = 'fatal';
  const located = resource && doc;
  return { resource, issues, ...(stopped ? { stopped } : {}), lineOf: (expression) => (located ? lineOfPath(located, expression) : undefined) };
}

/** Reader warnings that are errors in a payload: an element with neither value nor children breaks ele-1. */
const payloadErrors: ReadonlySet<string> = new Set(['load.xml-empty-element']);

function toIssue(d: Diagnostic, root: string): ValidationIssue {
  const issue: ValidationIssue = {
    severity: payloadErrors.has(d.code) ? 'error' : d.severity,
    code: issueCodes[d.code] ?? 'structure',
    diagnostics: payloadErrors.has(d.code) ? `${d.message} (ele-1: every element has a value or children)` : d.message,
    expression: d.path ?? root,
  };
  if (d.line !== undefined) issue.line = d.line;
  return issue;
}

/** The root element's local name, for issues about the document as a whole (the first `<name`; linear, however odd the text). */
function rootName(text: string | undefined): string {
  const m = text === undefined ? null : /<([A-Za-z_][\w.:-]*)/.exec(text);
  return m ? m[1].slice(m[1].lastIndexOf(':') + 1) || 'Resource' : 'Resource';
}

/** Bytes to text: FHIR XML is UTF-8 (a UTF-8 byte order mark is fine); UTF-16 and invalid bytes are reported. */
function decodeUtf8(bytes: Uint8Array, issues: ValidationIssue[]): string | undefined {
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    issues.push({ severity: 'error', code: 'structure', diagnostics: 'the payload is UTF-16: FHIR XML must be UTF-8', expression: 'Resource', line: 1 });
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    issues.push({ severity: 'error', code: 'structure', diagnostics: 'the payload is not valid UTF-8: FHIR XML must be UTF-8', expression: 'Resource' });
    return undefined;
  }
}

/** `<?xml ... encoding="X"?>` with X other than UTF-8 is an error: the text was read as UTF-8 regardless. */
function checkDeclaredEncoding(text: string, issues: ValidationIssue[]): void {
  const m = /^\uFEFF?<\?xml[^?]*\bencoding\s*=\s*["']([^"']*)["']/.exec(text);
  if (m && !/^utf-?8$/i.test(m[1])) issues.push({ severity: 'error', code: 'structure', diagnostics: `encoding '${m[1]}' is declared: FHIR XML must be UTF-8`, expression: rootName(text), line: 1 });
}
