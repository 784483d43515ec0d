/**
 * Compiled validator modules kept by content hash, so that a module is compiled once: the core module
 * (every base resource type; 6-25 s to compile) for every set of profiles over the same core
 * definitions, and a profile module for every run over the same profiles.
 *
 * A module's key is the SHA-256 of what decides its code: the compiler's own source (every file of
 * scripts/compile/, and the ajv version), the ajv options, and the module's schemas (which carry the
 * definitions: elements, types, fixed values, the codes of required bindings). A profile module's key also
 * holds its core's. On disk (`DiskModuleCache`), an entry is `<kind>-<key>.mjs`: the module's source and a
 * last line with the SHA-256 of that source. It is written to a temporary file and renamed into place
 * (readers see the old entry or the new one, never half of one); on reading, an entry whose hash does not
 * match, or that does not load, is compiled again and replaced, never trusted. Old entries are pruned.
 * `MemoryModuleCache` keeps modules for the life of the process.
 *
 * Modules are loaded as classic scripts (script-loader.ts), a disk cache keeping V8's compiled code of each
 * beside it (`code-*.v8`).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomically } from '../util/files.js';
import { errorMessage } from '../util/values.js';
import { loadScript, type LoadedScript } from './script-loader.js';

/** How a module was had: from the cache, compiled (not there), or compiled again (the entry was corrupt). */
export type CacheOutcome = 'hit' | 'compiled' | 'rebuilt';

export type ModuleKind = 'core' | 'profiles';

export interface CachedModule extends LoadedScript {
  /** Its source (what a build writes out). */
  source: string;
  outcome: CacheOutcome;
  /** The cache file, for a disk cache. */
  file?: string;
  /** Something the cache could not do (write, read an entry), the module being had another way. */
  problem?: string;
}

export interface ModuleCache {
  /** Where modules are kept, for messages: a folder, or `memory`. */
  readonly location: string;
  /** The module of this kind and key: from the cache, else compiled by `compile` (its source) and stored. */
  load(kind: ModuleKind, key: string, compile: () => string): Promise<CachedModule>;
}

/** Bumped when the layout of cache entries changes. */
const FORMAT = 'fhir-stu3-validator-module 2';
const TRAILER = '\n//# fhir-stu3-module sha256=';

let fingerprint: string | undefined;

/** The compiler's identity: the SHA-256 of every source file of this folder and of the ajv version. */
export function compilerFingerprint(): string {
  if (fingerprint) return fingerprint;
  const dir = dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256').update(FORMAT);
  for (const file of readdirSync(dir).filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts')).sort()) hash.update(`\n${file}\n`).update(readFileSync(join(dir, file)));
  const ajv = createRequire(import.meta.url)('ajv/package.json') as { version: string };
  fingerprint = hash.update(`\najv ${ajv.version}`).digest('hex');
  return fingerprint;
}

/** The key of a module: the compiler, and `parts` (options, schemas, the core's key). */
export function moduleKey(...parts: unknown[]): string {
  const hash = createHash('sha256').update(compilerFingerprint());
  for (const part of parts) hash.update('\n').update(typeof part === 'string' ? part : JSON.stringify(part));
  return hash.digest('hex').slice(0, 40);
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Modules for the life of the process, one compile per key. */
export class MemoryModuleCache implements ModuleCache {
  readonly location = 'memory';
  private readonly sources = new Map<string, string>();

  async load(kind: ModuleKind, key: string, compile: () => string): Promise<CachedModule> {
    const name = `${kind}-${key}`;
    let source = this.sources.get(name);
    const outcome: CacheOutcome = source === undefined ? 'compiled' : 'hit';
    source ??= compile();
    const loaded = loadScript(source, kind, `fhir-stu3:${name}`);
    this.sources.set(name, source);
    return { ...loaded, source, outcome };
  }
}

/** The process-wide memory cache (createValidator's default). */
export const memoryModuleCache = new MemoryModuleCache();

/** How many entries of each kind a disk cache keeps (the most recently used); V8 code caches as many again. */
const KEEP: Record<ModuleKind, number> = { core: 4, profiles: 32 };

/** Modules in a folder, shared between runs and processes. */
export class DiskModuleCache implements ModuleCache {
  constructor(readonly location: string) {}

  async load(kind: ModuleKind, key: string, compile: () => string): Promise<CachedModule> {
    const file = join(this.location, `${kind}-${key}.mjs`);
    const stored = readEntry(file);
    if (stored.source !== undefined) {
      try {
        const loaded = loadScript(stored.source, kind, file, this.location);
        touch(file);
        return { ...loaded, source: stored.source, outcome: 'hit', file };
      } catch (e) {
        stored.corrupt = `it does not load (${errorMessage(e)})`;
      }
    }
    const source = compile();
    const outcome: CacheOutcome = stored.corrupt ? 'rebuilt' : 'compiled';
    const notes = stored.corrupt ? [`cache entry ${file} was corrupt (${stored.corrupt}): compiled again`] : [];
    try {
      writeFileAtomically(file, `${source}${TRAILER}${sha256(source)}\n`);
      prune(this.location);
    } catch (e) {
      notes.push(`cannot write the validator cache ${this.location}: ${errorMessage(e)}`);
    }
    const loaded = loadScript(source, kind, file, this.location);
    return { ...loaded, source, outcome, file, ...(notes.length ? { problem: notes.join('; ') } : {}) };
  }
}

/** An entry's source when it is there and whole; why not when it is there but damaged. */
function readEntry(file: string): { source?: string; corrupt?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const at = text.lastIndexOf(TRAILER);
  if (at < 0) return { corrupt: 'no checksum line' };
  const source = text.slice(0, at);
  const recorded = text.slice(at + TRAILER.length).trim();
  return recorded === sha256(source) ? { source } : { corrupt: 'checksum mismatch' };
}

function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // a read-only cache still serves its entries
  }
}

/** Keeps the most recently used entries of each kind, and drops temporary files left by interrupted writes. */
function prune(dir: string): void {
  const entries = readdirSync(dir).map((name) => {
    try {
      return { name, mtime: statSync(join(dir, name)).mtimeMs };
    } catch {
      return { name, mtime: 0 };
    }
  });
  const hourAgo = Date.now() - 3600_000;
  for (const e of entries) if (e.name.startsWith('.tmp-') && e.mtime < hourAgo) rmSync(join(dir, e.name), { force: true });
  for (const kind of Object.keys(KEEP) as ModuleKind[]) {
    for (const [prefix, suffix] of [[`${kind}-`, '.mjs'], [`code-${kind}-`, '.v8']]) {
      const ofKind = entries.filter((e) => e.name.startsWith(prefix) && e.name.endsWith(suffix)).sort((a, b) => b.mtime - a.mtime);
      for (const old of ofKind.slice(KEEP[kind])) rmSync(join(dir, old.name), { force: true });
    }
  }
}
