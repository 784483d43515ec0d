/**
 * A loaded dependency package is checked before anything is built on it: every resource its
 * `package/.index.json` lists is present, and every JSON file of `package/` parsed (fhir-package-loader
 * skips a file it cannot parse without a word, so a damaged download or tarball would load as a smaller
 * package, and the validators built on it would be weaker: a required binding whose value set went
 * missing checks nothing). A package with no resources at all is damaged too (a tarball holding only its
 * package.json). Each problem names the package and the file.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isObject, errorMessage } from '../../util/values.js';
import { readJson } from './store.js';

/** Problems listed at most per package (a whole damaged package would otherwise print thousands of lines). */
const MAX_LISTED = 20;

/** What is wrong with the package in `folder` (holding `package/`), one line each; empty when nothing. */
export function packageDamage(folder: string, unreadable: ReadonlyMap<string, string>, resourceCount: number): string[] {
  const content = join(folder, 'package');
  const problems: string[] = [];
  for (const [path, why] of unreadable) problems.push(`${relative(folder, path)} cannot be read: ${why}`);
  const index = join(content, '.index.json');
  if (existsSync(index)) {
    let listed: unknown;
    try {
      listed = readJson(index);
    } catch (e) {
      problems.push(`package/.index.json cannot be read: ${errorMessage(e)}`);
    }
    const files = isObject(listed) && Array.isArray(listed.files) ? listed.files : undefined;
    if (listed !== undefined && !files) problems.push('package/.index.json lists no files (no `files` array)');
    const present = new Set(listFiles(content));
    for (const entry of files ?? []) {
      const name = isObject(entry) && typeof entry.filename === 'string' ? entry.filename : undefined;
      if (name === undefined) problems.push('package/.index.json has an entry without a filename');
      else if (!present.has(name)) problems.push(`package/${name} is listed in package/.index.json but missing`);
    }
  } else if (resourceCount === 0) {
    problems.push('package/ holds no FHIR resources (only its package.json?)');
  }
  if (problems.length > MAX_LISTED) return [...problems.slice(0, MAX_LISTED), `and ${problems.length - MAX_LISTED} more`];
  return problems;
}

function listFiles(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}
