/**
 * A byte-for-byte reproducible `.tgz` from an in-memory file list.
 *
 * The archive is assembled here, block by block, with the header encoders of the npm `tar`
 * package (`Header`, `Pax`): its `Pack` stream reads from disk, and stat data (mtime, owner,
 * mode) is exactly what must not leak into a reproducible archive. Every entry gets:
 *  - entries sorted by path (code-unit order), each folder entry right before its contents;
 *  - a fixed mtime (1985-10-26T08:15:00Z, the date `npm pack` uses);
 *  - mode 0644 for files and 0755 for folders, uid/gid 0, empty uname/gname;
 *  - a ustar name/prefix split, or a pax `path` record only when a path does not fit.
 * The gzip header carries no mtime or file name and a fixed OS byte (255, "unknown"), so the
 * only thing that could still differ is the deflate stream of a different zlib build.
 */
import { gzipSync } from 'node:zlib';
import { Header, Pax } from 'tar';
import { assertValidFileList, compareStrings, type OutputFile } from '../output.js';
import { PACKAGE_ROOT } from './emit-package.js';

/** The mtime of every entry: the fixed date npm uses for reproducible package tarballs. */
export const TARBALL_MTIME = new Date('1985-10-26T08:15:00.000Z');
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;
const BLOCK = 512;
/** RFC 1952 OS byte "unknown": zlib would otherwise write the OS it was built for. */
const GZIP_OS_UNKNOWN = 0xff;

export interface TarballOptions {
  /** Entry mtime; defaults to {@link TARBALL_MTIME}. */
  mtime?: Date;
  /** zlib level; fixed so the gzip XFL byte and the deflate stream are too. Defaults to 9. */
  level?: number;
}

/** `<packageId>-<version>.tgz`, the name FHIR registries and caches use. */
export function tarballName(packageId: string, version: string): string {
  return `${packageId}-${version}.tgz`;
}

/** The package tarball as an output file: every file under `package/` of the list, packed. */
export function packageTarball(packageId: string, version: string, files: readonly OutputFile[], options: TarballOptions = {}): OutputFile {
  const inPackage = files.filter((f) => f.path.startsWith(`${PACKAGE_ROOT}/`));
  return { path: tarballName(packageId, version), content: createTgz(inPackage, options) };
}

/** gzip(tar(files)): the same files, in any order, always give the same bytes. */
export function createTgz(files: readonly OutputFile[], options: TarballOptions = {}): Buffer {
  const gz = gzipSync(createTar(files, options), { level: options.level ?? 9 });
  // zlib leaves MTIME (bytes 4-7) zero when no gzip header is supplied; pin them anyway, and the OS byte.
  gz.fill(0, 4, 8);
  gz[9] = GZIP_OS_UNKNOWN;
  return gz;
}

/** The uncompressed ustar archive: folder entries derived from the file paths, then two zero blocks. */
export function createTar(files: readonly OutputFile[], options: Pick<TarballOptions, 'mtime'> = {}): Buffer {
  assertValidFileList(files);
  const mtime = options.mtime ?? TARBALL_MTIME;
  const entries = new Map<string, Buffer | undefined>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) entries.set(`${parts.slice(0, i).join('/')}/`, undefined);
    entries.set(f.path, f.content);
  }
  const chunks: Buffer[] = [];
  for (const path of [...entries.keys()].sort(compareStrings)) {
    const content = entries.get(path);
    chunks.push(...entryBlocks(path, content, mtime));
  }
  chunks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(chunks);
}

function entryBlocks(path: string, content: Buffer | undefined, mtime: Date): Buffer[] {
  const isDir = content === undefined;
  const size = content?.length ?? 0;
  const header = new Header({
    path,
    mode: isDir ? DIR_MODE : FILE_MODE,
    uid: 0,
    gid: 0,
    size,
    mtime,
    type: isDir ? 'Directory' : 'File',
    uname: '',
    gname: '',
    devmaj: 0,
    devmin: 0,
  });
  const block = Buffer.alloc(BLOCK);
  const needPax = header.encode(block);
  const out: Buffer[] = [];
  if (needPax) out.push(new Pax({ path, uid: 0, gid: 0, mtime }).encode());
  out.push(block);
  if (content !== undefined && size > 0) {
    out.push(content);
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad > 0) out.push(Buffer.alloc(pad));
  }
  return out;
}
