/**
 * The build's version stage: the version rules over the package being built, and, when a previous release
 * is given (config `previousPackage` or the build's `--previous`), the comparison with it, so a breaking
 * change to an artefact that keeps its major version fails the build.
 */
import { basename } from 'node:path';
import type { StageContext } from '../context.js';
import type { ProjectConfig } from '../load/config.js';
import { loadPackageVersion, type PackageVersion } from '../definitions/package-version.js';
import type { Resource } from '../model/fhir.js';
import type { PackageDiff } from './changes.js';
import { diffPackages } from './diff.js';
import { checkVersions } from './version-rules.js';

export interface CompatibilityInput {
  config: ProjectConfig;
  /** The project's resources as read (diagnostics point at their files). */
  resources: Resource[];
  /** The same resources as built (profiles with their snapshots), in the same order. */
  built: Resource[];
  /** The previous release; overrides the config's `previousPackage`. */
  previous?: string;
  offline?: boolean;
  ctx: StageContext;
}

export interface CompatibilityResult {
  /** False when the previous release cannot be read (an environment error). */
  ok: boolean;
  /** The comparison with the previous release, when there is one. */
  diff?: PackageDiff;
}

/** Runs the version rules. */
export async function checkCompatibility(input: CompatibilityInput): Promise<CompatibilityResult> {
  const { config, ctx } = input;
  const spec = input.previous ?? config.previousPackage;
  let previous: PackageVersion | undefined;
  if (spec) {
    previous = await loadPackageVersion(spec, {
      diagnostics: ctx.diagnostics,
      cwd: input.previous ? process.cwd() : config.projectRoot,
      dependencySources: config.dependencySources,
      projectRoot: config.projectRoot,
      offline: input.offline,
    });
    if (!previous) {
      const where = input.previous ? {} : { file: basename(config.file), path: 'previousPackage' };
      ctx.diagnostics.error('version.previous-unreadable', `the previous release ${spec} cannot be read: nothing to compare with`, where);
      return { ok: false };
    }
  }
  const current: PackageVersion = {
    label: `${config.packageId}#${config.version}`,
    name: config.packageId,
    version: config.version,
    kind: 'source-folder',
    resources: input.built.filter((r) => typeof r.url === 'string'),
  };
  const diff = previous && diffPackages(previous, current);
  checkVersions({ resources: input.resources, version: config.version, packageId: config.packageId, previous: diff, configFile: basename(config.file), ctx });
  return { ok: true, ...(diff ? { diff } : {}) };
}
