/**
 * fhir-package-loader's PackageCache over the project's package places. The loader asks it whether a
 * package is cached and where its files are; the answer is whatever `PackageStore.locate` found
 * (a directory tarball's extraction, a FHIR cache folder, an earlier download), and registry
 * downloads are stored in the project cache (the FHIR cache and the tarball folders stay read-only).
 */
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { PackageCache } from 'fhir-package-loader';
import type { PackageStore } from './store.js';
import { readJson, resourcePaths } from './store.js';
import type { PackageLocation } from './types.js';
import { errorMessage } from '../../util/values.js';

export class ProjectPackageCache implements PackageCache {
  private readonly located = new Map<string, PackageLocation>();
  /** Files the loader asked for that could not be read or parsed, with why (fhir-package-loader swallows these). */
  private readonly failures = new Map<string, string>();

  constructor(
    private readonly store: PackageStore,
    /** The registry that served the download in progress (for the project cache's record of it). */
    private readonly currentRegistry: () => string,
  ) {}

  /** Tells the cache where a package was found before the loader is asked to load it. */
  use(name: string, version: string, location: PackageLocation): void {
    this.located.set(`${name}#${version}`, location);
  }

  /** Where the package was found or stored, if anywhere. */
  locationOf(name: string, version: string): PackageLocation | undefined {
    return this.located.get(`${name}#${version}`);
  }

  async cachePackageTarball(name: string, version: string, data: Readable): Promise<string> {
    const registry = this.currentRegistry();
    const path = await this.store.storeDownload(name, version, data, registry);
    this.located.set(`${name}#${version}`, { origin: 'registry', from: registry, path });
    return path;
  }

  isPackageInCache(name: string, version: string): boolean {
    return this.located.has(`${name}#${version}`);
  }

  getPackagePath(name: string, version: string): string | undefined {
    return this.located.get(`${name}#${version}`)?.path;
  }

  getPackageJSONPath(name: string, version: string): string | undefined {
    const path = this.getPackagePath(name, version);
    const json = path && join(path, 'package', 'package.json');
    return json && existsSync(json) ? json : undefined;
  }

  getPotentialResourcePaths(name: string, version: string): string[] {
    const path = this.getPackagePath(name, version);
    return path ? resourcePaths(path) : [];
  }

  /** JSON only: FHIR packages carry JSON resources (XML files in a package are not read). */
  getResourceAtPath(resourcePath: string): unknown {
    if (!/\.json$/i.test(resourcePath)) throw new Error(`not a JSON resource: ${resourcePath}`);
    try {
      return readJson(resourcePath);
    } catch (e) {
      this.failures.set(resolve(resourcePath), errorMessage(e));
      throw new Error(`Failed to get JSON resource at path ${resourcePath}`);
    }
  }

  /** The files under `folder` that could not be read or parsed when the loader asked for them, with why. */
  failuresUnder(folder: string): Map<string, string> {
    const prefix = resolve(folder) + sep;
    return new Map([...this.failures].filter(([path]) => path.startsWith(prefix)));
  }
}
