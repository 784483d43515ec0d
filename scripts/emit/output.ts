/**
 * The in-memory file list every emitter produces and the output writer puts on disk.
 * Pure helpers only: nothing here touches the file system.
 */

/** One output file: a relative posix path (no `.`/`..` segments, no leading `/`) and its bytes. */
export interface OutputFile {
  path: string;
  content: Buffer;
}

/** Code-unit string order: independent of locale and ICU version, so output is the same everywhere. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy of the list ordered by path. */
export function sortOutputFiles(files: readonly OutputFile[]): OutputFile[] {
  return [...files].sort((a, b) => compareStrings(a.path, b.path));
}

/**
 * Why a path is not a safe relative output path, or undefined when it is.
 * Rejects absolute paths, backslashes, drive letters, empty/`.`/`..` segments and NUL.
 */
export function unsafePathReason(path: string): string | undefined {
  if (path === '') return 'empty path';
  if (path.includes('\0')) return 'contains NUL';
  if (path.includes('\\')) return 'contains a backslash (paths are posix)';
  if (path.startsWith('/')) return 'absolute path';
  if (/^[A-Za-z]:/.test(path)) return 'drive letter';
  for (const segment of path.split('/')) {
    if (segment === '') return 'empty segment';
    if (segment === '.' || segment === '..') return `"${segment}" segment`;
  }
  return undefined;
}

/**
 * Checks a whole file list before anything is written or packed: every path safe, no path twice,
 * and no path that is both a file and the folder of another file (`a/b` and `a/b/c`).
 * Throws: a bad list is a programming error in an emitter, not a content problem.
 */
export function assertValidFileList(files: readonly OutputFile[]): void {
  const paths = new Set<string>();
  for (const f of files) {
    const reason = unsafePathReason(f.path);
    if (reason) throw new Error(`Unsafe output path "${f.path}": ${reason}`);
    if (paths.has(f.path)) throw new Error(`Output path "${f.path}" appears twice`);
    paths.add(f.path);
  }
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (paths.has(dir)) throw new Error(`Output path "${dir}" is a file and also the folder of "${p}"`);
    }
  }
}

/** JSON as the package carries it: keys in the object's own order, 2-space indent, trailing newline, UTF-8. */
export function jsonBuffer(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
}
