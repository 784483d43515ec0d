/**
 * The payload files a command is named: literal paths and glob patterns expanded, and each file read
 * safely. Every way a named input can fail is an error for that input alone (the batch goes on), never a
 * silent skip and never an abort: a missing file, a folder without payload files, a FIFO or device (never opened, since
 * opening one can block), a symbolic-link loop, a file that cannot be read, a file over the size limit
 * (refused before it is read), a glob that matches nothing or cannot be searched.
 */
import type { Options as GlobbyOptions } from 'globby';
import { closeSync, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_LIMITS } from '../util/limits.js';
import { errorMessage } from '../util/values.js';

/** One input named on the command line: a file to read, or why it cannot be. */
export interface PayloadInput {
  file: string;
  /** Why this input cannot be read (set for literal paths that are no readable file). */
  error?: string;
}

export interface ExpandedInputs {
  inputs: PayloadInput[];
  /** Patterns that matched nothing or could not be searched, each with why. */
  problems: string[];
}

/**
 * A folder stands for the .json and .xml files beneath it; other literal paths are kept whatever they are
 * (reading reports what is wrong with each); glob patterns are
 * expanded to the files they match (symbolic links not followed into directories, so a loop cannot make
 * the search endless; a link to a file is matched and read through). Each file once, in a stable order.
 */
export async function expandInputs(patterns: readonly string[]): Promise<ExpandedInputs> {
  const files = new Set<string>();
  const problems: string[] = [];
  for (const pattern of patterns) {
    // A path that names an entry is that entry, whatever characters it holds; globby (a costly import
    // for a one-payload start-up) is loaded only when a pattern names nothing.
    const path = resolve(pattern);
    if (isEntry(path)) {
      if (isDirectory(path)) await addFolder(path, files, problems);
      else files.add(path);
      continue;
    }
    const { isDynamicPattern } = await import('globby');
    if (!isDynamicPattern(pattern)) files.add(path);
    else await addMatches(pattern, pattern, {}, `no files match ${pattern}`, files, problems);
  }
  return { inputs: [...files].sort().map((file) => ({ file })), problems };
}

/** Something (a file, a directory, a link, even a dangling or looping one) is at this path. */
function isEntry(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The payload files (.json, .xml, any case) anywhere under a folder named on the command line; none is a problem, never a silent pass. */
function addFolder(folder: string, files: Set<string>, problems: string[]): Promise<void> {
  // The folder is the search's cwd, so its name is never read as a pattern.
  return addMatches(['**/*.json', '**/*.xml'], folder, { cwd: folder, caseSensitiveMatch: false }, `no .json or .xml files in the folder ${folder}`, files, problems);
}

/** The files a glob search matches (links not followed into directories, so a loop cannot make it endless); none, or a failed search, is a problem. */
async function addMatches(patterns: string | string[], what: string, options: GlobbyOptions, none: string, files: Set<string>, problems: string[]): Promise<void> {
  let matches: string[];
  try {
    const { globby } = await import('globby');
    matches = await globby(patterns, { ...options, absolute: true, onlyFiles: false, followSymbolicLinks: false, suppressErrors: false });
  } catch (e) {
    problems.push(`cannot search ${what}: ${errorMessage(e)}`);
    return;
  }
  const found = matches.filter((m) => !isDirectory(m));
  if (found.length === 0) problems.push(none);
  for (const m of found) files.add(m);
}

/** A matched path that is a directory (or a link to one): globs skip those. A path that cannot be looked at is not skipped: reading it says why. */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The bytes of a payload file, or why they cannot be had. */
export function readPayloadFile(file: string, maxBytes: number = DEFAULT_LIMITS.maxBytes): { bytes: Buffer } | { error: string } {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (e) {
    return { error: `cannot read ${file}: ${fileError(e)}` };
  }
  const kind = notAFile(stats);
  if (kind) return { error: `cannot read ${file}: it is ${kind}, not a file` };
  if (stats.size > maxBytes) return { error: `${file} is ${mib(stats.size)}, over the payload limit of ${mib(maxBytes)}: not read` };
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    // The file may have changed since it was looked at: checked again on what was opened, read to at most the limit.
    const opened = fstatSync(fd);
    const again = notAFile(opened);
    if (again) return { error: `cannot read ${file}: it is ${again}, not a file` };
    const buffer = Buffer.alloc(Math.min(opened.size, maxBytes) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) return { error: `${file} is over the payload limit of ${mib(maxBytes)}: not read` };
    return { bytes: buffer.subarray(0, length) };
  } catch (e) {
    return { error: `cannot read ${file}: ${fileError(e)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function notAFile(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** An fs error as a short reason (its code said in words where it is a common one). */
function fileError(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'ELOOP':
      return 'a loop of symbolic links';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return errorMessage(e);
  }
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
