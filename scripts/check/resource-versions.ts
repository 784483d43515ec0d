/**
 * The `version` of the project's canonical resources against the package version: every resource type
 * whose definition has a `<Type>.version` element (StructureDefinition, ValueSet, CodeSystem,
 * CapabilityStatement, ...) is one release's artefact, so its version is the package's. With config
 * `resourceVersions: stamp` the build writes the package version into those that have none.
 */
import type { StageContext } from '../context.js';
import type { CanonicalResource, Resource } from '../model/fhir.js';
import type { DefinitionResolver } from '../resolve/resolver.js';

/** Elements that come before `version` in every canonical resource that has them (FHIR JSON keeps definition order). */
const BEFORE_VERSION = ['resourceType', 'id', 'meta', 'implicitRules', 'language', 'text', 'contained', 'extension', 'modifierExtension', 'url', 'identifier'];

/** True when resources of this type carry a business version (their definition has `<Type>.version`). */
export function hasVersionElement(resourceType: string, resolver: DefinitionResolver): boolean {
  const sd = resolver.structureDefinition(resourceType);
  const id = `${resourceType}.version`;
  return !!sd?.snapshot?.element.some((e) => e.id === id || e.path === id);
}

/** Writes `version` into each versioned resource that has none, in place (so locations stay known); returns how many. */
export function stampVersions(resources: Resource[], version: string, ctx: StageContext): number {
  let stamped = 0;
  const versioned = new Map<string, boolean>();
  for (const r of resources) {
    if ((r as CanonicalResource).version !== undefined) continue;
    if (!versioned.has(r.resourceType)) versioned.set(r.resourceType, hasVersionElement(r.resourceType, ctx.resolver));
    if (!versioned.get(r.resourceType)) continue;
    insertVersion(r as Record<string, unknown>, version);
    stamped++;
  }
  return stamped;
}

function insertVersion(r: Record<string, unknown>, version: string): void {
  const entries = Object.entries(r);
  let at = 0;
  entries.forEach(([key], i) => {
    if (BEFORE_VERSION.includes(key)) at = i + 1;
  });
  entries.splice(at, 0, ['version', version]);
  for (const [key] of entries) delete r[key];
  for (const [key, value] of entries) r[key] = value;
}

/** The `resource.version` rule: each versioned resource's version equals the package version. */
export function checkResourceVersions(resources: Resource[], version: string, stamping: boolean, ctx: StageContext): void {
  const versioned = new Map<string, boolean>();
  for (const r of resources) {
    if (!versioned.has(r.resourceType)) versioned.set(r.resourceType, hasVersionElement(r.resourceType, ctx.resolver));
    if (!versioned.get(r.resourceType)) continue;
    const own = (r as CanonicalResource).version;
    if (own === version) continue;
    const where = { ...ctx.sources.at(r, `${r.resourceType}.version`), ...(r.id ? { resource: `${r.resourceType}/${r.id}` } : {}) };
    const message =
      own === undefined
        ? `${r.resourceType} has no version; the package version is ${version} (set it, or "resourceVersions": "stamp" in the config to have the build write it)`
        : `${r.resourceType} version ${String(own)} differs from the package version ${version}${stamping ? ' (stamping fills in a missing version only: remove it or make it equal)' : ''}`;
    ctx.diagnostics.rule('resource.version', message, where);
  }
}
