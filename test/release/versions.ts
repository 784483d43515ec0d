/** Package versions for release tests: read from the NHS corpus, the project's sources, or built resources. */
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { loadPackageVersion, type PackageVersion } from '../../scripts/definitions/package-version.js';
import type { Resource } from '../../scripts/model/fhir.js';
import { fhirPackagesDir, projectRoot } from '../helpers/shared.js';

export const loadOptions = (diagnostics: Diagnostics, only?: string[]) => ({
  diagnostics,
  dependencySources: [{ type: 'directory' as const, path: fhirPackagesDir }],
  projectRoot,
  offline: true,
  ...(only ? { only } : {}),
});

/** One version read from a path; fails the test with the diagnostics when it cannot be read. */
export async function versionOf(spec: string, only?: string[]): Promise<PackageVersion> {
  const diagnostics = new Diagnostics();
  const v = await loadPackageVersion(spec, loadOptions(diagnostics, only));
  const errors = diagnostics.sorted().filter((d) => d.severity === 'error' || d.severity === 'fatal');
  if (!v || errors.length) throw new Error(`cannot read ${spec}: ${errors.map((d) => d.message).join('; ')}`);
  return v;
}

/** A version made of given resources. */
export function versionWith(label: string, resources: Resource[], version?: string): PackageVersion {
  return { label, kind: 'package-folder', resources, ...(version ? { version, name: 'test.package' } : {}) };
}

export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
