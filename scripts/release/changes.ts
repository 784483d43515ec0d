/**
 * What `diff` finds between two versions of a package: per resource, each change with its level, as the
 * GP Connect versioning page defines them. `breaking` needs a new major version of the artefact (a new
 * name, `-1` -> `-2`); `minor` adds in a backwards-compatible way (optional element, code added);
 * `patch` changes text and metadata only.
 */
import { canonicalJson } from '../util/values.js';

export type ChangeLevel = 'breaking' | 'minor' | 'patch';

export const levelRank: Record<ChangeLevel, number> = { breaking: 3, minor: 2, patch: 1 };

export interface Change {
  level: ChangeLevel;
  /** A stable rule id: `element.min-raised`, `valueset.code-added`, ... */
  code: string;
  /** Element id (`Appointment.extension:deliveryChannel`) or field (`version`), when the change has one. */
  path?: string;
  message: string;
}

/**
 * - `changed`: the same artefact (same URL) in both versions;
 * - `new-major`: a new major version (`X-2`) of an artefact of the old version (`X-1`), compared with it:
 *   its breaking changes are what the new major is for;
 * - `added`, `removed`: in one version only (removal is breaking: consumers of the old artefact break).
 */
export type ResourceStatus = 'added' | 'removed' | 'changed' | 'new-major';

export interface ResourceDiff {
  resourceType: string;
  id: string;
  url: string;
  status: ResourceStatus;
  /** For `new-major`: the URL of the old version's artefact it succeeds. For `removed`: a successor in the new version. */
  related?: string;
  level: ChangeLevel;
  /** True when this resource has a breaking change that no new major version covers. */
  unversionedBreaking: boolean;
  changes: Change[];
}

/** The package version bump the changes call for (`none` when nothing changed). */
export type SuggestedBump = 'major' | 'minor' | 'patch' | 'none';

export interface PackageDiff {
  old: { label: string; name?: string; version?: string };
  new: { label: string; name?: string; version?: string };
  /** Changed, added, removed and new-major resources, sorted by type then id. */
  resources: ResourceDiff[];
  /** The highest level of any change, or `none`. */
  level: ChangeLevel | 'none';
  /** Resources with a breaking change not covered by a new major version (what `--fail-on breaking` and the build refuse). */
  unversionedBreaking: number;
  suggestedBump: SuggestedBump;
}

export function maxLevel(levels: Iterable<ChangeLevel>): ChangeLevel | undefined {
  let best: ChangeLevel | undefined;
  for (const l of levels) if (!best || levelRank[l] > levelRank[best]) best = l;
  return best;
}

/** A short printable form of a value for change messages. */
export function show(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : canonicalJson(value);
  // Long values (URLs) differ at either end: keep both.
  return text.length > 80 ? `${text.slice(0, 38)}...${text.slice(-38)}` : text;
}
