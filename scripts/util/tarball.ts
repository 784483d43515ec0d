/**
 * Reading a (gzipped) tarball in memory: its plain files by relative path. One reader for every package
 * the toolchain opens (dependency extraction, a previous release, a published tarball), so each refuses
 * the same things: links and special entries are skipped, paths that would leave the archive's root are
 * skipped, and a damaged archive (bad gzip, truncated, bad header) is an error, never a partial read.
 */
import { posix } from 'node:path';
import { Parser, type ReadEntry } from 'tar';

const PLAIN_FILES = new Set(['File', 'OldFile', 'ContiguousFile']);

/** The plain files of a tarball (gzipped or not), by relative posix path. Throws with the reason on data that is not a whole archive. */
export async function readTarball(data: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolvePromise, reject) => {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        const path = safeEntryPath(entry.path);
        if (!path || !PLAIN_FILES.has(entry.type)) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => files.set(path, Buffer.concat(chunks)));
      },
    });
    parser.on('error', reject);
    parser.on('warn', (_code: string, message: string | Error) => reject(message instanceof Error ? message : new Error(message)));
    parser.on('end', () => resolvePromise());
    parser.end(data);
  });
  return files;
}

/** A relative path inside the archive's root, or undefined for `..`, absolute or empty paths. */
export function safeEntryPath(entryPath: string): string | undefined {
  const normal = posix.normalize(entryPath.replace(/\\/g, '/')).replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (normal === '' || normal === '.' || normal.startsWith('/') || /^[A-Za-z]:/.test(normal)) return undefined;
  return normal.split('/').includes('..') ? undefined : normal;
}
