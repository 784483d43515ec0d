/**
 * Loads the project's dependency packages (and what their package.json files require) with
 * fhir-package-loader, offline first: local tarball folders and FHIR caches are searched before any
 * registry, and nothing reaches the network for a package found locally, not even version resolution.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CurrentBuildClient, PackageDB } from 'fhir-package-loader';
import semver from 'semver';
import type { Diagnostics, SourceLocation } from '../../diagnostics/diagnostics.js';
import { formatJsonPath } from '../config.js';
import { LoadedPackages } from './definitions.js';
import { ProjectPackageCache } from './package-cache.js';
import { packageDamage } from './package-check.js';
import { GuardedRegistry, isExactVersion, registryLabel, type NamedRegistry } from './registry.js';
import { PackageStore, type LocalSource } from './store.js';
import type { DependencyConfig, LoadDependenciesOptions, LoadedPackage, PackageLocation, PackageProgress, RegistrySource } from './types.js';
import { isObject, errorMessage } from '../../util/values.js';

interface Wanted {
  name: string;
  version: string;
  /** `config`, or the label of the package that requires it. */
  requiredBy: string;
}

/**
 * Loads every dependency it can, reporting each one it cannot (naming every place looked in), and
 * returns the loaded set as a DefinitionSource. Undefined only if the loader itself cannot start.
 */
export async function loadDependencies(config: DependencyConfig, options: LoadDependenciesOptions): Promise<LoadedPackages | undefined> {
  const { diagnostics } = options;
  const offline = options.offline ?? false;
  const progress = options.progress ?? (() => undefined);
  const log = new LoaderLog(diagnostics);

  let fpl: typeof import('fhir-package-loader');
  let db: PackageDB;
  try {
    fpl = await import('fhir-package-loader');
    db = await fpl.createSQLJSPackageDB();
  } catch (e) {
    diagnostics.fatal('load.package-loader', `cannot start fhir-package-loader: ${errorMessage(e)}`);
    return undefined;
  }

  const localSources = config.dependencySources.filter((s): s is LocalSource => s.type !== 'registry');
  const registrySources = config.dependencySources.filter((s): s is RegistrySource => s.type === 'registry');
  const makeClient =
    options.registryClient ??
    ((s: RegistrySource) => (s.url ? new fpl.NPMRegistryClient(s.url, { log: log.log }) : new fpl.DefaultRegistryClient({ log: log.log })));
  const registries: NamedRegistry[] = offline ? [] : registrySources.map((s) => ({ label: registryLabel(s), client: makeClient(s) }));
  const registry = new GuardedRegistry(registries, offline);
  const store = new PackageStore(options.cacheDir ?? join(config.projectRoot, '.fhir-cache', 'packages'), localSources);
  const cache = new ProjectPackageCache(store, () => registry.currentLabel);
  const loader = new fpl.BasePackageLoader(db, cache, registry, noCurrentBuilds, { log: log.log });
  const batch = sqlBatch(db);

  const configFile = config.file ? basename(config.file) : undefined;
  const where = (w: Wanted): SourceLocation =>
    w.requiredBy === 'config' && configFile ? { file: configFile, path: formatJsonPath(['dependencies', w.name]) } : {};
  const label = (w: Wanted, version = w.version) => `${w.name}#${version}`;
  const because = (w: Wanted) => (w.requiredBy === 'config' ? '' : ` (required by ${w.requiredBy})`);
  const emit = (pkg: string, stage: PackageProgress['stage'], message: string) => progress({ package: pkg, stage, message });

  const missing = (w: Wanted, version: string, extra?: string) => {
    const places = store.places(w.name, version);
    if (offline) places.push('registry not consulted: offline');
    else if (registries.length === 0) places.push('registry not consulted: no registry source configured');
    else {
      const failures = registry.failuresFor(w.name, version);
      for (const r of registries) places.push(`registry ${r.label}${failures.has(r.label) ? ` (${failures.get(r.label)})` : ''}`);
    }
    const message = `dependency ${label(w, version)}${because(w)} not found${extra ? ` (${extra})` : ''}; looked in: ${places.join('; ')}`;
    diagnostics.error('load.package-missing', message, where(w));
    emit(label(w, version), 'failed', message);
  };

  const queue: Wanted[] = Object.entries(config.dependencies).map(([name, version]) => ({ name, version, requiredBy: 'config' }));
  const seen = new Set<string>();
  const loaded: LoadedPackage[] = [];

  while (queue.length > 0) {
    const w = queue.shift() as Wanted;
    const version = await concreteVersion(w, store, registry);
    if (version === undefined) {
      const supported = w.version === 'latest' || /^\d+\.\d+\.x$/.test(w.version);
      missing(w, w.version, supported ? 'no matching version found' : `'${w.version}' is not a version this toolchain can resolve`);
      continue;
    }
    const pkg = label(w, version);
    if (seen.has(pkg)) continue;
    seen.add(pkg);

    let location: PackageLocation | undefined;
    try {
      location = await store.locate(w.name, version, (tarball, target) => emit(pkg, 'extract', `extracting ${pkg} from ${tarball} to ${target}`));
    } catch (e) {
      const message = `cannot extract ${pkg}${because(w)}: ${errorMessage(e)}`;
      diagnostics.error('load.package-invalid', message, where(w));
      emit(pkg, 'failed', message);
      continue;
    }
    if (location && !existsSync(join(location.path, 'package', 'package.json'))) {
      const message = `cannot load ${pkg}${because(w)} from ${location.from}: it has no package/package.json`;
      diagnostics.error('load.package-invalid', message, where(w));
      emit(pkg, 'failed', message);
      continue;
    }
    if (location) {
      cache.use(w.name, version, location);
      emit(pkg, 'load', `loading ${pkg} from ${location.origin === 'project-cache' ? `${location.path} (downloaded from ${location.from})` : location.from}`);
    } else if (registry.available) {
      emit(pkg, 'download', `downloading ${pkg} from ${registry.labels.join(', then ')}`);
    } else {
      missing(w, version);
      continue;
    }

    log.begin();
    let status: string;
    batch?.begin();
    try {
      status = await loader.loadPackage(w.name, version);
    } catch (e) {
      status = 'FAILED';
      log.log('error', errorMessage(e));
    } finally {
      batch?.commit();
    }
    const messages = log.end();
    const found = cache.locationOf(w.name, version);
    if (status !== fpl.LoadStatus.LOADED || !found) {
      const detail = messages.filter((m) => m.level === 'error').map((m) => m.message).join('; ');
      if (!found) missing(w, version, detail || undefined);
      else {
        const message = `cannot load ${pkg}${because(w)} from ${found.path}${detail ? `: ${detail}` : ''}`;
        diagnostics.error('load.package-invalid', message, where(w));
        emit(pkg, 'failed', message);
      }
      continue;
    }
    log.flush(messages);

    const resourceCount = db.getPackageStats(w.name, version)?.resourceCount ?? 0;
    const damage = packageDamage(found.path, cache.failuresUnder(found.path), resourceCount);
    if (damage.length > 0) {
      // Built on, a damaged package gives weaker validators without a word: the build stops instead.
      for (const problem of damage) diagnostics.error('load.package-damaged', `dependency ${pkg}${because(w)} from ${found.from} is damaged: ${problem}`, where(w));
      emit(pkg, 'failed', `${pkg} is damaged: ${damage[0]}`);
      continue;
    }
    loaded.push({ ...found, name: w.name, version, label: pkg, resourceCount, requiredBy: w.requiredBy });
    const via = found.origin === 'registry' ? `registry ${found.from}` : `${found.origin} ${found.from}`;
    diagnostics.info('load.package-loaded', `loaded ${pkg} (${resourceCount} resources) from ${via}`);
    emit(pkg, 'loaded', `loaded ${pkg}: ${resourceCount} resources`);

    const manifest: unknown = loader.findPackageJSON(w.name, version);
    checkManifest(manifest, w, version, diagnostics, where(w));
    for (const [name, v] of Object.entries(dependenciesOf(manifest))) queue.push({ name, version: v, requiredBy: pkg });
  }

  reportVersionConflicts(loaded, diagnostics);
  loader.optimize();
  return new LoadedPackages(loader, (path) => cache.getResourceAtPath(path), loaded);
}

/** An exact version, found locally first for `latest` / `x.y.x`, then asked of the registries. */
async function concreteVersion(w: Wanted, store: PackageStore, registry: GuardedRegistry): Promise<string | undefined> {
  if (isExactVersion(w.version)) return w.version;
  if (w.version !== 'latest' && !/^\d+\.\d+\.x$/.test(w.version)) return undefined;
  const local = semver.maxSatisfying(store.localVersions(w.name), w.version === 'latest' ? '*' : w.version);
  if (local) return local;
  if (!registry.available) return undefined;
  try {
    return await registry.resolveVersion(w.name, w.version);
  } catch {
    return undefined;
  }
}


/** The `dependencies` of a package.json, string versions only. */
function dependenciesOf(manifest: unknown): Record<string, string> {
  const deps = isObject(manifest) ? manifest.dependencies : undefined;
  const out: Record<string, string> = {};
  if (isObject(deps)) for (const [k, v] of Object.entries(deps)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Warns when a package says it is for another FHIR version, or is not the package asked for. */
function checkManifest(manifest: unknown, w: Wanted, version: string, diagnostics: Diagnostics, where: SourceLocation): void {
  if (!isObject(manifest)) return;
  const pkg = `${w.name}#${version}`;
  if (manifest.name !== w.name || manifest.version !== version) {
    diagnostics.warning('load.package-mismatch', `${pkg}: its package.json says ${String(manifest.name)}#${String(manifest.version)}`, where);
  }
  const list = manifest.fhirVersions ?? manifest['fhir-version-list'];
  const versions = Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
  if (versions.length > 0 && !versions.some((v) => v.startsWith('3.0'))) {
    diagnostics.warning('load.package-fhir-version', `${pkg} is for FHIR ${versions.join(', ')}, not 3.0.x (STU3)`, where);
  }
}

function reportVersionConflicts(loaded: readonly LoadedPackage[], diagnostics: Diagnostics): void {
  const byName = new Map<string, string[]>();
  for (const p of loaded) byName.set(p.name, [...(byName.get(p.name) ?? []), p.label]);
  for (const labels of byName.values()) {
    if (labels.length > 1) {
      diagnostics.warning('load.package-version-conflict', `${labels.join(' and ')} are all loaded; lookups find ${labels[0]}'s resources first`);
    }
  }
}

/** fhir-package-loader's log, into Diagnostics: errors and warnings kept, info and debug chatter dropped. */
export class LoaderLog {
  private buffer: Array<{ level: string; message: string }> | undefined;

  constructor(private readonly diagnostics: Diagnostics) {}

  readonly log = (level: string, message: string): void => {
    if (this.buffer) this.buffer.push({ level, message });
    else this.flush([{ level, message }]);
  };

  /** Holds messages while one package loads, so a failure's messages can join its diagnostic. */
  begin(): void {
    this.buffer = [];
  }

  end(): Array<{ level: string; message: string }> {
    const b = this.buffer ?? [];
    this.buffer = undefined;
    return b;
  }

  flush(messages: ReadonlyArray<{ level: string; message: string }>): void {
    for (const { level, message } of messages) {
      if (level === 'error') this.diagnostics.error('load.package-loader', message);
      else if (level === 'warn' || level === 'warning') this.diagnostics.warning('load.package-loader', message);
    }
  }
}

/** Current (CI) builds are not supported: versions must be published ones. */
const noCurrentBuilds: CurrentBuildClient = {
  downloadCurrentBuild: (name: string) => Promise.reject(new Error(`${name}#current: current builds are not supported`)),
  getCurrentBuildDate: (name: string) => Promise.reject(new Error(`${name}#current: current builds are not supported`)),
};

/**
 * Wraps one package's inserts in a single SQL transaction: loading hl7.fhir.r3.core takes about a
 * third of the time. It reaches into SQLJSPackageDB's (private) sql.js handle, and is skipped if that changes.
 */
function sqlBatch(db: PackageDB): { begin(): void; commit(): void } | undefined {
  const inner: unknown = (db as unknown as { db?: unknown }).db;
  if (!isObject(inner) || typeof inner.run !== 'function') return undefined;
  const run = inner.run as (sql: string) => unknown;
  let open = false;
  return {
    begin() {
      try {
        run.call(inner, 'BEGIN');
        open = true;
      } catch {
        open = false;
      }
    },
    commit() {
      if (!open) return;
      open = false;
      try {
        run.call(inner, 'COMMIT');
      } catch {
        // nothing to commit
      }
    },
  };
}
