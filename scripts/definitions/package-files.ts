/**
 * Reading a FHIR package as it lies on disk, without the package loader: a tarball (read in memory) or a
 * package folder (holding `package/package.json`, or being that folder). The manifest and every resource
 * of `package/` (examples and dot files aside), in file name order. Problems are diagnostics naming the
 * input; the result is undefined when the package cannot be read as one.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import type { Resource } from '../model/fhir.js';
import { readTarball } from '../util/tarball.js';
import { errorMessage, isObject } from '../util/values.js';

export interface PackageFiles {
  manifest: Record<string, unknown>;
  resources: Resource[];
}

/** A package tarball (`.tgz`), named `spec` in diagnostics. */
export async function readPackageTarball(path: string, spec: string, diagnostics: Diagnostics): Promise<PackageFiles | undefined> {
  let files: Map<string, Buffer>;
  try {
    files = await readTarball(readFileSync(path));
  } catch (e) {
    diagnostics.error('release.package-malformed', `${spec} is not a readable package tarball (.tgz): ${errorMessage(e)}`, { file: spec });
    return undefined;
  }
  const manifestBody = files.get('package/package.json');
  if (!manifestBody) {
    diagnostics.error('release.package-malformed', `${spec} has no package/package.json: not a FHIR package tarball`, { file: spec });
    return undefined;
  }
  const manifest = parseJson(manifestBody.toString('utf8'), `${spec}:package/package.json`, diagnostics);
  if (!manifest) return undefined;
  const resources: Resource[] = [];
  for (const [name, body] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!/^package\/[^/.][^/]*\.json$/.test(name) || name === 'package/package.json') continue;
    const r = parseJson(body.toString('utf8'), `${spec}:${name}`, diagnostics);
    if (r) resources.push(r as Resource);
  }
  return { manifest, resources };
}

/** A package folder: `dir` holds `package.json` and the resources. */
export function readPackageFolder(dir: string, spec: string, diagnostics: Diagnostics): PackageFiles | undefined {
  const read = (name: string): string | undefined => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch (e) {
      diagnostics.error('release.package-malformed', `cannot read ${join(spec, name)}: ${errorMessage(e)}`, { file: join(spec, name) });
      return undefined;
    }
  };
  const manifestText = read('package.json');
  const manifest = manifestText === undefined ? undefined : parseJson(manifestText, join(spec, 'package.json'), diagnostics);
  if (!manifest) return undefined;
  const resources: Resource[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/^[^.].*\.json$/.test(name) || name === 'package.json') continue;
    const text = read(name);
    const r = text === undefined ? undefined : parseJson(text, join(spec, name), diagnostics);
    if (r) resources.push(r as Resource);
  }
  return { manifest, resources };
}

/** The `dependencies` of a package.json, string versions only. */
export function manifestDependencies(manifest: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(manifest.dependencies)) for (const [k, v] of Object.entries(manifest.dependencies)) if (typeof v === 'string') out[k] = v;
  return out;
}

function parseJson(text: string, file: string, diagnostics: Diagnostics): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (isObject(v)) return v;
    diagnostics.error('release.package-malformed', `${file}: not a JSON object`, { file });
  } catch (e) {
    diagnostics.error('release.package-malformed', `${file}: invalid JSON (${errorMessage(e)})`, { file });
  }
  return undefined;
}

/** The package.json of a FHIR (npm) package tarball; throws with the reason when it cannot be read. */
export async function readTarballManifest(path: string): Promise<Record<string, unknown>> {
  const files = await readTarball(readFileSync(path));
  const body = files.get('package/package.json');
  if (!body) throw new Error('it has no package/package.json');
  const manifest: unknown = JSON.parse(body.toString('utf8'));
  if (!isObject(manifest)) throw new Error('its package.json is not a JSON object');
  return manifest;
}
