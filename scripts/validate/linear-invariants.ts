/**
 * STU3 invariants whose FHIRPath, evaluated by fhirpath.js, takes time quadratic in the size of a payload,
 * evaluated natively in linear time with the same meaning as their published expressions (which must match
 * exactly; a profile that redefines a key gets its own expression evaluated by fhirpath.js):
 *
 * - `isDistinct()` over primitives compares every pair (fhirpath.js hashes only objects): bdl-7 over a
 *   Bundle's entries, que-2 over a Questionnaire's linkIds;
 * - `%resource....` inside `where()` or per node is re-evaluated for every item: dom-3 walks the whole
 *   resource once per contained resource, ref-1 lists the contained ids once per Reference;
 * - csd-1 unions its codes (`|` removes duplicates) before `isDistinct()`, so it holds whatever the codes
 *   (a known flaw of the STU3 expression); fhirpath.js would still compare every pair of codes twice.
 *
 * Everything here is derived from the payload alone and recomputed for each payload (a WeakMap keyed by
 * the resource object only saves recomputing it for the next Reference of the same resource).
 */
import { isObject } from '../util/values.js';
import type { ReferenceScope } from './references.js';

export interface LinearEvaluator {
  /** The expression as STU3 publishes it: only that expression is evaluated natively. */
  published: string;
  /** True when the constraint holds on `node`; `resource` is `%resource`; `refs` where its references lead. */
  holds: (node: unknown, resource: unknown, refs?: ReferenceScope) => boolean;
}

export const LINEAR_EVALUATORS: Readonly<Record<string, LinearEvaluator>> = {
  'bdl-7': {
    published: 'entry.where(fullUrl).select(fullUrl&resource.meta.versionId).isDistinct()',
    holds: (node, _resource, refs) => {
      if (!isObject(node) || !Array.isArray(node.entry)) return true;
      // The reference scope of this Bundle keyed every fullUrl already: no fullUrl twice, no pair to compare.
      if (refs?.bundle?.bundle === node && !refs.bundle.fullUrlRepeated) return true;
      const seen = new Set<string>();
      for (const entry of node.entry) {
        if (!isObject(entry) || entry.fullUrl === undefined || entry.fullUrl === null) continue;
        const resource = isObject(entry.resource) ? entry.resource : undefined;
        const meta = resource && isObject(resource.meta) ? resource.meta : undefined;
        // fullUrl & versionId, made only when there is a versionId (the key is then the fullUrl string itself).
        const fullUrl = String(entry.fullUrl);
        const key = typeof meta?.versionId === 'string' && meta.versionId !== '' ? fullUrl + meta.versionId : fullUrl;
        if (seen.has(key)) return false;
        seen.add(key);
      }
      return true;
    },
  },
  'dom-3': {
    published: "contained.where(('#'+id in %resource.descendants().reference).not()).empty()",
    holds: (node, resource) => {
      if (!isObject(node) || !Array.isArray(node.contained) || node.contained.length === 0) return true;
      const references = referencesIn(resource);
      return node.contained.every((c) => !isObject(c) || typeof c.id !== 'string' || references.has(`#${c.id}`));
    },
  },
  'ref-1': {
    published: "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %resource.contained.id.trace('ids'))",
    holds: (node, resource) => {
      if (!isObject(node) || typeof node.reference !== 'string' || !node.reference.startsWith('#')) return true;
      return containedIds(resource).has(node.reference.slice(1));
    },
  },
  'que-2': {
    published: 'descendants().linkId.isDistinct()',
    holds: (node) => {
      const seen = new Set<string>();
      let distinct = true;
      walk(node, (key, value) => {
        if (key !== 'linkId' || typeof value !== 'string') return;
        if (seen.has(value)) distinct = false;
        seen.add(value);
      });
      return distinct;
    },
  },
  'csd-1': {
    published: '(concept.code | descendants().concept.code).isDistinct()',
    holds: () => true,
  },
};

const referenceSets = new WeakMap<object, Set<string>>();
const idSets = new WeakMap<object, Set<string>>();

/** Every string `reference` below a resource (`%resource.descendants().reference`), once per resource. */
function referencesIn(resource: unknown): Set<string> {
  if (!isObject(resource)) return new Set();
  let set = referenceSets.get(resource);
  if (!set) {
    const found = new Set<string>();
    walk(resource, (key, value) => {
      if (key === 'reference' && typeof value === 'string') found.add(value);
    });
    referenceSets.set(resource, (set = found));
  }
  return set;
}

/** The ids of a resource's contained resources (`%resource.contained.id`), once per resource. */
function containedIds(resource: unknown): Set<string> {
  if (!isObject(resource)) return new Set();
  let set = idSets.get(resource);
  if (!set) {
    set = new Set();
    for (const c of Array.isArray(resource.contained) ? resource.contained : []) if (isObject(c) && typeof c.id === 'string') set.add(c.id);
    idSets.set(resource, set);
  }
  return set;
}

/** Every property below `value` (not `value`'s own keys' owner itself), depth first, with an explicit stack (payloads are depth-checked, but this costs nothing). */
function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === 'object' && item !== null) stack.push(item);
    } else if (isObject(v)) {
      for (const key in v) {
        const child = v[key];
        visit(key, child);
        if (typeof child === 'object' && child !== null) stack.push(child);
      }
    }
  }
}
