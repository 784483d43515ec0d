/**
 * A built FHIR package read back whole, for the documentation site: its manifest, every resource file
 * listed in `.index.json` (in index order), and its examples (`examples/.index.json`). Read from a
 * package folder on disk or from the build's in-memory file list, the same bytes give the same objects.
 * Problems are diagnostics naming the file; the result is undefined when the package cannot be read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import type { Resource } from '../model/fhir.js';
import { errorMessage, isObject } from '../util/values.js';

export interface BuiltManifest {
  name: string;
  version: string;
  title?: string;
  description?: string;
  canonical?: string;
  fhirVersions?: string[];
  dependencies?: Record<string, string>;
  author?: string;
  license?: string;
}

export interface BuiltPackage {
  manifest: BuiltManifest;
  /** Conformance resources, in `.index.json` order. */
  resources: Resource[];
  /** Examples, in `examples/.index.json` order. */
  examples: Resource[];
}

/** Reads a file of the package (a path relative to its `package/` folder), or undefined when there is none. */
export type PackageFileReader = (path: string) => string | undefined;

/** A package folder (holding `package/package.json`, or being that `package/` folder). */
export function readBuiltPackageFolder(dir: string, diagnostics: Diagnostics): BuiltPackage | undefined {
  const root = existsSync(join(dir, 'package', 'package.json')) ? join(dir, 'package') : dir;
  return readBuiltPackage((path) => {
    const file = join(root, ...path.split('/'));
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }, root, diagnostics);
}

/** The build's file list (paths `package/...`). */
export function builtPackageFromFiles(files: ReadonlyArray<{ path: string; content: Buffer }>, diagnostics: Diagnostics): BuiltPackage | undefined {
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  return readBuiltPackage((path) => byPath.get(`package/${path}`)?.toString('utf8'), 'package', diagnostics);
}

export function readBuiltPackage(read: PackageFileReader, label: string, diagnostics: Diagnostics): BuiltPackage | undefined {
  const manifest = parse(read, 'package.json', label, diagnostics) as BuiltManifest | undefined;
  if (!manifest) return undefined;
  if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
    diagnostics.error('site.package-invalid', 'package.json has no name and version', { file: `${label}/package.json` });
    return undefined;
  }
  const resources = indexed(read, '', label, diagnostics);
  if (!resources) return undefined;
  const examples = read('examples/.index.json') === undefined ? [] : indexed(read, 'examples/', label, diagnostics);
  if (!examples || diagnostics.hasErrors()) return undefined;
  return { manifest, resources, examples };
}

/** The resources `<folder>.index.json` lists, in its order. */
function indexed(read: PackageFileReader, folder: string, label: string, diagnostics: Diagnostics): Resource[] | undefined {
  const index = parse(read, `${folder}.index.json`, label, diagnostics) as { files?: Array<{ filename?: unknown }> } | undefined;
  if (!index) return undefined;
  if (!Array.isArray(index.files)) {
    diagnostics.error('site.package-invalid', `${folder}.index.json has no files list`, { file: `${label}/${folder}.index.json` });
    return undefined;
  }
  const out: Resource[] = [];
  for (const entry of index.files) {
    const name = entry.filename;
    if (typeof name !== 'string' || name.includes('/') || name.includes('\\')) {
      diagnostics.error('site.package-invalid', `${folder}.index.json lists a file name that is not a plain file name: ${JSON.stringify(name)}`, { file: `${label}/${folder}.index.json` });
      continue;
    }
    const resource = parse(read, `${folder}${name}`, label, diagnostics) as Resource | undefined;
    if (resource && typeof resource.resourceType === 'string') out.push(resource);
    else if (resource) diagnostics.error('site.package-invalid', 'not a FHIR resource (no resourceType)', { file: `${label}/${folder}${name}` });
  }
  return out;
}

function parse(read: PackageFileReader, path: string, label: string, diagnostics: Diagnostics): Record<string, unknown> | undefined {
  const file = `${label}/${path}`;
  const text = read(path);
  if (text === undefined) {
    diagnostics.error('site.package-missing-file', `the package has no ${path}: build it first (fhir-stu3 build)`, { file });
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value)) return value;
    diagnostics.error('site.package-invalid', 'not a JSON object', { file });
  } catch (e) {
    diagnostics.error('site.package-invalid', `invalid JSON: ${errorMessage(e)}`, { file });
  }
  return undefined;
}
