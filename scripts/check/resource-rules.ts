/** Checks across the project's resources as a whole, one entry per rule. */
import type { StageContext } from '../context.js';
import type { CanonicalResource, Resource } from '../model/fhir.js';
import { checkResourceVersions } from './resource-versions.js';

export interface ResourceCheckInput {
  resources: Resource[];
  canonical: string;
  version: string;
  /** Config `resourceVersions: stamp`: missing versions were filled in from the package version. */
  stamping?: boolean;
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
          ctx.diagnostics.rule('resource.duplicate-url', `url ${url} is also used by ${where.file ?? 'another resource'}`, at(r, 'url', ctx));
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
        if (!r.id) ctx.diagnostics.rule('resource.missing-id', `${r.resourceType} has no id`, at(r, 'id', ctx));
        else if (seen.has(key)) ctx.diagnostics.rule('resource.duplicate-id', `${key} is defined twice`, at(r, 'id', ctx));
        seen.add(key);
      }
    },
  },
  {
    code: 'resource.url-convention',
    check: ({ resources, canonical, ctx }) => {
      for (const r of resources) {
        if (!canonicalTypes.has(r.resourceType) || !r.id) continue;
        const url = (r as CanonicalResource).url;
        const expected = `${canonical}/${r.resourceType}/${r.id}`;
        if (url !== expected) ctx.diagnostics.rule('resource.url-convention', `url ${url ?? '(none)'} should be ${expected}`, at(r, 'url', ctx));
      }
    },
  },
  {
    code: 'resource.version',
    check: ({ resources, version, stamping, ctx }) => checkResourceVersions(resources, version, !!stamping, ctx),
  },
];

/** A finding on a field of a resource: its file and line, the FHIRPath, and the resource. */
function at(r: Resource, field: string, ctx: StageContext) {
  return { ...ctx.sources.at(r, `${r.resourceType}.${field}`), ...(r.id ? { resource: `${r.resourceType}/${r.id}` } : {}) };
}

export function checkResources(input: ResourceCheckInput): void {
  for (const rule of resourceRules) rule.check(input);
}
