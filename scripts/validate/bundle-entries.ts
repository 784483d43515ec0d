/**
 * Rules of a Bundle's entries that STU3 states in prose, not as invariants:
 * - a document (documents.html) has a Composition as the resource of its first entry, a message
 *   (messaging.html) a MessageHeader;
 * - an entry's fullUrl SHALL not disagree with the id of its resource (bundle-definitions.html#Bundle.entry.fullUrl):
 *   when it looks like a RESTful server URL (references.html#regex: an optional http(s) base, then
 *   `Type/id`), it ends with the resource's type and id. (That it names no version is STU3's invariant
 *   bdl-8, evaluated with the others.) Other fullUrls (`urn:uuid:`, `urn:oid:`, any other URI) say nothing
 *   about the id and are not checked; nor is an entry whose resource has no id (a create).
 */
import type { Resource } from '../model/fhir.js';
import { isObject } from '../util/values.js';
import type { ValidationIssue } from './issues.js';
import { ruleIssue } from './policy.js';
import type { SemanticContext } from './semantic-context.js';

/**
 * references.html#regex, its list of resource types left to the element model: type, id (a version
 * allowed: bdl-8's to report). Any http(s) base is taken (the specification's regex, unanchored, finds the
 * `Type/id` after a host such as `my-server.org` too).
 */
const RESTFUL = /^(?:https?:\/\/\S*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** The resource type a Bundle of this type starts with, and the rule that says so. */
const FIRST_RESOURCE: ReadonlyMap<string, { type: string; rule: 'bundle-document-composition' | 'bundle-message-header' }> = new Map([
  ['document', { type: 'Composition', rule: 'bundle-document-composition' }],
  ['message', { type: 'MessageHeader', rule: 'bundle-message-header' }],
]);

export function checkBundleEntries(bundle: Resource, location: string, ctx: SemanticContext): ValidationIssue[] {
  const entries: unknown[] = Array.isArray(bundle.entry) ? bundle.entry : [];
  const out: ValidationIssue[] = [];
  const first = typeof bundle.type === 'string' ? FIRST_RESOURCE.get(bundle.type) : undefined;
  if (first) {
    const resource = isObject(entries[0]) ? entries[0].resource : undefined;
    const type = isObject(resource) && typeof resource.resourceType === 'string' ? resource.resourceType : undefined;
    if (type !== first.type)
      out.push(ruleIssue(first.rule, entries.length > 0 ? `${location}.entry[0]` : location, `a ${bundle.type} Bundle starts with a ${first.type}: its first entry ${type ? `holds a ${type}` : entries.length > 0 ? 'holds no resource' : 'is missing'}`));
  }
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!isObject(entry) || typeof entry.fullUrl !== 'string') continue;
    const resource = entry.resource;
    if (!isObject(resource) || typeof resource.resourceType !== 'string' || typeof resource.id !== 'string') continue;
    // Most fullUrls that name a type and id name the resource's own: seen without a regex (a 10,000-entry Bundle has 10,000).
    if (endsWithTypeAndId(entry.fullUrl, resource.resourceType, resource.id)) continue;
    const m = RESTFUL.exec(entry.fullUrl);
    if (!m || !ctx.model.isResourceType(m[1])) continue;
    if (m[1] !== resource.resourceType || m[2] !== resource.id)
      out.push(ruleIssue('bundle-fullurl-id', `${location}.entry[${i}].fullUrl`, `fullUrl '${entry.fullUrl}' names ${m[1]}/${m[2]}, but the entry's resource is ${resource.resourceType}/${resource.id}`));
  }
  return out;
}

/** Whether `url` is `type/id` or ends with `/type/id`. */
function endsWithTypeAndId(url: string, type: string, id: string): boolean {
  const slash = url.length - id.length - 1;
  const start = slash - type.length;
  return start >= 0 && url.endsWith(id) && url.charCodeAt(slash) === 0x2f && url.startsWith(type, start) && (start === 0 || url.charCodeAt(start - 1) === 0x2f);
}
