/** Temp projects, stub registries and small package tarballs for the dependency-loading tests. */
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { c as createTar } from 'tar';
import type { DependencySource } from '../../scripts/load/config.js';
import type { DependencyConfig, PackageProgress, RegistryClient } from '../../scripts/load/packages/index.js';
import { readTgz } from '../helpers/shared.js';

export interface TempProject {
  root: string;
  /** An empty folder for package tarballs. */
  tarballs: string;
  /** An empty FHIR cache. */
  fhirCache: string;
  /** The project cache loadDependencies uses by default. */
  cacheDir: string;
  remove(): void;
}

export function tempProject(): TempProject {
  const root = mkdtempSync(join(tmpdir(), 'fhir-packages-test-'));
  const tarballs = join(root, 'tarballs');
  const fhirCache = join(root, 'home', '.fhir', 'packages');
  mkdirSync(tarballs, { recursive: true });
  mkdirSync(fhirCache, { recursive: true });
  return { root, tarballs, fhirCache, cacheDir: join(root, '.fhir-cache', 'packages'), remove: () => rmSync(root, { recursive: true, force: true }) };
}

export function configFor(root: string, dependencies: Record<string, string>, dependencySources: DependencySource[]): DependencyConfig {
  return { file: join(root, 'fhir.config.json'), projectRoot: root, dependencies, dependencySources };
}

/** A registry client that must not be used: every call is recorded and fails. */
export function forbiddenRegistry(): RegistryClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    resolveVersion(name: string, version: string): Promise<string> {
      calls.push(`resolveVersion ${name}#${version}`);
      return Promise.reject(new Error('the network must not be touched'));
    },
    download(name: string, version: string): Promise<Readable> {
      calls.push(`download ${name}#${version}`);
      return Promise.reject(new Error('the network must not be touched'));
    },
  };
}

/** A registry client serving tarballs from disk; anything else is a 404. */
export function servingRegistry(tarballs: Record<string, string>, latest: Record<string, string> = {}): RegistryClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    resolveVersion(name: string, version: string): Promise<string> {
      calls.push(`resolveVersion ${name}#${version}`);
      const v = version === 'latest' ? latest[name] : version;
      return v ? Promise.resolve(v) : Promise.reject(new Error(`no latest version of ${name}`));
    },
    download(name: string, version: string): Promise<Readable> {
      calls.push(`download ${name}#${version}`);
      const file = tarballs[`${name}#${version}`];
      return file ? Promise.resolve(createReadStream(file)) : Promise.reject(new Error('404 Not Found'));
    },
  };
}

/** Collects progress events. */
export function progressLog(): { events: PackageProgress[]; progress: (e: PackageProgress) => void; stages(): string[] } {
  const events: PackageProgress[] = [];
  return { events, progress: (e) => events.push(e), stages: () => events.map((e) => `${e.stage} ${e.package}`) };
}

export interface TestPackage {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  resources?: Array<Record<string, unknown>>;
  /** Leave out package/package.json (a broken package). */
  noManifest?: boolean;
}

/** Writes `<dir>/<name>-<version>.tgz` holding `package/package.json` and one file per resource. */
export async function writePackageTgz(dir: string, pkg: TestPackage): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'fhir-tgz-'));
  try {
    mkdirSync(join(work, 'package'));
    if (!pkg.noManifest) {
      const manifest = { name: pkg.name, version: pkg.version, fhirVersions: ['3.0.2'], dependencies: pkg.dependencies ?? {} };
      writeFileSync(join(work, 'package', 'package.json'), JSON.stringify(manifest));
    }
    for (const r of pkg.resources ?? []) writeFileSync(join(work, 'package', `${String(r.resourceType)}-${String(r.id)}.json`), JSON.stringify(r));
    const file = join(dir, `${pkg.name}-${pkg.version}.tgz`);
    await createTar({ gzip: true, file, cwd: work }, ['package']);
    return file;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Extracts a tarball into a FHIR cache folder `<cache>/<name>#<version>/`. */
export function extractIntoFhirCache(tgz: string, cache: string, name: string, version: string): string {
  const target = join(cache, `${name}#${version}`);
  for (const [path, body] of readTgz(tgz)) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), body);
  }
  return target;
}

export function extensionDefinition(id: string, url: string): Record<string, unknown> {
  return {
    resourceType: 'StructureDefinition',
    id,
    url,
    name: id,
    status: 'draft',
    kind: 'complex-type',
    abstract: false,
    contextType: 'resource',
    context: ['Patient'],
    type: 'Extension',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
    derivation: 'constraint',
    differential: { element: [{ id: 'Extension', path: 'Extension', max: '1' }] },
  };
}
