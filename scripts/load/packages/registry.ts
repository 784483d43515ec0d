/**
 * The registry side of package loading, behind fhir-package-loader's RegistryClient interface.
 * `GuardedRegistry` is what the loader talks to: it never lets an exact version reach the network
 * (the loader asks to "resolve" every version, even `3.0.2`), refuses everything when offline,
 * tries the configured registries in order, and remembers why each one failed for the diagnostic.
 */
import type { Readable } from 'node:stream';
import type { RegistryClient } from 'fhir-package-loader';
import semver from 'semver';
import type { RegistrySource } from './types.js';

export const DEFAULT_REGISTRY_LABEL = 'https://packages.fhir.org (then https://packages2.fhir.org/packages)';

export interface NamedRegistry {
  /** The URL shown in messages. */
  label: string;
  client: RegistryClient;
}

export function registryLabel(source: RegistrySource): string {
  return source.url ?? DEFAULT_REGISTRY_LABEL;
}

/** True for a version the registry need not resolve (`3.0.2`, `1.0.0-ballot`). */
export function isExactVersion(version: string): boolean {
  return semver.valid(version) === version;
}

export class GuardedRegistry implements RegistryClient {
  /** Registry label to failure reason, per `name#version`, from the latest attempts. */
  private readonly failures = new Map<string, Map<string, string>>();
  private serving: string;
  /** Every registry request made (for tests and the "no network" guarantee). */
  readonly requests: string[] = [];

  constructor(
    private readonly registries: readonly NamedRegistry[],
    private readonly offline: boolean,
  ) {
    this.serving = registries[0]?.label ?? '';
  }

  /** True when a download may be attempted at all. */
  get available(): boolean {
    return !this.offline && this.registries.length > 0;
  }

  get labels(): string[] {
    return this.registries.map((r) => r.label);
  }

  /** The registry whose download is being stored. */
  get currentLabel(): string {
    return this.serving;
  }

  async resolveVersion(name: string, version: string): Promise<string> {
    if (isExactVersion(version)) return version;
    if (!this.available) throw new Error(`cannot resolve ${name}#${version}: ${this.offline ? 'offline' : 'no registry configured'}`);
    const reasons = this.reasonsFor(name, version);
    for (const r of this.registries) {
      this.requests.push(`resolve ${name}#${version} at ${r.label}`);
      try {
        const resolved = await r.client.resolveVersion(name, version);
        if (isExactVersion(resolved)) return resolved;
        reasons.set(r.label, `resolved to '${resolved}', not a version`);
      } catch (e) {
        reasons.set(r.label, reason(e));
      }
    }
    throw new Error(`Failed to resolve version for ${name}#${version}`);
  }

  async download(name: string, version: string): Promise<Readable> {
    if (!this.available) throw new Error(`not downloading ${name}#${version}: ${this.offline ? 'offline' : 'no registry configured'}`);
    const reasons = this.reasonsFor(name, version);
    for (const r of this.registries) {
      this.requests.push(`download ${name}#${version} from ${r.label}`);
      try {
        const stream = await r.client.download(name, version);
        this.serving = r.label;
        reasons.delete(r.label);
        return stream;
      } catch (e) {
        reasons.set(r.label, reason(e));
      }
    }
    throw new Error(`Failed to download ${name}#${version}`);
  }

  /** Why each registry could not serve `name#version` (empty if none was asked). */
  failuresFor(name: string, version: string): ReadonlyMap<string, string> {
    return this.failures.get(`${name}#${version}`) ?? new Map();
  }

  private reasonsFor(name: string, version: string): Map<string, string> {
    const key = `${name}#${version}`;
    let m = this.failures.get(key);
    if (!m) this.failures.set(key, (m = new Map()));
    return m;
  }
}

function reason(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : 'failed';
}
