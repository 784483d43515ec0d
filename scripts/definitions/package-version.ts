/**
 * Opens sets of definitions (for `diff`, `release-notes`, the build's compatibility check, and
 * `validate --ig`). A set is given as:
 *
 * - a package tarball (`generated/<id>-<version>.tgz`), read in memory;
 * - a package folder (holding `package/package.json`, or being that `package/` folder);
 * - a folder of source files (`.xml`/`.json` StructureDefinitions, ValueSets, CodeSystems, e.g. the NHS
 *   corpus), one such file, or a glob of them (`profiles/*.xml`), read through the type-aware readers;
 * - `name@version` (or `name#version`): found through the dependency sources (local tarball folders and
 *   FHIR caches first, then the registry; fhir-package-loader).
 *
 * The packages the sets stand on (hl7.fhir.r3.core, the dependencies a package's manifest declares, and
 * the `name@version` sets themselves) are loaded once, with one loader, when anything needs them: reading
 * source files, a `name@version`, or a caller that validates. Then StructureDefinitions without a
 * snapshot get one, generated over all the sets and those packages.
 *
 * Only canonical resources (those with a `url`) are kept: they are what a version promises. Problems are
 * diagnostics naming the input; the result is undefined when an input cannot be read at all.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { globby, isDynamicPattern } from 'globby';
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import { SourceMap } from '../diagnostics/source-map.js';
import { isStructureDefinition, type Resource } from '../model/fhir.js';
import { ElementModel } from '../resolve/element-model.js';
import { LayeredResolver, ResourceIndex } from '../resolve/resolver.js';
import { generateSnapshots } from '../snapshot/generate.js';
import type { DependencySource } from '../load/config.js';
import { loadDependencies, type LoadedPackages, type PackageProgress } from '../load/packages/index.js';
import { findSourceFiles, readSourceFiles } from '../load/sources.js';
import { manifestDependencies, readPackageFolder, readPackageTarball, type PackageFiles } from './package-files.js';

export { readTarballManifest } from './package-files.js';

export type PackageVersionKind = 'tarball' | 'package-folder' | 'source-folder' | 'files' | 'registry';

export interface PackageVersion {
  /** `name#version` when known, else the spec given. */
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
  /** Where the core definitions and `name@version` packages are looked for. */
  dependencySources: DependencySource[];
  /** The folder whose `.fhir-cache/` keeps extracted and downloaded packages (unless `cacheDir` says where). */
  projectRoot: string;
  /** Where extracted and downloaded packages are kept (default `<projectRoot>/.fhir-cache/packages`). */
  cacheDir?: string;
  offline?: boolean;
  /** Packages every set stands on (default hl7.fhir.r3.core 3.0.2, unless a set declares hl7.fhir.r3.core itself). */
  coreDependencies?: Record<string, string>;
  /** Keep only resources with one of these ids (or their other major versions); empty keeps all. */
  only?: string[];
  progress?: (event: PackageProgress) => void;
}

export interface DefinitionSetOptions extends PackageVersionOptions {
  /** Load the packages beneath the sets even when reading them does not need it (a validator does). */
  withDependencies?: boolean;
}

export interface DefinitionSets {
  /** One per spec, in the order given. */
  sets: PackageVersion[];
  /** The packages beneath the sets, when they were loaded. */
  packages?: LoadedPackages;
}

const DEFAULT_CORE = { 'hl7.fhir.r3.core': '3.0.2' };
const NAME_AT_VERSION = /^(@?[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)?)[@#](\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

/** Where a spec points, before anything is read. */
type SourceLocated = { kind: 'source-folder'; spec: string; path: string } | { kind: 'files'; spec: string; files: string[] };
type Located =
  | { kind: 'tarball' | 'package-folder'; spec: string; path: string }
  | SourceLocated
  | { kind: 'registry'; spec: string; name: string; version: string };

/** Reads the package version named by `spec`. */
export async function loadPackageVersion(spec: string, options: PackageVersionOptions): Promise<PackageVersion | undefined> {
  return (await loadDefinitionSets([spec], options))?.sets[0];
}

/** Reads every set named by `specs`, and the packages beneath them when needed; undefined when one cannot be read. */
export async function loadDefinitionSets(specs: readonly string[], options: DefinitionSetOptions): Promise<DefinitionSets | undefined> {
  const located: Located[] = [];
  for (const spec of specs) {
    const l = await locate(spec, options);
    if (!l) return undefined;
    located.push(l);
  }
  const packageFiles = new Map<Located, PackageFiles>();
  for (const l of located) {
    if (l.kind !== 'tarball' && l.kind !== 'package-folder') continue;
    const files = l.kind === 'tarball' ? await readPackageTarball(l.path, l.spec, options.diagnostics) : readPackageFolder(l.path, l.spec, options.diagnostics);
    if (!files || !checkPackage(l.spec, files, options.diagnostics)) return undefined;
    packageFiles.set(l, files);
  }
  // Packages alone are read without the loader (a diff of two tarballs loads nothing); their profiles
  // without a snapshot get one when the packages beneath are loaded anyway.
  const needsPackages = options.withDependencies || located.some((l) => l.kind !== 'tarball' && l.kind !== 'package-folder');
  const packages = needsPackages ? await loadBeneath(located, packageFiles, options) : undefined;
  if (needsPackages && !packages) return undefined;

  const sources = new SourceMap();
  const sets: PackageVersion[] = [];
  for (const l of located) {
    const files = packageFiles.get(l);
    if (files) sets.push(packageSet(l, files, options));
    else if (l.kind === 'registry') sets.push(registrySet(l, packages as LoadedPackages, options));
    else if (l.kind === 'source-folder' || l.kind === 'files') sets.push(await sourceSet(l, packages as LoadedPackages, sources, options));
  }
  if (packages) completeSnapshots(sets, packages, sources, options.diagnostics);
  return { sets: sets.map((s) => ({ ...s, resources: sortResources(s.resources) })), ...(packages ? { packages } : {}) };
}

async function locate(spec: string, options: PackageVersionOptions): Promise<Located | undefined> {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, spec);
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(path);
  } catch {
    stat = undefined;
  }
  // One definition file is a set of one; any other file is taken for a package tarball.
  if (stat?.isFile()) return /\.(xml|json)$/i.test(path) ? { kind: 'files', spec, files: [path] } : { kind: 'tarball', spec, path };
  if (stat) {
    const packageDir = existsSync(join(path, 'package', 'package.json')) ? join(path, 'package') : existsSync(join(path, 'package.json')) ? path : undefined;
    return packageDir ? { kind: 'package-folder', spec, path: packageDir } : { kind: 'source-folder', spec, path };
  }
  const m = NAME_AT_VERSION.exec(spec);
  if (m) return { kind: 'registry', spec, name: m[1] as string, version: m[2] as string };
  if (isDynamicPattern(spec)) {
    const files = (await globby(spec, { cwd, absolute: true, onlyFiles: true })).filter((f) => /\.(xml|json)$/i.test(f)).sort();
    if (files.length > 0) return { kind: 'files', spec, files };
    options.diagnostics.error('release.input-not-found', `${spec}: no .xml or .json file matches`, { file: spec });
    return undefined;
  }
  options.diagnostics.error('release.input-not-found', `${spec}: no such file or folder, and not a package name@version`, { file: spec });
  return undefined;
}

function checkPackage(spec: string, files: PackageFiles, diagnostics: Diagnostics): boolean {
  const { name, version } = files.manifest;
  if (typeof name !== 'string' || typeof version !== 'string') {
    diagnostics.error('release.package-malformed', `${spec}: its package.json has no name or version`, { file: spec });
    return false;
  }
  if (files.resources.some((r) => typeof r.resourceType !== 'string')) {
    diagnostics.error('release.package-malformed', `${spec}: a file of the package is not a FHIR resource (no resourceType)`, { file: spec });
    return false;
  }
  return true;
}

/**
 * One loader run for the packages beneath the sets: the core (unless a set declares its own
 * hl7.fhir.r3.core), the `name@version` sets, and what the packages' manifests declare (a package given
 * as a set is not loaded again by name).
 */
async function loadBeneath(located: readonly Located[], packageFiles: ReadonlyMap<Located, PackageFiles>, options: PackageVersionOptions): Promise<LoadedPackages | undefined> {
  const given = new Set([...packageFiles.values()].map((f) => String(f.manifest.name)));
  const dependencies: Record<string, string> = {};
  for (const l of located) {
    if (l.kind !== 'registry') continue;
    if (dependencies[l.name] !== undefined && dependencies[l.name] !== l.version) {
      options.diagnostics.error('release.package-conflict', `${l.name} is asked for in two versions (${dependencies[l.name]} and ${l.version}): give one`);
      return undefined;
    }
    dependencies[l.name] = l.version;
  }
  for (const files of packageFiles.values()) {
    for (const [name, version] of Object.entries(manifestDependencies(files.manifest))) if (!given.has(name)) dependencies[name] ??= version;
  }
  const core = options.coreDependencies ?? DEFAULT_CORE;
  for (const [name, version] of Object.entries(core)) if (!given.has(name)) dependencies[name] ??= version;
  const packages = await loadDependencies(
    { projectRoot: options.projectRoot, dependencies, dependencySources: options.dependencySources },
    { diagnostics: options.diagnostics, offline: options.offline, progress: options.progress, cacheDir: options.cacheDir },
  );
  if (!packages || options.diagnostics.hasErrors()) return undefined;
  const missing = located.filter((l): l is Extract<Located, { kind: 'registry' }> => l.kind === 'registry' && !packages.labels.includes(`${l.name}#${l.version}`));
  for (const l of missing) options.diagnostics.error('release.package-missing', `${l.name}#${l.version} could not be loaded`);
  return missing.length > 0 ? undefined : packages;
}

function packageSet(l: Located, files: PackageFiles, options: PackageVersionOptions): PackageVersion {
  const name = String(files.manifest.name);
  const version = String(files.manifest.version);
  return { label: `${name}#${version}`, name, version, kind: l.kind as 'tarball' | 'package-folder', resources: keep(files.resources, options.only) };
}

function registrySet(l: Extract<Located, { kind: 'registry' }>, packages: LoadedPackages, options: PackageVersionOptions): PackageVersion {
  const label = `${l.name}#${l.version}`;
  return { label, name: l.name, version: l.version, kind: 'registry', resources: keep(packages.resourcesOf(label), options.only) };
}

async function sourceSet(l: SourceLocated, packages: LoadedPackages, sources: SourceMap, options: PackageVersionOptions): Promise<PackageVersion> {
  const { diagnostics } = options;
  const root = l.kind === 'files' ? (options.cwd ?? process.cwd()) : l.path;
  const files = l.kind === 'files' ? l.files : await findSourceFiles([l.path], diagnostics, l.path);
  const wanted = options.only?.length ? files.filter((f) => keepFile(f, options.only as string[])) : files;
  const read = readSourceFiles(wanted, { model: ElementModel.fromSource(packages), diagnostics, sources, root });
  return { label: l.spec, kind: l.kind, resources: keep(read, options.only) };
}

/**
 * Profiles without a snapshot get one, from their differential, over their own set first, then the
 * other sets (an earlier one winning where two define one URL) and the packages beneath.
 */
function completeSnapshots(sets: PackageVersion[], packages: LoadedPackages, sources: SourceMap, diagnostics: Diagnostics): void {
  // ResourceIndex keeps the last resource of a URL: the sets go in last to first.
  const all = new ResourceIndex([...sets].reverse().flatMap((s) => s.resources));
  for (const set of sets) {
    const missing = set.resources.filter(isStructureDefinition).filter((sd) => !sd.snapshot?.element?.length);
    if (missing.length === 0) continue;
    const ctx = { resolver: new LayeredResolver(sets.length > 1 ? [new ResourceIndex(set.resources), all, packages] : [all, packages]), diagnostics, sources };
    const made = new Map(generateSnapshots(missing, ctx).map((s) => [s.profile.url, s.profile]));
    set.resources = set.resources.map((r) => (isStructureDefinition(r) && !r.snapshot?.element?.length && made.get(r.url)) || r);
  }
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
