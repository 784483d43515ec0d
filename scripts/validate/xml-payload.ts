/**
 * Validating an XML payload: the XML rules of FHIR (xml-rules.ts) while reading it into type-aware JSON,
 * then every layer of the JSON validator on that JSON; the issues merged. Issues the JSON layers find get
 * the source line of the nearest element the XML reader recorded, so every issue points into the XML.
 */
import type { ElementModel } from '../resolve/element-model.js';
import type { ValidationIssue } from './issues.js';
import { sizeIssue, type PayloadLimits } from './json-payload.js';
import { readXmlPayload } from './xml-rules.js';

const NARRATIVE_NOT_EVALUATED = /^constraint txt-[12] not evaluated/;

/** What the XML path needs from the JSON validator: its issues for a parsed resource. */
export interface JsonIssueSource<O> {
  issues(resource: unknown, options?: O): ValidationIssue[];
}

/**
 * The issues of an XML payload (text or bytes): XML rules first, then the JSON validator's, with lines.
 * A payload over the size limit is one fatal issue (nesting is bounded by the XML reader itself).
 */
export function xmlPayloadIssues<O>(validator: JsonIssueSource<O>, model: ElementModel, payload: string | Uint8Array, options?: O, limits: Partial<PayloadLimits> = {}): ValidationIssue[] {
  const oversize = sizeIssue(typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.byteLength, limits.maxBytes);
  if (oversize) return [oversize];
  const read = readXmlPayload(payload, model);
  if (!read.resource) return read.issues;
  const issues = [...read.issues];
  for (const issue of validator.issues(read.resource, options)) {
    // The narrative invariants the JSON layer cannot evaluate (htmlChecks()) were checked by the XML rules.
    if (issue.severity === 'information' && NARRATIVE_NOT_EVALUATED.test(issue.diagnostics)) continue;
    if (issue.line === undefined) {
      const line = read.lineOf(issue.expression);
      issues.push(line === undefined ? issue : { ...issue, line });
    } else issues.push(issue);
  }
  return issues;
}
