/** Checks across the project's resources as a whole, one entry per rule. */
import type { StageContext } from '../context.js';
import type { CanonicalResource, Resource } from '../model/fhir.js';

export interface ResourceCheckInput {
  resources: Resource[];
  canonical: string;
  version: string;
  ctx: StageContext;
}

export interface ResourceRule {
  code: string;
  check(input: ResourceCheckInput): void;
}

const canonicalTypes = new Set(['ValueSet', 'CodeSystem', 'ConceptMap', 'NamingSystem', 'OperationDefinition', 'SearchParameter', 'CapabilityStatement']);

export const resourceRules: ResourceRule[] = [
  {
    code: 'resource.duplicate-url',
    check: ({ resources, ctx }) => {
      const seen = new Map<string, Resource>();
      for (const r of resources) {
        const url = (r as CanonicalResource).url;
        if (!url) continue;
        const first = seen.get(url);
        if (first) {
          const where = ctx.sources.at(first);
          ctx.diagnostics.error('resource.duplicate-url', `url ${url} is also used by ${where.file ?? 'another resource'}`, ctx.sources.at(r, `${r.resourceType}.url`));
        } else seen.set(url, r);
      }
    },
  },
  {
    code: 'resource.duplicate-id',
    check: ({ resources, ctx }) => {
      const seen = new Set<string>();
      for (const r of resources) {
        const key = `${r.resourceType}/${r.id}`;
        if (!r.id) ctx.diagnostics.error('resource.missing-id', `${r.resourceType} has no id`, ctx.sources.at(r, `${r.resourceType}.id`));
        else if (seen.has(key)) ctx.diagnostics.error('resource.duplicate-id', `${key} is defined twice`, ctx.sources.at(r, `${r.resourceType}.id`));
        seen.add(key);
      }
    },
  },
  {
    code: 'resource.url-convention',
    check: ({ resources, canonical, ctx }) => {
      for (const r of resources) {
        if (!canonicalTypes.has(r.resourceType)) continue;
        const url = (r as CanonicalResource).url;
        const expected = `${canonical}/${r.resourceType}/${r.id}`;
        if (url !== expected) ctx.diagnostics.error('resource.url-convention', `url ${url ?? '(none)'} should be ${expected}`, ctx.sources.at(r, `${r.resourceType}.url`));
      }
    },
  },
];

export function checkResources(input: ResourceCheckInput): void {
  for (const rule of resourceRules) rule.check(input);
}
