/**
 * Loads one version of a FHIR package for `diff`, `release-notes` and the build's compatibility check.
 * A version is given as:
 *
 * - a package tarball (`generated/<id>-<version>.tgz`), read in memory;
 * - a package folder (holding `package/package.json`, or being that `package/` folder);
 * - a folder of source files (`.xml`/`.json` StructureDefinitions, ValueSets, CodeSystems, e.g. the NHS
 *   corpus), read through the type-aware readers, with snapshots generated for profiles that have none;
 * - `name@version` (or `name#version`): fetched through the project's dependency loading (fhir-package-loader;
 *   local folders and caches first, then the registry of `FPL_REGISTRY`).
 *
 * Only canonical resources (those with a `url`) are kept: they are what a version promises. Problems are
 * diagnostics naming the input; the result is undefined when the input cannot be read at all.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { SourceMap } from '../diagnostics/source-map.js';
import { isStructureDefinition, type Resource } from '../model/fhir.js';
import { ElementModel } from '../resolve/element-model.js';
import { LayeredResolver, ResourceIndex } from '../resolve/resolver.js';
import { generateSnapshots } from '../snapshot/generate.js';
import type { DependencySource } from '../load/config.js';
import { loadDependencies, type LoadedPackages } from '../load/packages/index.js';
import { findSourceFiles, readSourceFiles, type ReadSourcesContext } from '../load/sources.js';
import { readTarball } from '../util/tarball.js';
import { errorMessage } from '../util/values.js';

export type PackageVersionKind = 'tarball' | 'package-folder' | 'source-folder' | 'registry';

export interface PackageVersion {
  /** `name#version` when known, else the path given. */
  label: string;
  name?: string;
  version?: string;
  kind: PackageVersionKind;
  /** Canonical resources, sorted by type then URL; StructureDefinitions with a snapshot where one could be made. */
  resources: Resource[];
}

export interface PackageVersionOptions {
  diagnostics: Diagnostics;
  /** Relative paths are resolved against this folder (default: the working folder). */
  cwd?: string;
  /** Where the core definitions (source folders) and `name@version` packages are looked for. */
  dependencySources: DependencySource[];
  /** The folder whose `.fhir-cache/` keeps extracted and downloaded packages. */
  projectRoot: string;
  offline?: boolean;
  /** Packages needed to read source folders (default hl7.fhir.r3.core 3.0.2). */
  coreDependencies?: Record<string, string>;
  /** Keep only resources with one of these ids (or their other major versions); empty keeps all. */
  only?: string[];
}

const NAME_AT_VERSION = /^(@?[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)?)[@#](\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;
const REGISTRY_TYPES = ['StructureDefinition', 'ValueSet', 'CodeSystem', 'CapabilityStatement', 'SearchParameter', 'OperationDefinition', 'ConceptMap', 'NamingSystem'];

/** Reads the package version named by `spec`. */
export async function loadPackageVersion(spec: string, options: PackageVersionOptions): Promise<PackageVersion | undefined> {
  const { diagnostics } = options;
  const path = resolve(options.cwd ?? process.cwd(), spec);
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(path);
  } catch {
    stat = undefined;
  }
  if (!stat) {
    const m = NAME_AT_VERSION.exec(spec);
    if (m) return fromRegistry(m[1] as string, m[2] as string, options);
    diagnostics.error('release.input-not-found', `${spec}: no such file or folder, and not a package name@version`, { file: spec });
    return undefined;
  }
  if (stat.isFile()) return fromTarball(path, spec, options);
  const packageDir = existsSync(join(path, 'package', 'package.json')) ? join(path, 'package') : existsSync(join(path, 'package.json')) ? path : undefined;
  if (packageDir) return fromPackageFolder(packageDir, spec, options);
  return fromSourceFolder(path, spec, options);
}

async function fromTarball(path: string, spec: string, options: PackageVersionOptions): Promise<PackageVersion | undefined> {
  const { diagnostics } = options;
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
  return finish(spec, manifest, 'tarball', resources, options);
}

function fromPackageFolder(dir: string, spec: string, options: PackageVersionOptions): PackageVersion | undefined {
  const { diagnostics } = options;
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
  return finish(spec, manifest, 'package-folder', resources, options);
}

async function fromSourceFolder(path: string, spec: string, options: PackageVersionOptions): Promise<PackageVersion | undefined> {
  const { diagnostics } = options;
  const packages = await coreDefinitions(options);
  if (!packages) return undefined;
  const sources = new SourceMap();
  const cwd = options.cwd ?? process.cwd();
  const files = await findSourceFiles([path], diagnostics, cwd);
  const wanted = options.only?.length ? files.filter((f) => keepFile(f, options.only as string[])) : files;
  const model = ElementModel.fromSource(packages);
  const read = wanted.flatMap((file) => readOneSource(file, { model, diagnostics, sources, root: cwd }));
  const resources = keep(read, options.only);
  // Profiles without a snapshot get one, from their differential, over these resources and the core.
  const missing = resources.filter(isStructureDefinition).filter((sd) => !sd.snapshot?.element?.length);
  if (missing.length > 0) {
    const ctx = { resolver: new LayeredResolver([new ResourceIndex(read), packages]), diagnostics, sources };
    const made = new Map(generateSnapshots(missing, ctx).map((s) => [s.profile.url, s.profile]));
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i] as Resource;
      if (isStructureDefinition(r) && made.has(r.url)) resources[i] = made.get(r.url) as Resource;
    }
  }
  return { label: spec, kind: 'source-folder', resources: sortResources(resources) };
}

/**
 * One source file of a version: its resource, or nothing and one `release.file-unreadable` naming the file
 * and its first problem (a comparison needs the file whole; every element's problem is for `validate`).
 */
function readOneSource(file: string, ctx: ReadSourcesContext): Resource[] {
  const own = new Diagnostics();
  const resources = readSourceFiles([file], { ...ctx, diagnostics: own });
  const problems = own.sorted().filter((d) => d.severity === 'error' || d.severity === 'fatal');
  const first = problems[0];
  if (!first) return resources;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  ctx.diagnostics.error('release.file-unreadable', `cannot be read: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`, { file: first.file ?? file, ...(first.line ? { line: first.line } : {}) });
  return [];
}

async function fromRegistry(name: string, version: string, options: PackageVersionOptions): Promise<PackageVersion | undefined> {
  const label = `${name}#${version}`;
  const packages = await loadDependencies(
    { projectRoot: options.projectRoot, dependencies: { [name]: version }, dependencySources: options.dependencySources },
    { diagnostics: options.diagnostics, offline: options.offline },
  );
  if (!packages || !packages.labels.includes(label)) {
    if (!options.diagnostics.hasErrors()) options.diagnostics.error('release.package-missing', `${label} could not be loaded`);
    return undefined;
  }
  const resources = REGISTRY_TYPES.flatMap((t) => packages.resourcesOfType(t, label));
  return { label, name, version, kind: 'registry', resources: sortResources(keep(resources, options.only)) };
}

/** The core definitions, for reading XML and snapshotting differentials. */
async function coreDefinitions(options: PackageVersionOptions): Promise<LoadedPackages | undefined> {
  const dependencies = options.coreDependencies ?? { 'hl7.fhir.r3.core': '3.0.2' };
  return loadDependencies({ projectRoot: options.projectRoot, dependencies, dependencySources: options.dependencySources }, { diagnostics: options.diagnostics, offline: options.offline });
}

function finish(spec: string, manifest: Record<string, unknown>, kind: PackageVersionKind, resources: Resource[], options: PackageVersionOptions): PackageVersion | undefined {
  const name = typeof manifest.name === 'string' ? manifest.name : undefined;
  const version = typeof manifest.version === 'string' ? manifest.version : undefined;
  if (!name || !version) {
    options.diagnostics.error('release.package-malformed', `${spec}: its package.json has no name or version`, { file: spec });
    return undefined;
  }
  const bad = resources.find((r) => typeof r.resourceType !== 'string');
  if (bad) {
    options.diagnostics.error('release.package-malformed', `${spec}: a file of the package is not a FHIR resource (no resourceType)`, { file: spec });
    return undefined;
  }
  return { label: `${name}#${version}`, name, version, kind, resources: sortResources(keep(resources, options.only)) };
}

/** Canonical resources only, optionally those of some ids (any major version of them). */
function keep(resources: Resource[], only: string[] | undefined): Resource[] {
  const canonical = resources.filter((r) => typeof r.url === 'string');
  if (!only?.length) return canonical;
  const families = new Set(only.map(familyOfId));
  return canonical.filter((r) => families.has(familyOfId(r.id ?? String(r.url).slice(String(r.url).lastIndexOf('/') + 1))));
}

/** A cheap pre-filter on file names (`ValueSet-GPConnect-DeliveryChannel-1.xml` holds that id). */
function keepFile(file: string, only: string[]): boolean {
  const families = only.map(familyOfId);
  return families.some((f) => file.includes(f));
}

/** An id without its major version suffix: `CareConnect-GPC-Patient-2` -> `CareConnect-GPC-Patient`. */
export function familyOfId(id: string): string {
  return id.replace(/-\d+$/, '');
}

function sortResources(resources: Resource[]): Resource[] {
  const key = (r: Resource) => `${r.resourceType}|${String(r.url)}`;
  return [...resources].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function parseJson(text: string, file: string, diagnostics: Diagnostics): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
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
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) throw new Error('its package.json is not a JSON object');
  return manifest as Record<string, unknown>;
}
