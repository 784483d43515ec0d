/**
 * The FHIR NPM package as an in-memory file list (https://hl7.org/fhir/packages.html):
 *
 *   package/package.json                 the manifest
 *   package/.index.json                  index-version 1, one entry per resource, sorted by filename
 *   package/<ResourceType>-<id>.json     one file per conformance resource
 *   package/examples/.index.json         (only when there are examples)
 *   package/examples/<ResourceType>-<id>.json
 *
 * Pure and deterministic: the same resources in any order give the same files, byte for byte.
 * Resource JSON keeps the key order of the input objects (already FHIR order); only the
 * manifest and the index, whose key order is free, are written in a fixed order.
 */
import semver from 'semver';
import type { Diagnostics } from '../../diagnostics/diagnostics.js';
import type { Resource } from '../../model/fhir.js';
import { compareStrings, jsonBuffer, sortOutputFiles, type OutputFile } from '../output.js';

/** The parts of fhir.config.json the package carries. */
export interface PackageConfig {
  packageId: string;
  version: string;
  canonical: string;
  fhirVersion: string;
  title?: string;
  description?: string;
  author?: string;
  license?: string;
  dependencies?: Record<string, string>;
}

export interface PackageInput {
  config: PackageConfig;
  resources: readonly Resource[];
  examples?: readonly Resource[];
}

export interface PackageEmitContext {
  diagnostics: Diagnostics;
}

/** One `files` entry of `.index.json` (index-version 1). */
export interface PackageIndexEntry {
  filename: string;
  resourceType: string;
  id: string;
  url?: string;
  version?: string;
  kind?: string;
  type?: string;
}

export interface PackageIndex {
  'index-version': 1;
  files: PackageIndexEntry[];
}

/** The folder every file of a FHIR package lives in, inside the tarball and in generated/. */
export const PACKAGE_ROOT = 'package';
/** `type` in package.json: the FHIR package types are Core, IG, Conformance, Examples, Tool, ... */
export const PACKAGE_TYPE = 'IG';

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const RESOURCE_TYPE = /^[A-Z][A-Za-z]*$/;
const PACKAGE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

export function emitFhirPackage(input: PackageInput, ctx: PackageEmitContext): OutputFile[] {
  checkConfig(input.config, ctx.diagnostics);
  const files: OutputFile[] = [{ path: `${PACKAGE_ROOT}/package.json`, content: jsonBuffer(packageManifest(input.config)) }];
  files.push(...resourceFolder(`${PACKAGE_ROOT}`, input.resources, ctx.diagnostics, true));
  const examples = input.examples ?? [];
  if (examples.length > 0) files.push(...resourceFolder(`${PACKAGE_ROOT}/examples`, examples, ctx.diagnostics, false));
  return sortOutputFiles(files);
}

/**
 * package.json: `name` and `version` first (npm convention), every other key in alphabetical
 * order, dependencies sorted by name. No `date`: the manifest must not change between two
 * builds of the same content.
 */
export function packageManifest(config: PackageConfig): Record<string, unknown> {
  const rest: Record<string, unknown> = {
    author: config.author,
    canonical: config.canonical,
    dependencies: sortKeys(config.dependencies ?? {}),
    description: config.description,
    fhirVersions: [config.fhirVersion],
    license: config.license,
    title: config.title,
    type: PACKAGE_TYPE,
    url: config.canonical,
  };
  const manifest: Record<string, unknown> = { name: config.packageId, version: config.version };
  for (const key of Object.keys(rest).sort(compareStrings)) {
    if (rest[key] !== undefined) manifest[key] = rest[key];
  }
  return manifest;
}

/** The `.index.json` entry of a resource: string-valued url, version, kind and type are copied when present. */
export function indexEntry(filename: string, resource: Resource & { id: string }): PackageIndexEntry {
  const entry: PackageIndexEntry = { filename, resourceType: resource.resourceType, id: resource.id };
  for (const key of ['url', 'version', 'kind', 'type'] as const) {
    const value = resource[key];
    if (typeof value === 'string') entry[key] = value;
  }
  return entry;
}

/** `<ResourceType>-<id>.json`, the file name FHIR packages use. */
export function resourceFileName(resource: Resource & { id: string }): string {
  return `${resource.resourceType}-${resource.id}.json`;
}

interface Candidate {
  filename: string;
  resource: Resource & { id: string };
  content: Buffer;
}

/** The resource files of one folder plus its `.index.json`. */
function resourceFolder(folder: string, resources: readonly Resource[], diagnostics: Diagnostics, conformance: boolean): OutputFile[] {
  const what = conformance ? 'resource' : 'example';
  const byName = new Map<string, Candidate[]>();
  for (const resource of resources) {
    // The resource names its source file (the build maps resources to files); the path is its id.
    const where = { ...(resource.id ? { resource: `${resource.resourceType}/${resource.id}` } : {}), path: `${resource.resourceType}.id` };
    if (typeof resource.resourceType !== 'string' || !RESOURCE_TYPE.test(resource.resourceType)) {
      diagnostics.error('package.invalid-resource-type', `${what} has no valid resourceType (${JSON.stringify(resource.resourceType)}); left out of the package`, where);
      continue;
    }
    if (resource.id === undefined || resource.id === '') {
      diagnostics.error('package.missing-id', `${what} ${resource.resourceType} has no id, so it has no file name in the package; left out`, where);
      continue;
    }
    if (typeof resource.id !== 'string' || !FHIR_ID.test(resource.id)) {
      diagnostics.error('package.invalid-id', `${what} ${resource.resourceType} has id ${JSON.stringify(resource.id)}, not a FHIR id ([A-Za-z0-9-.]{1,64}); left out`, where);
      continue;
    }
    const withId = resource as Resource & { id: string };
    const filename = resourceFileName(withId);
    const list = byName.get(filename) ?? [];
    list.push({ filename, resource: withId, content: jsonBuffer(resource) });
    byName.set(filename, list);
  }

  const chosen: Candidate[] = [];
  for (const [filename, list] of byName) {
    if (list.length > 1) {
      diagnostics.error(
        'package.duplicate-file',
        `${list.length} ${what}s share the file name ${folder}/${filename} (${list[0].resource.resourceType} id "${list[0].resource.id}"); only one is kept`,
        { resource: `${list[0].resource.resourceType}/${list[0].resource.id}`, path: `${list[0].resource.resourceType}.id` },
      );
      // Keep the same one whatever the input order: the smallest serialisation.
      list.sort((a, b) => Buffer.compare(a.content, b.content));
    }
    chosen.push(list[0]);
  }
  chosen.sort((a, b) => compareStrings(a.filename, b.filename));
  reportCaseCollisions(folder, chosen, diagnostics, what);

  const index: PackageIndex = { 'index-version': 1, files: chosen.map((c) => indexEntry(c.filename, c.resource)) };
  return [
    { path: `${folder}/.index.json`, content: jsonBuffer(index) },
    ...chosen.map((c) => ({ path: `${folder}/${c.filename}`, content: c.content })),
  ];
}

/** FHIR ids are case-sensitive but macOS and Windows file systems are not: `Patient-a.json` would overwrite `Patient-A.json`. */
function reportCaseCollisions(folder: string, chosen: readonly Candidate[], diagnostics: Diagnostics, what: string): void {
  const seen = new Map<string, string>();
  for (const c of chosen) {
    const key = c.filename.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      diagnostics.error(
        'package.duplicate-file',
        `${what} files ${folder}/${other} and ${folder}/${c.filename} differ only in case; one overwrites the other when the package is unpacked on a case-insensitive file system`,
        { resource: `${c.resource.resourceType}/${c.resource.id}`, path: `${c.resource.resourceType}.id` },
      );
    } else seen.set(key, c.filename);
  }
}

function checkConfig(config: PackageConfig, diagnostics: Diagnostics): void {
  const file = 'fhir.config.json';
  if (!PACKAGE_NAME.test(config.packageId)) {
    diagnostics.error('package.invalid-config', `packageId "${config.packageId}" is not a valid FHIR package name (lowercase a-z, 0-9, ".", "-", "_")`, { file, path: 'packageId' });
  }
  if (semver.valid(config.version) === null) {
    diagnostics.error('package.invalid-config', `version "${config.version}" is not a semantic version`, { file, path: 'version' });
  }
  if (!/^https?:\/\/\S*[^/\s]$/.test(config.canonical)) {
    diagnostics.error('package.invalid-config', `canonical "${config.canonical}" must be an http(s) URL without a trailing slash`, { file, path: 'canonical' });
  }
  for (const [name, version] of Object.entries(config.dependencies ?? {})) {
    if (!PACKAGE_NAME.test(name) || typeof version !== 'string' || version.trim() === '') {
      diagnostics.error('package.invalid-config', `dependency ${JSON.stringify(name)}: ${JSON.stringify(version)} is not a package name and version`, { file, path: `dependencies.${name}` });
    }
  }
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort(compareStrings)) out[key] = record[key];
  return out;
}
