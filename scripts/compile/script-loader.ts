/**
 * Loading validator modules as classic scripts (link.ts, `scriptOf`) rather than importing them: V8 then
 * takes back the code it compiled on an earlier run (its code cache), where importing an ES module parses
 * all 8 MB of the core module again on every start. A code cache is kept in a folder as
 * `code-<kind>-<hash of the module's source>-<node version>-<arch>.v8`, written whole or not at all; V8
 * refuses one that does not fit its version or flags, and it is then made again. Without a folder nothing
 * is kept.
 */
import { createHash } from 'node:crypto';
import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { writeFileAtomically } from '../util/files.js';
import { scriptOf, type MODULE_EXPORTS } from './link.js';

export interface LoadedScript {
  /** The module's exports. */
  module: unknown;
  /** Keeps V8's compiled code of the module when it was not had from the cache (call once the module has been linked: what is compiled by then is kept). */
  keepCode(): void;
}

/** Bumped when `scriptOf` changes: a code cache is of one script text. */
const SCRIPT_FORM = 1;

/**
 * Loads a module's source (text or bytes, as read from its file) as a script; `filename` names it in
 * stack traces. Throws when it does not load.
 */
export function loadScript(source: string | Buffer, kind: keyof typeof MODULE_EXPORTS, filename: string, codeCacheDir?: string): LoadedScript {
  // The key hashes the source's UTF-8 bytes however it is given (hashing bytes is the cheaper).
  const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  // ASCII read as Latin-1 is the same text, and the cheapest string V8 makes (the emitted modules are ASCII).
  const text = scriptOf(typeof source === 'string' ? source : bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8'), kind);
  const key = createHash('sha256').update(`${SCRIPT_FORM} ${kind}\n`).update(bytes).digest('hex').slice(0, 40);
  const file = codeCacheDir && join(codeCacheDir, `code-${kind}-${key}-${process.version}-${process.arch}.v8`);
  let cachedData: Buffer | undefined;
  if (file) {
    try {
      cachedData = readFileSync(file);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(text, { filename, ...(cachedData ? { cachedData } : {}) });
  const factory = script.runInThisContext() as () => unknown;
  const module = factory();
  const fresh = !cachedData || script.cachedDataRejected === true;
  let kept = false;
  return {
    module,
    keepCode: () => {
      if (!file || !fresh || kept) return;
      kept = true;
      try {
        writeFileAtomically(file, script.createCachedData());
      } catch {
        // A cache that cannot be written costs the next start its parse, nothing else.
      }
    },
  };
}
