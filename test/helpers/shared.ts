/** Paths into ../shared and in-memory loading of its FHIR package tarballs, for tests and benchmarks. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Resource, ValueSet } from '../../scripts/model/fhir.js';
import { ResourceIndex } from '../../scripts/resolve/resolver.js';
import type { ExpansionLookup } from '../../scripts/terminology/value-set-expansion.js';
import { EXPANSIONS_PACKAGE } from '../../scripts/validate/semantic-context.js';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = resolve(projectRoot, '..', 'shared');
export const fhirPackagesDir = join(sharedDir, 'fhir-packages');
export const corePackageTgz = join(fhirPackagesDir, 'hl7.fhir.r3.core-3.0.2.tgz');
export const expansionsPackageTgz = join(fhirPackagesDir, 'hl7.fhir.r3.expansions-3.0.2.tgz');
export const definitionsXmlDir = join(sharedDir, 'hl7-stu3', 'definitions-xml');
export const nhsAssetsDir = join(sharedDir, 'corpus', 'nhs-stu3-assets');
export const gpconnectExamplesDir = join(sharedDir, 'corpus', 'gpconnect-examples');

/** Reads every file of a .tgz into memory (a minimal ustar walk: the package tarballs hold plain files only). */
export function readTgz(file: string): Map<string, Buffer> {
  const data = gunzipSync(readFileSync(file));
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= data.length) {
    const header = data.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) => header.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const body = data.subarray(offset + 512, offset + 512 + size);
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '') files.set(name, Buffer.from(body));
    name = '';
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

const cache = new Map<string, Resource[]>();

/** Every resource (`package/*.json` except package.json and .index.json) of a FHIR package tarball. */
export function packageResources(tgz: string = corePackageTgz): Resource[] {
  let resources = cache.get(tgz);
  if (!resources) {
    resources = [];
    for (const [name, body] of readTgz(tgz)) {
      if (!/^package\/[^/]+\.json$/.test(name) || name.endsWith('/package.json') || name.endsWith('/.index.json')) continue;
      resources.push(JSON.parse(body.toString('utf8')) as Resource);
    }
    cache.set(tgz, resources);
  }
  return resources;
}

/** A definition source over hl7.fhir.r3.core, read straight from the shared tarball (no loader, no network). */
export function coreIndex(): ResourceIndex {
  return new ResourceIndex(packageResources(corePackageTgz), 'hl7.fhir.r3.core#3.0.2');
}

/** STU3's published ValueSet expansions (hl7.fhir.r3.expansions), read straight from the shared tarball, as the validator looks them up. */
export function publishedExpansions(): ExpansionLookup {
  const index = new ResourceIndex(packageResources(expansionsPackageTgz), EXPANSIONS_PACKAGE);
  return (url) => index.byUrl(url, 'ValueSet') as ValueSet | undefined;
}

/** Every `.json` file under a folder, sorted (folders walked in name order). */
export function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
    });
}
