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
 * `MemoryModuleCache` keeps modules for the life of the process (imported from `data:` URLs).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errorMessage } from '../util/values.js';

/** How a module was had: from the cache, compiled (not there), or compiled again (the entry was corrupt). */
export type CacheOutcome = 'hit' | 'compiled' | 'rebuilt';

export type ModuleKind = 'core' | 'profiles';

export interface CachedModule {
  /** The imported module's namespace. */
  namespace: unknown;
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
const FORMAT = 'fhir-stu3-validator-module 1';
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

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The module in `source`, imported from memory. */
async function importSource(source: string): Promise<unknown> {
  return import(`data:text/javascript;base64,${Buffer.from(source, 'utf8').toString('base64')}`);
}

/** Modules for the life of the process, one compile per key. */
export class MemoryModuleCache implements ModuleCache {
  readonly location = 'memory';
  private readonly modules = new Map<string, Promise<{ namespace: unknown; source: string }>>();

  async load(kind: ModuleKind, key: string, compile: () => string): Promise<CachedModule> {
    const name = `${kind}-${key}`;
    let entry = this.modules.get(name);
    const outcome: CacheOutcome = entry ? 'hit' : 'compiled';
    if (!entry) {
      entry = (async () => {
        const source = compile();
        return { namespace: await importSource(source), source };
      })();
      this.modules.set(name, entry);
      entry.catch(() => this.modules.delete(name));
    }
    return { ...(await entry), outcome };
  }
}

/** The process-wide memory cache (createValidator's default). */
export const memoryModuleCache = new MemoryModuleCache();

/** How many entries of each kind a disk cache keeps (the most recently used). */
const KEEP: Record<ModuleKind, number> = { core: 4, profiles: 32 };

/** Modules in a folder, shared between runs and processes. */
export class DiskModuleCache implements ModuleCache {
  constructor(readonly location: string) {}

  async load(kind: ModuleKind, key: string, compile: () => string): Promise<CachedModule> {
    const file = join(this.location, `${kind}-${key}.mjs`);
    const stored = readEntry(file);
    if (stored.source !== undefined) {
      try {
        const namespace = await importFile(file, stored.source, false);
        touch(file);
        return { namespace, source: stored.source, outcome: 'hit', file };
      } catch (e) {
        stored.corrupt = `it does not load (${errorMessage(e)})`;
      }
    }
    const source = compile();
    const outcome: CacheOutcome = stored.corrupt ? 'rebuilt' : 'compiled';
    const corruptNote = stored.corrupt ? `cache entry ${file} was corrupt (${stored.corrupt}): compiled again` : undefined;
    try {
      writeEntry(file, source);
      prune(this.location);
    } catch (e) {
      const problem = `cannot write the validator cache ${this.location}: ${errorMessage(e)}`;
      return { namespace: await importSource(source), source, outcome, problem: corruptNote ? `${corruptNote}; ${problem}` : problem };
    }
    return { namespace: await importFile(file, source, true), source, outcome, file, ...(corruptNote ? { problem: corruptNote } : {}) };
  }
}

/**
 * Cache files this process imported: a whole entry is imported once. A file imported before and rewritten
 * since (or one that failed to load) is imported from its new source in memory: imports are kept by URL.
 */
const imported = new Map<string, Promise<unknown>>();
const used = new Set<string>();

function importFile(file: string, source: string, rewritten: boolean): Promise<unknown> {
  let namespace = rewritten ? undefined : imported.get(file);
  if (!namespace) {
    namespace = used.has(file) ? importSource(source) : import(pathToFileURL(file).href);
    used.add(file);
    imported.set(file, namespace);
    namespace.catch(() => imported.delete(file));
  }
  return namespace;
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

/** Writes an entry whole or not at all: a temporary file in the same folder, renamed into place. */
function writeEntry(file: string, source: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(tmp, `${source}${TRAILER}${sha256(source)}\n`);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
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
    const ofKind = entries.filter((e) => e.name.startsWith(`${kind}-`) && e.name.endsWith('.mjs')).sort((a, b) => b.mtime - a.mtime);
    for (const old of ofKind.slice(KEEP[kind])) rmSync(join(dir, old.name), { force: true });
  }
}
