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
 *
 * Interruptions: the temporary folders carry the writing process's id (`.<name>.tmp-<pid>-*`,
 * `.<name>.old-<pid>-*`). SIGINT and SIGTERM are held off between the two renames (re-raised after), and
 * every write and every loading of the output first recovers from a process that died anyway: when the
 * output folder is missing, the previous one (`.old-`) is renamed back; leftovers of processes no longer
 * running are removed.
 */
import { constants } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
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
  await recoverOutput(target);
  const oldExists = await isDirectory(target);

  const temp = await mkdtemp(join(parent, `.${name}.tmp-${process.pid}-`));
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
  const old = await mkdtemp(join(dirname(target), `.${basename(target)}.old-${process.pid}-`));
  // rename() onto an existing empty folder replaces it on POSIX; remove it first to be portable.
  await rm(old, { recursive: true, force: true });
  await withSignalsHeld(async () => {
    try {
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
  });
  await rm(old, { recursive: true, force: true });
}

/** Runs `critical` with SIGINT and SIGTERM held off; one that came meanwhile is raised again after. */
async function withSignalsHeld(critical: () => Promise<void>): Promise<void> {
  const held: NodeJS.Signals[] = [];
  const hold = (signal: NodeJS.Signals) => held.push(signal);
  process.on('SIGINT', hold);
  process.on('SIGTERM', hold);
  try {
    await critical();
  } finally {
    process.off('SIGINT', hold);
    process.off('SIGTERM', hold);
    if (held.length > 0) process.kill(process.pid, held[0]);
  }
}

/** `.<name>.tmp-<pid>-*` or `.<name>.old-<pid>-*` (no pid: written before pids were recorded). */
const LEFTOVER = /^\.(.+)\.(tmp|old)-(?:(\d+)-)?[^/]*$/;

/**
 * Recovers the output folder `target` from an interrupted write: if it is missing and a previous one
 * (`.old-`) of a process no longer running is there, that is renamed back (the newest, when several);
 * then every leftover of a process no longer running is removed. Folders of a process still running
 * (another build) are left alone. Safe to call at any time; does nothing when there is nothing left over.
 */
export async function recoverOutput(target: string): Promise<void> {
  const parent = dirname(resolve(target));
  const name = basename(resolve(target));
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  const stale: Array<{ path: string; kind: string }> = [];
  for (const entry of entries) {
    const m = LEFTOVER.exec(entry);
    if (!m || m[1] !== name) continue;
    const pid = m[3] === undefined ? undefined : Number(m[3]);
    if (pid !== undefined && pid !== process.pid && isRunning(pid)) continue;
    if (pid === process.pid) continue;
    stale.push({ path: join(parent, entry), kind: m[2] });
  }
  if (stale.length === 0) return;
  if (!(await isDirectory(target))) {
    const olds = stale.filter((s) => s.kind === 'old');
    const times = await Promise.all(olds.map(async (o) => ({ o, at: (await stat(o.path).catch(() => undefined))?.mtimeMs ?? 0 })));
    const newest = times.sort((a, b) => b.at - a.at)[0]?.o;
    if (newest && (await rename(newest.path, target).then(() => true, () => false))) stale.splice(stale.indexOf(newest), 1);
  }
  for (const s of stale) await rm(s.path, { recursive: true, force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
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
