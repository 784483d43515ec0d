/**
 * The changes file against the diff, so release notes cannot mislead: a file written for another release
 * (`release`), an entry naming an artefact the diff shows unchanged, and an artefact the diff shows
 * changed that no entry names. Each is a rule (docs/rules.md) the project can set to any severity.
 */
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import type { PackageDiff } from './changes.js';
import type { ChangesFile } from './changes-file.js';

export interface ChangesCheckInput {
  diff: PackageDiff;
  changes: ChangesFile;
  /** The changes file, as diagnostics name it. */
  file: string;
  /** The release the notes are for (the new package's version). */
  version: string | undefined;
  /** `ResourceType/id` of every artefact in either version compared: an entry naming one outside is only checked when the comparison was whole. */
  compared: ReadonlySet<string>;
  /** True when only some artefacts were compared (`--only`). */
  partial: boolean;
  diagnostics: Diagnostics;
}

export function checkChangesFile(input: ChangesCheckInput): void {
  const { diff, changes, file, version, diagnostics } = input;
  if (changes.release !== undefined && version !== undefined && changes.release !== version) {
    diagnostics.rule('release.changes-version', `the changes file is for release ${changes.release} but the package is ${version}: write the entries of ${version} (and set "release": "${version}")`, { file, path: 'release' });
  }
  const changed = new Map(diff.resources.map((r) => [`${r.resourceType}/${r.id}`, r]));
  const named = new Set<string>();
  changes.changes.forEach((entry, i) => {
    entry.resources.forEach((key, j) => {
      named.add(key);
      if (changed.has(key)) return;
      const where = { file, path: `changes[${i}].resources[${j}]` };
      if (input.compared.has(key)) diagnostics.rule('release.entry-without-change', `'${entry.title}' names ${key}, which is unchanged between ${diff.old.label} and ${diff.new.label}`, where);
      else if (!input.partial) diagnostics.rule('release.entry-without-change', `'${entry.title}' names ${key}, which is in neither ${diff.old.label} nor ${diff.new.label}`, where);
    });
  });
  for (const [key, r] of changed) {
    if (named.has(key)) continue;
    const first = r.changes[0];
    const what = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : r.status;
    diagnostics.rule('release.change-without-entry', `${key} changed (${r.status}, ${r.level}: ${what}) but no entry of the changes file names it (listed under "Other changes")`, { file });
  }
}
