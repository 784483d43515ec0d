/**
 * Version rules at build, one entry per rule (GP Connect versioning). The package version's form
 * (semver with an optional `-alpha.N`/`-beta.N`/`-rc.N`) is checked where the config is read
 * (`config.invalid-value` on `version`), and a profile's `-N` suffix on id and name by
 * `profile.major-version-suffix` and `profile.major-version-mismatch` (id and name carry the same major;
 * check/profile-rules.ts); these rules add what needs the whole package or the previous release:
 *
 * - the majors of one artefact built side by side (`X-1`, `X-2`) describe the same resource type;
 * - given the previous release: the version goes up, and no artefact that keeps its major version
 *   (same URL) has a breaking change; an artefact removed needs a new major version of the package.
 */
import semver from 'semver';
import type { StageContext } from '../context.js';
import { isStructureDefinition, type Resource, type StructureDefinition } from '../model/fhir.js';
import type { PackageDiff } from './changes.js';

export interface VersionCheckInput {
  resources: Resource[];
  version: string;
  packageId: string;
  /** The comparison with the previous release, when one is configured. */
  previous?: PackageDiff;
  ctx: StageContext;
}

export interface VersionRule {
  code: string;
  check(input: VersionCheckInput): void;
}

const MAJOR = /-(\d+)$/;

export const versionRules: VersionRule[] = [
  {
    code: 'version.majors-same-type',
    check: ({ resources, ctx }) => {
      const families = new Map<string, StructureDefinition[]>();
      for (const sd of resources.filter(isStructureDefinition)) {
        const m = MAJOR.exec(sd.url ?? '');
        if (!m) continue;
        const family = sd.url.slice(0, m.index);
        families.set(family, [...(families.get(family) ?? []), sd]);
      }
      for (const members of families.values()) {
        const first = members[0] as StructureDefinition;
        for (const sd of members.slice(1)) {
          if (sd.type !== first.type)
            ctx.diagnostics.error('version.majors-same-type', `${sd.id} constrains ${sd.type} but ${first.id}, another major version of it, constrains ${first.type}`, ctx.sources.at(sd, 'StructureDefinition.type'));
        }
      }
    },
  },
  {
    code: 'version.not-increased',
    check: ({ previous, version, ctx }) => {
      const before = previous?.old.version;
      if (!before || !semver.valid(before) || !semver.valid(version)) return;
      if (!semver.gt(version, before)) ctx.diagnostics.error('version.not-increased', `version ${version} is not above the previous release ${previous?.old.label}`, { file: 'fhir.config.json', path: 'version' });
    },
  },
  {
    code: 'version.other-package',
    check: ({ previous, packageId, ctx }) => {
      const name = previous?.old.name;
      if (name && name !== packageId) ctx.diagnostics.warning('version.other-package', `the previous release ${previous?.old.label} is another package than ${packageId}`, { file: 'fhir.config.json', path: 'previousPackage' });
    },
  },
  {
    code: 'version.breaking-without-major',
    check: ({ previous, resources, ctx }) => {
      for (const r of previous?.resources ?? []) {
        if (!r.unversionedBreaking) continue;
        if (r.status === 'removed') {
          ctx.diagnostics.error(
            'version.removed-without-major',
            `${r.resourceType} ${r.id} of ${previous?.old.label} is gone${r.related ? ` (replaced by ${r.related})` : ''}: removing an artefact needs a new major version of the package`,
            { file: 'fhir.config.json', path: 'version' },
          );
          continue;
        }
        const breaking = r.changes.filter((c) => c.level === 'breaking');
        const shown = breaking.slice(0, 3).map((c) => `${c.path ? `${c.path}: ` : ''}${c.message}`).join('; ');
        const resource = resources.find((x) => x.resourceType === r.resourceType && x.url === r.url);
        const next = r.id.replace(MAJOR, (_m, n: string) => `-${Number(n) + 1}`);
        ctx.diagnostics.error(
          'version.breaking-without-major',
          `${breaking.length} breaking change(s) since ${previous?.old.label} without a new major version (make it ${next === r.id ? `${r.id}-2` : next}): ${shown}${breaking.length > 3 ? '; ...' : ''}`,
          resource ? ctx.sources.at(resource, r.resourceType) : {},
        );
      }
    },
  },
];

export function checkVersions(input: VersionCheckInput): void {
  for (const rule of versionRules) rule.check(input);
}
