/**
 * Validating an XML payload: the XML rules of FHIR (xml-rules.ts) while reading it into type-aware JSON,
 * then every layer of the JSON validator on that JSON; the issues merged. Issues the JSON layers find get
 * the source line of the nearest element the XML reader recorded, so every issue points into the XML.
 */
import type { ElementModel } from '../resolve/element-model.js';
import type { Budget } from '../util/limits.js';
import { placedAt, type ValidationIssue } from './issues.js';
import { sizeIssue } from './json-payload.js';
import { readXmlPayload } from './xml-rules.js';

const NARRATIVE_NOT_EVALUATED = /^constraint txt-[12] not evaluated/;

/** What the XML path needs from the JSON validator: every layer on a parsed resource, its issues added to `out`. */
export type JsonIssueSource<O> = (resource: unknown, options: O | undefined, out: ValidationIssue[]) => void;

/**
 * The issues of an XML payload (text or bytes), added to `out`: XML rules first, then the JSON validator's,
 * with lines. A payload over the size limit is one fatal issue; depth, issue count and time are the
 * budget's (the reader stops at them too). Lines are added even when a limit stops the JSON layers.
 */
export function xmlPayloadIssues<O>(validate: JsonIssueSource<O>, model: ElementModel, payload: string | Uint8Array, options: O | undefined, budget: Budget, out: ValidationIssue[]): ValidationIssue[] {
  const oversize = sizeIssue(typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.byteLength, budget.limits.maxBytes);
  if (oversize) {
    out.push(oversize);
    return out;
  }
  const read = readXmlPayload(payload, model, { budget });
  for (const issue of read.issues) out.push(issue);
  budget.spend(read.issues.length);
  if (read.stopped) throw read.stopped;
  if (!read.resource) return out;
  const from = out.length;
  try {
    validate(read.resource, options, out);
  } finally {
    let kept = from;
    for (let i = from; i < out.length; i++) {
      const issue = out[i];
      // The narrative invariants the JSON layer cannot evaluate (htmlChecks()) were checked by the XML rules.
      if (issue.severity === 'information' && NARRATIVE_NOT_EVALUATED.test(issue.diagnostics)) continue;
      const line = issue.line === undefined ? read.lineOf(issue.expression) : undefined;
      out[kept++] = line === undefined ? issue : placedAt(issue, line, issue.column);
    }
    out.length = kept;
  }
  return out;
}
