/**
 * Where packages live on disk: folders of tarballs (read-only, extracted into the project cache),
 * FHIR package caches (read-only, `<name>#<version>/package/...`), and the project cache
 * (`<projectRoot>/.fhir-cache/packages/<name>#<version>`) holding extracted tarballs and registry downloads.
 * All file-system work for dependency packages goes through this one class.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import semver from 'semver';
import type { PackageLocation } from './types.js';
import { readTarball } from '../../util/tarball.js';

export type LocalSource = { type: 'directory'; path: string } | { type: 'fhir-cache'; path: string };

/** Written next to `package/` in the project cache, to know where an extracted package came from. */
const MARKER = '.fhir-stu3-origin.json';

interface Marker {
  origin: 'directory' | 'registry';
  /** The tarball path (directory) or the registry URL (registry). */
  from: string;
  size?: number;
  mtimeMs?: number;
  sha256?: string;
}

export class PackageStore {
  constructor(
    /** The project cache: `<projectRoot>/.fhir-cache/packages`. */
    readonly cacheDir: string,
    /** The configured local sources, in order. */
    private readonly sources: readonly LocalSource[],
  ) {}

  /** One line per place a package is looked for locally, for a "not found" diagnostic. */
  places(name: string, version: string): string[] {
    const out = this.sources.map((s) =>
      s.type === 'directory' ? `directory ${s.path} (no ${tarballName(name, version)})` : `FHIR cache ${s.path} (no ${name}#${version})`,
    );
    out.push(`project cache ${this.cacheDir} (no earlier registry download)`);
    return out;
  }

  /**
   * Finds a package locally, in the configured order, then among earlier registry downloads.
   * A tarball is extracted into the project cache first, unless the extracted copy is of the same tarball.
   */
  async locate(name: string, version: string, onExtract?: (tarball: string, target: string) => void): Promise<PackageLocation | undefined> {
    for (const source of this.sources) {
      if (source.type === 'directory') {
        const tarball = join(source.path, tarballName(name, version));
        if (!isFile(tarball)) continue;
        const path = await this.extractTarball(tarball, name, version, onExtract);
        return { origin: 'directory', from: tarball, path };
      }
      const path = join(source.path, `${name}#${version}`);
      if (isFile(join(path, 'package', 'package.json'))) return { origin: 'fhir-cache', from: source.path, path };
    }
    const path = this.targetOf(name, version);
    const marker = readMarker(path);
    if (marker?.origin === 'registry' && isFile(join(path, 'package', 'package.json'))) {
      return { origin: 'project-cache', from: marker.from, path };
    }
    return undefined;
  }

  /** Every version of a package available locally (for `latest` and `x.y.x`), highest first. */
  localVersions(name: string): string[] {
    const found = new Set<string>();
    const tgz = new RegExp(`^${escapeRegExp(name)}-(.+)\\.tgz$`);
    const folder = new RegExp(`^${escapeRegExp(name)}#(.+)$`);
    for (const source of this.sources) {
      for (const entry of listDir(source.path)) {
        const m = (source.type === 'directory' ? tgz : folder).exec(entry);
        if (m?.[1] && semver.valid(m[1]) === m[1]) found.add(m[1]);
      }
    }
    for (const entry of listDir(this.cacheDir)) {
      const m = folder.exec(entry);
      if (m?.[1] && semver.valid(m[1]) === m[1] && readMarker(join(this.cacheDir, entry))?.origin === 'registry') found.add(m[1]);
    }
    return [...found].sort(semver.rcompare);
  }

  /** Extracts a downloaded tarball stream into the project cache; returns the package folder. */
  async storeDownload(name: string, version: string, data: Readable, registry: string): Promise<string> {
    const target = this.targetOf(name, version);
    const chunks: Buffer[] = [];
    for await (const chunk of data) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    await this.replaceWith(target, async (tmp) => {
      await unpack(Buffer.concat(chunks), tmp);
      await writeFile(join(tmp, MARKER), JSON.stringify({ origin: 'registry', from: registry } satisfies Marker));
    });
    return target;
  }

  /** The project-cache folder of a package. */
  targetOf(name: string, version: string): string {
    return join(this.cacheDir, `${name}#${version}`);
  }

  private async extractTarball(tarball: string, name: string, version: string, onExtract?: (tarball: string, target: string) => void): Promise<string> {
    const target = this.targetOf(name, version);
    const stat = statSync(tarball);
    const marker = readMarker(target);
    const same = marker?.origin === 'directory' && marker.from === tarball && isFile(join(target, 'package', 'package.json'));
    if (same && marker.size === stat.size && marker.mtimeMs === stat.mtimeMs) return target;
    const bytes = await readFile(tarball);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const fresh: Marker = { origin: 'directory', from: tarball, size: stat.size, mtimeMs: stat.mtimeMs, sha256 };
    if (same && marker.sha256 === sha256) {
      // Touched but unchanged: remember the new timestamp, keep the extracted files.
      await writeFile(join(target, MARKER), JSON.stringify(fresh));
      return target;
    }
    onExtract?.(tarball, target);
    await this.replaceWith(target, async (tmp) => {
      await unpack(bytes, tmp);
      await writeFile(join(tmp, MARKER), JSON.stringify(fresh));
    });
    return target;
  }

  /** Fills a fresh temporary folder, normalises it to the `package/` layout, and swaps it in for `target`. */
  private async replaceWith(target: string, fill: (tmp: string) => Promise<void>): Promise<void> {
    await mkdir(this.cacheDir, { recursive: true });
    const tmp = join(this.cacheDir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp);
    try {
      await fill(tmp);
      await nestUnderPackage(tmp);
      const old = `${tmp}-old`;
      if (existsSync(target)) await rename(target, old);
      try {
        await rename(tmp, target);
      } catch (e) {
        // Another build put the package in place meanwhile: use theirs.
        if (!isFile(join(target, 'package', 'package.json'))) throw e;
        await rm(tmp, { recursive: true, force: true });
      }
      await rm(old, { recursive: true, force: true });
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }
}

/** `hl7.fhir.r3.core-3.0.2.tgz`, the npm tarball naming. */
export function tarballName(name: string, version: string): string {
  return `${name}-${version}.tgz`;
}

/** Resource file paths of a package folder: `package/*.json` except dot files, sorted (as fhir-package-loader does). */
export function resourcePaths(packageFolder: string): string[] {
  const content = join(packageFolder, 'package');
  try {
    return readdirSync(content, { withFileTypes: true })
      .filter((e) => e.isFile() && /^[^.].*\.json$/i.test(e.name))
      .map((e) => join(content, e.name))
      .sort();
  } catch {
    return [];
  }
}

/** Reads and parses a JSON file (resources and package.json). */
export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Some packages put files beside `package/` rather than in it; the IG Publisher and FPL move them in. */
async function nestUnderPackage(folder: string): Promise<void> {
  const pkg = join(folder, 'package');
  if (!existsSync(pkg)) return;
  for (const entry of await readdir(folder)) {
    if (entry !== 'package' && entry !== MARKER) await rename(join(folder, entry), join(pkg, entry));
  }
}

/**
 * Unpacks a (gzipped) tarball into `folder`: plain files only (no links or specials), no path outside
 * `folder`. The archive is read whole in memory first (a damaged one writes nothing) and the files are
 * written in one go, which is many times faster than tar's own extraction for thousands of small files.
 */
async function unpack(tarball: Buffer, folder: string): Promise<void> {
  const files = await readTarball(tarball);
  const made = new Set<string>();
  for (const [path, body] of files) {
    const target = join(folder, path);
    const dir = dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(target, body);
  }
}

function readMarker(folder: string): Marker | undefined {
  try {
    const m = readJson(join(folder, MARKER));
    if (typeof m !== 'object' || m === null) return undefined;
    const o = m as Record<string, unknown>;
    if ((o.origin !== 'directory' && o.origin !== 'registry') || typeof o.from !== 'string') return undefined;
    return {
      origin: o.origin,
      from: o.from,
      ...(typeof o.size === 'number' ? { size: o.size } : {}),
      ...(typeof o.mtimeMs === 'number' ? { mtimeMs: o.mtimeMs } : {}),
      ...(typeof o.sha256 === 'string' ? { sha256: o.sha256 } : {}),
    };
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
