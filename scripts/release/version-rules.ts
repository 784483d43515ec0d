/**
 * Version rules at build, one entry per rule. The package version's form (semver with an optional
 * `-alpha.N`/`-beta.N`/`-rc.N`) is checked where the config is read; these rules need the whole package
 * or the previous release:
 *
 * - given the previous release: the version goes up, by at least the level the changes need (GP Connect
 *   versioning, semantic versioning: a removal or breaking change needs a major release, an addition or
 *   other backwards-compatible change a minor one, text and metadata a patch);
 * - GP Connect's convention (off unless configured): an artefact that keeps its URL has no breaking
 *   change (a breaking change makes a new `-N` major version of it), and the majors of one artefact built
 *   side by side describe the same resource type.
 */
import semver from 'semver';
import type { StageContext } from '../context.js';
import { isStructureDefinition, type Resource, type StructureDefinition } from '../model/fhir.js';
import { type ChangeLevel, type PackageDiff, type ResourceDiff } from './changes.js';

export interface VersionCheckInput {
  resources: Resource[];
  version: string;
  packageId: string;
  /** The comparison with the previous release, when one is configured. */
  previous?: PackageDiff;
  /** The config file's name, for findings about `version` and `previousPackage`. */
  configFile: string;
  ctx: StageContext;
}

export interface VersionRule {
  code: string;
  check(input: VersionCheckInput): void;
}

export type ReleaseLevel = 'major' | 'minor' | 'patch';

const MAJOR = /-(\d+)$/;
const releaseRank: Record<ReleaseLevel | 'none', number> = { none: 0, patch: 1, minor: 2, major: 3 };

export const versionRules: VersionRule[] = [
  {
    code: 'version.majors-same-type',
    check: ({ resources, ctx }) => {
      if (!ctx.diagnostics.isOn('version.majors-same-type')) return;
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
            ctx.diagnostics.rule('version.majors-same-type', `${sd.id} constrains ${sd.type} but ${first.id}, another major version of it, constrains ${first.type}`, { ...ctx.sources.at(sd, 'StructureDefinition.type'), resource: `StructureDefinition/${sd.id}` });
        }
      }
    },
  },
  {
    code: 'version.not-increased',
    check: ({ previous, version, configFile, ctx }) => {
      const before = previous?.old.version;
      if (!before || !semver.valid(before) || !semver.valid(version)) return;
      if (!semver.gt(version, before)) ctx.diagnostics.rule('version.not-increased', `version ${version} is not above the previous release ${previous?.old.label}`, { file: configFile, path: 'version' });
    },
  },
  {
    code: 'version.other-package',
    check: ({ previous, packageId, configFile, ctx }) => {
      const name = previous?.old.name;
      if (name && name !== packageId) ctx.diagnostics.rule('version.other-package', `the previous release ${previous?.old.label} is another package than ${packageId}`, { file: configFile, path: 'previousPackage' });
    },
  },
  {
    code: 'version.breaking-without-major',
    check: ({ previous, resources, ctx }) => {
      if (!previous || !ctx.diagnostics.isOn('version.breaking-without-major')) return;
      for (const r of previous.resources) {
        if (r.status !== 'changed' || !r.unversionedBreaking) continue;
        const resource = resources.find((x) => x.resourceType === r.resourceType && x.url === r.url);
        const next = r.id.replace(MAJOR, (_m, n: string) => `-${Number(n) + 1}`);
        ctx.diagnostics.rule(
          'version.breaking-without-major',
          `${breakingSummary(r)} since ${previous.old.label} without a new major version of ${r.id} (make it ${next === r.id ? `${r.id}-2` : next})`,
          { ...(resource ? ctx.sources.at(resource, r.resourceType) : {}), resource: `${r.resourceType}/${r.id}` },
        );
      }
    },
  },
  {
    code: 'version.bump-too-small',
    check: ({ previous, version, configFile, ctx }) => {
      const before = previous?.old.version;
      if (!previous || !before) return;
      const actual = releaseLevel(before, version);
      if (actual === undefined || actual === 'none') return; // not a version increase: version.not-increased
      // Under GP Connect's convention a breaking change is fixed by a new major of the artefact, not of the package: reported once, there.
      const artefactMajors = ctx.diagnostics.isOn('version.breaking-without-major');
      const { level, reasons } = neededLevel(previous, artefactMajors);
      if (releaseRank[actual] >= releaseRank[level]) return;
      const shown = reasons.slice(0, 3).join('; ') + (reasons.length > 3 ? `; and ${reasons.length - 3} more` : '');
      ctx.diagnostics.rule(
        'version.bump-too-small',
        `${version} is a ${actual} release after ${before}, but the changes since need a ${level} release (make it ${nextVersion(before, level)}): ${shown}`,
        { file: configFile, path: 'version' },
      );
    },
  },
];

export function checkVersions(input: VersionCheckInput): void {
  for (const rule of versionRules) rule.check(input);
}

/** `2 breaking change(s): Patient.birthDate: min raised 0 -> 1; ...`. */
function breakingSummary(r: ResourceDiff): string {
  const breaking = r.changes.filter((c) => c.level === 'breaking');
  const shown = breaking.slice(0, 3).map((c) => `${c.path ? `${c.path}: ` : ''}${c.message}`).join('; ');
  return `${breaking.length} breaking change(s) (${shown}${breaking.length > 3 ? '; ...' : ''})`;
}

/** The release level the changes of a diff need, and why (one reason per artefact). */
export function neededLevel(diff: PackageDiff, artefactMajors: boolean): { level: ReleaseLevel | 'none'; reasons: string[] } {
  let level: ReleaseLevel | 'none' = 'none';
  const reasons: Array<[ReleaseLevel, string]> = [];
  for (const r of diff.resources) {
    const what = `${r.resourceType} ${r.id}`;
    let needs: ReleaseLevel;
    let why: string;
    if (r.status === 'removed') [needs, why] = ['major', `${what} removed`];
    else if (r.status === 'added') [needs, why] = ['minor', `${what} added`];
    else if (r.status === 'new-major') [needs, why] = ['minor', `${what} added (a new major version of ${r.related ?? 'an artefact'})`];
    else if (r.unversionedBreaking && !artefactMajors) [needs, why] = ['major', `${what}: ${breakingSummary(r)}`];
    else {
      needs = toRelease(r.level === 'breaking' && artefactMajors ? 'minor' : r.level);
      const first = r.changes.find((c) => toRelease(c.level) === needs) ?? r.changes[0];
      why = `${what}: ${first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'changed'}`;
    }
    reasons.push([needs, why]);
    if (releaseRank[needs] > releaseRank[level]) level = needs;
  }
  return { level, reasons: reasons.filter(([l]) => l === level).map(([, why]) => why) };
}

function toRelease(level: ChangeLevel): ReleaseLevel {
  return level === 'breaking' ? 'major' : level;
}

/**
 * What kind of release `after` is after `before`: by semantic versioning, where in 0.y.z (initial
 * development) a minor bump is a major release and a patch bump a minor one. From a pre-release to a later
 * one (or to the release) of the same x.y.z, the level is that of x.y.z itself (x.0.0 major, x.y.0 minor).
 */
export function releaseLevel(before: string, after: string): ReleaseLevel | 'none' | undefined {
  const b = semver.parse(before);
  const a = semver.parse(after);
  if (!b || !a) return undefined;
  if (semver.lte(after, before)) return 'none';
  let level: ReleaseLevel;
  if (a.major !== b.major) level = 'major';
  else if (a.minor !== b.minor) level = 'minor';
  else if (a.patch !== b.patch) level = 'patch';
  else level = a.patch > 0 ? 'patch' : a.minor > 0 ? 'minor' : 'major';
  if (a.major === 0 && level !== 'major') level = level === 'minor' ? 'major' : 'minor';
  return level;
}

/** The smallest version after `before` that is a release of `level`. */
export function nextVersion(before: string, level: ReleaseLevel | 'none'): string {
  const zero = semver.major(before) === 0;
  const bump: semver.ReleaseType = level === 'major' ? (zero ? 'minor' : 'major') : level === 'minor' ? (zero ? 'patch' : 'minor') : 'patch';
  return semver.inc(before, bump) ?? before;
}

