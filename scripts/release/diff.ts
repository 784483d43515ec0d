/**
 * `diff`: two versions of a package compared resource by resource. Resources are matched on their URL;
 * a new major version of an artefact (`CareConnect-GPC-Patient-2`) is matched with the old version's
 * previous major (`-1`) and compared with it, so its breaking changes are shown and allowed.
 */
import semver from 'semver';
import type { PackageVersion } from '../definitions/package-version.js';
import { isCodeSystem, isStructureDefinition, isValueSet, type CodeSystem, type Resource } from '../model/fhir.js';
import { stripVersion } from '../resolve/resolver.js';
import { levelRank, maxLevel, type Change, type ChangeLevel, type PackageDiff, type ResourceDiff, type SuggestedBump } from './changes.js';
import { resourceChanges, type CompareContext } from './resource-changes.js';

const MAJOR_SUFFIX = /-(\d+)$/;

interface Entry {
  resource: Resource;
  url: string;
  /** `ResourceType|url-without-major`. */
  family: string;
  major: number | undefined;
}

function entry(r: Resource): Entry {
  const url = String(r.url);
  const m = MAJOR_SUFFIX.exec(url);
  return { resource: r, url, family: `${r.resourceType}|${m ? url.slice(0, m.index) : url}`, major: m ? Number(m[1]) : undefined };
}

/** Compares two versions of a package. */
export function diffPackages(oldVersion: PackageVersion, newVersion: PackageVersion): PackageDiff {
  const olds = oldVersion.resources.map(entry);
  const news = newVersion.resources.map(entry);
  const oldByKey = new Map(olds.map((e) => [`${e.resource.resourceType}|${e.url}`, e]));
  const newByKey = new Map(news.map((e) => [`${e.resource.resourceType}|${e.url}`, e]));
  const ctx = compareContext(oldVersion.resources, newVersion.resources);
  const majorRaised = packageMajorRaised(oldVersion.version, newVersion.version);
  const out: ResourceDiff[] = [];

  for (const n of news) {
    const key = `${n.resource.resourceType}|${n.url}`;
    const same = oldByKey.get(key);
    if (same) {
      const changes = withoutReleaseVersion(resourceChanges(same.resource, n.resource, ctx), same.resource, n.resource, oldVersion.version, newVersion.version);
      if (changes.length) out.push(resourceDiff(n, 'changed', changes, { unversionedBreaking: changes.some((c) => c.level === 'breaking') }));
      continue;
    }
    const predecessor = previousMajor(n, olds);
    if (predecessor) {
      const changes = resourceChanges(predecessor.resource, n.resource, ctx);
      out.push(resourceDiff(n, 'new-major', changes, { related: predecessor.url, floor: 'minor' }));
    } else {
      out.push(resourceDiff(n, 'added', [{ level: 'minor', code: 'resource.added', message: `${n.resource.resourceType} added` }], {}));
    }
  }
  for (const o of olds) {
    if (newByKey.has(`${o.resource.resourceType}|${o.url}`)) continue;
    const successor = news.filter((n) => n.family === o.family && (n.major ?? 0) > (o.major ?? 0)).sort((a, b) => (a.major ?? 0) - (b.major ?? 0))[0];
    const message = `${o.resource.resourceType} removed${successor ? ` (its successor ${successor.url} is in the new version)` : ''}${majorRaised ? ' in a new major version of the package' : ''}`;
    out.push(resourceDiff(o, 'removed', [{ level: 'breaking', code: 'resource.removed', message }], { related: successor?.url, unversionedBreaking: !majorRaised }));
  }

  out.sort((a, b) => (a.resourceType === b.resourceType ? compareText(a.id, b.id) || compareText(a.url, b.url) : compareText(a.resourceType, b.resourceType)));
  const level = maxLevel(out.map((r) => r.level)) ?? 'none';
  const unversionedBreaking = out.filter((r) => r.unversionedBreaking).length;
  const suggestedBump: SuggestedBump =
    unversionedBreaking > 0 || out.some((r) => r.status === 'removed') ? 'major' : level === 'breaking' || level === 'minor' ? 'minor' : level === 'patch' ? 'patch' : 'none';
  return {
    old: labelOf(oldVersion),
    new: labelOf(newVersion),
    resources: out,
    level,
    unversionedBreaking,
    suggestedBump,
  };
}

/**
 * A resource whose `version` moved from the old package version to the new one has only followed the
 * release (rule `resource.version` keeps them equal): that is not a change of the resource.
 */
function withoutReleaseVersion(changes: Change[], o: Resource, n: Resource, oldPackage: string | undefined, newPackage: string | undefined): Change[] {
  if (oldPackage === undefined || newPackage === undefined || o.version !== oldPackage || n.version !== newPackage) return changes;
  return changes.filter((c) => c.code !== 'resource.version-changed');
}

function resourceDiff(
  e: Entry,
  status: ResourceDiff['status'],
  changes: Change[],
  opts: { related?: string; unversionedBreaking?: boolean; floor?: ChangeLevel },
): ResourceDiff {
  let level = maxLevel(changes.map((c) => c.level)) ?? opts.floor ?? 'patch';
  if (opts.floor && levelRank[opts.floor] > levelRank[level]) level = opts.floor;
  return {
    resourceType: e.resource.resourceType,
    id: String(e.resource.id ?? e.url.slice(e.url.lastIndexOf('/') + 1)),
    url: e.url,
    status,
    ...(opts.related ? { related: opts.related } : {}),
    level,
    unversionedBreaking: opts.unversionedBreaking ?? false,
    changes: sortChanges(changes),
  };
}

/** Breaking first, then minor, then patch; within a level in the order found (element order). */
function sortChanges(changes: Change[]): Change[] {
  return changes.map((c, i) => ({ c, i })).sort((a, b) => levelRank[b.c.level] - levelRank[a.c.level] || a.i - b.i).map(({ c }) => c);
}

/** The old artefact a new major version succeeds: same family, highest lower major. */
function previousMajor(n: Entry, olds: Entry[]): Entry | undefined {
  if (n.major === undefined) return undefined;
  return olds.filter((o) => o.family === n.family && o.major !== undefined && o.major < (n.major as number)).sort((a, b) => (b.major ?? 0) - (a.major ?? 0))[0];
}

function packageMajorRaised(oldVersion: string | undefined, newVersion: string | undefined): boolean {
  if (!oldVersion || !newVersion || !semver.valid(oldVersion) || !semver.valid(newVersion)) return false;
  return semver.major(newVersion) > semver.major(oldVersion);
}

function labelOf(v: PackageVersion): PackageDiff['old'] {
  return { label: v.label, ...(v.name ? { name: v.name } : {}), ...(v.version ? { version: v.version } : {}) };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lookups over both versions: code systems per side, and which value sets and code systems are bound required. */
function compareContext(olds: Resource[], news: Resource[]): CompareContext {
  const codeSystems = {
    old: new Map(olds.filter(isCodeSystem).map((cs) => [String(cs.url), cs] as const)),
    new: new Map(news.filter(isCodeSystem).map((cs) => [String(cs.url), cs] as const)),
  };
  const requiredValueSets = new Set<string>();
  for (const sd of [...olds, ...news].filter(isStructureDefinition)) {
    for (const e of [...(sd.snapshot?.element ?? []), ...(sd.differential?.element ?? [])]) {
      const vs = e.binding?.valueSetReference?.reference ?? e.binding?.valueSetUri;
      if (e.binding?.strength === 'required' && vs) requiredValueSets.add(stripVersion(vs));
    }
  }
  const requiredCodeSystems = new Set<string>();
  for (const vs of [...olds, ...news].filter(isValueSet)) {
    if (!requiredValueSets.has(String(vs.url))) continue;
    for (const inc of vs.compose?.include ?? []) if (inc.system) requiredCodeSystems.add(inc.system);
  }
  return {
    codeSystem: (url: string, side: 'old' | 'new'): CodeSystem | undefined => codeSystems[side].get(stripVersion(url)),
    requiredValueSet: (url) => requiredValueSets.has(stripVersion(url)),
    requiredCodeSystem: (url) => requiredCodeSystems.has(stripVersion(url)),
  };
}
