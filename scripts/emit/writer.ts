/**
 * The output writer: the only emit code that touches the disk.
 *
 * Everything is written into a fresh temporary folder beside the output folder (same parent, so
 * the same file system), then swapped in with two renames: the old folder is renamed away, the
 * new one renamed into place, and the old one deleted. A build that fails while writing removes
 * its temporary folder and leaves the previous output exactly as it was; a build that fails
 * before calling the writer never touches it at all.
 *
 * Files named in `preserve` (default `README.md`, the committed description of generated/) are
 * carried over from the old folder unless the new file list has them itself.
 */
import { constants } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { assertValidFileList, sortOutputFiles, unsafePathReason, type OutputFile } from './output.js';

export interface WriteOutputOptions {
  /** Relative paths kept from the previous output folder when the new file list lacks them. Default `['README.md']`. */
  preserve?: readonly string[];
}

export interface WriteOutputResult {
  /** Absolute path of the output folder. */
  outDir: string;
  /** Paths written from the file list, sorted. */
  written: string[];
  /** Paths carried over from the previous folder. */
  preserved: string[];
}

export const DEFAULT_PRESERVE: readonly string[] = ['README.md'];

export async function writeOutput(outDir: string, files: readonly OutputFile[], options: WriteOutputOptions = {}): Promise<WriteOutputResult> {
  // Validate everything before the first byte is written.
  assertValidFileList(files);
  const preserve = options.preserve ?? DEFAULT_PRESERVE;
  for (const p of preserve) {
    const reason = unsafePathReason(p);
    if (reason) throw new Error(`Unsafe preserve path "${p}": ${reason}`);
  }

  const target = resolve(outDir);
  const parent = dirname(target);
  const name = basename(target);
  await mkdir(parent, { recursive: true });
  const oldExists = await isDirectory(target);

  const temp = await mkdtemp(join(parent, `.${name}.tmp-`));
  // mkdtemp makes the folder private (0700); the output is meant to be read by others (a web server serving the site).
  await chmod(temp, 0o755);
  const result: WriteOutputResult = { outDir: target, written: [], preserved: [] };
  try {
    const sorted = sortOutputFiles(files);
    const made = new Set<string>();
    for (const f of sorted) {
      const file = join(temp, ...f.path.split('/'));
      const dir = dirname(file);
      if (!made.has(dir)) {
        await mkdir(dir, { recursive: true });
        made.add(dir);
      }
      await writeFile(file, f.content, { flag: 'wx' });
      result.written.push(f.path);
    }
    if (oldExists) {
      const emitted = new Set(sorted.map((f) => f.path));
      for (const p of [...preserve].sort()) {
        if (emitted.has(p)) continue;
        const from = join(target, ...p.split('/'));
        if (!(await isFile(from))) continue;
        const to = join(temp, ...p.split('/'));
        await mkdir(dirname(to), { recursive: true });
        await copyFile(from, to, constants.COPYFILE_EXCL);
        result.preserved.push(p);
      }
    }
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }

  await swapIn(temp, target, oldExists);
  return result;
}

/** Renames the old folder away, the new one in, then deletes the old one; puts the old one back if the second rename fails. */
async function swapIn(temp: string, target: string, oldExists: boolean): Promise<void> {
  if (!oldExists) {
    try {
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      throw err;
    }
    return;
  }
  const old = await mkdtemp(join(dirname(target), `.${basename(target)}.old-`));
  try {
    // rename() onto an existing empty folder replaces it on POSIX; remove it first to be portable.
    await rm(old, { recursive: true, force: true });
    await rename(target, old);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  try {
    await rename(temp, target);
  } catch (err) {
    await rename(old, target).catch(() => undefined);
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  await rm(old, { recursive: true, force: true });
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
