/**
 * `init [dir]`: a new implementation guide project that builds and validates as it is. Nothing is
 * overwritten: when any file to write exists, nothing is written. The names (package id, canonical, title)
 * come from the folder's name unless given, and are checked as the build would check them before anything
 * is written. The toolchain goes into the project's package.json as a dev dependency under its own
 * package name and version, read from its package.json at run time.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Diagnostics, type Diagnostic } from '../diagnostics/diagnostics.js';
import { CONFIG_FILE_NAME, parseConfig } from '../load/config.js';
import { isObject } from '../util/values.js';
import { initFiles, type InitNames } from './init-templates.js';

export interface InitOptions {
  /** The project folder (created when missing). */
  dir: string;
  packageId?: string;
  canonical?: string;
  title?: string;
  /** Folders of FHIR package tarballs (an offline mirror) to load dependencies from first. */
  packages?: string[];
}

export interface InitResult {
  /** Files written, relative to the project folder, in order. */
  written: string[];
  /** Files that were there already and are left as they are (README.md, .gitignore). */
  kept: string[];
  /** Why nothing was written. */
  error?: string;
  /** Problems with the names given (package id, canonical), as the build would report them. */
  problems: Diagnostic[];
}

const KEPT_IF_PRESENT = new Set(['README.md', '.gitignore']);

export function initProject(options: InitOptions): InitResult {
  const root = resolve(options.dir);
  const slug = slugOf(basename(root));
  const names: InitNames = {
    packageId: options.packageId ?? `example.${slug}`,
    canonical: options.canonical ?? `https://example.org/fhir/${slug}`,
    title: options.title ?? titleOf(slug),
    npmName: slug,
    toolchain: toolchainPackage(),
    packageFolders: (options.packages ?? []).map((p) => (isAbsolute(p) ? p : relative(root, resolve(p)) || '.')),
  };
  const files = initFiles(names);
  const diagnostics = new Diagnostics();
  parseConfig(files[CONFIG_FILE_NAME] as string, join(root, CONFIG_FILE_NAME), diagnostics);
  const problems = diagnostics.sorted().filter((d) => d.severity === 'error' || d.severity === 'fatal');
  if (problems.length > 0) return { written: [], kept: [], error: 'the names given would not build', problems };
  const existing = Object.keys(files).filter((f) => existsSync(join(root, f)));
  // A new repository often has these already: they are kept, not overwritten.
  const kept = existing.filter((f) => KEPT_IF_PRESENT.has(f));
  const clashes = existing.filter((f) => !KEPT_IF_PRESENT.has(f));
  if (clashes.length > 0) return { written: [], kept: [], error: `${root} already has ${clashes.join(', ')}: nothing written`, problems: [] };
  const written = Object.keys(files).filter((f) => !kept.includes(f));
  for (const path of written) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), files[path] as string);
  }
  chmodSync(join(root, '.ci', 'run'), 0o755);
  return { written, kept, problems: [] };
}

/** A folder name made a package-name part: lowercase letters, digits and dashes, starting with a letter. */
function slugOf(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(slug) ? slug : `ig-${slug || 'guide'}`;
}

function titleOf(slug: string): string {
  return slug.split('-').filter(Boolean).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

/** The toolchain's own package name and version: the nearest package.json with a name above this module. */
export function toolchainPackage(): { name: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (isObject(manifest) && typeof manifest.name === 'string' && typeof manifest.version === 'string') return { name: manifest.name, version: manifest.version };
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('the toolchain has no package.json with a name and version');
    dir = up;
  }
}
