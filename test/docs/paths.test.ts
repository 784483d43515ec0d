/**
 * The README and docs/ name files of this repository: every relative link and every backticked path
 * under a committed folder must exist, so that a newcomer following them never lands on nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../helpers/shared.js';

const documents = ['README.md', ...readdirSync(join(projectRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), 'bench/HISTORY.md'];
/** Folders whose files the documents name as `folder/...` (generated/ is build output, not committed). */
const committed = /^(scripts|test|bench|docs|profiles|valuesets|codesystems|capabilities|examples|\.ci)\//;

function namedPaths(document: string): string[] {
  const text = readFileSync(join(projectRoot, document), 'utf8');
  const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
  const fromLinks = links.map((l) => join(dirname(document), l));
  const code = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1].replace(/[:,.]$/, '')).filter((p) => committed.test(p) && !/[<>*{}]/.test(p));
  return [...new Set([...fromLinks, ...code])];
}

describe('paths named in the documentation', () => {
  it.each(documents)('%s names only paths that exist', (document) => {
    expect(namedPaths(document).filter((p) => !existsSync(join(projectRoot, p)))).toEqual([]);
  });
});
