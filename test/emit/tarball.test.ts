import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { BasePackageLoader, createSQLJSPackageDB, DiskBasedPackageCache, LoadStatus } from 'fhir-package-loader';
import type { CurrentBuildClient, RegistryClient } from 'fhir-package-loader';
import { list, type ReadEntry } from 'tar';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { createTar, createTgz, emitFhirPackage, packageTarball, TARBALL_MTIME } from '../../scripts/emit/package/index.js';
import type { OutputFile } from '../../scripts/emit/output.js';
import { readTgz } from '../helpers/shared.js';
import { config, longId, sampleExamples, sampleResources } from './sample.js';

function packageFiles(reverse = false): OutputFile[] {
  const resources = sampleResources();
  const examples = sampleExamples();
  if (reverse) {
    resources.reverse();
    examples.reverse();
  }
  const diagnostics = new Diagnostics();
  const files = emitFhirPackage({ config, resources, examples }, { diagnostics });
  expect(diagnostics.all).toEqual([]);
  return files;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Listed {
  path: string;
  type: string;
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  mtime?: Date;
  size?: number;
}

async function listTgz(tgz: Buffer): Promise<Listed[]> {
  const dir = mkdtempSync(join(tmpdir(), 'emit-tgz-'));
  try {
    const file = join(dir, 'p.tgz');
    writeFileSync(file, tgz);
    const out: Listed[] = [];
    await list({
      file,
      onReadEntry: (e: ReadEntry) => {
        out.push({ path: e.path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, uname: e.uname, gname: e.gname, mtime: e.mtime, size: e.size });
      },
    });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('package tarball', () => {
  it('is byte-identical for two emits and for any input order', () => {
    const a = packageTarball(config.packageId, config.version, packageFiles());
    const b = packageTarball(config.packageId, config.version, packageFiles());
    const c = packageTarball(config.packageId, config.version, packageFiles(true));
    const d = createTgz([...packageFiles()].reverse());
    expect(a.path).toBe('example.fhir.emit.test-1.2.7.tgz');
    expect(a.content.equals(b.content)).toBe(true);
    expect(a.content.equals(c.content)).toBe(true);
    expect(a.content.equals(d)).toBe(true);
    expect(sha256(a.content)).toBe(sha256(c.content));
  });

  it('has a fixed gzip header: no mtime, no name, OS byte 255', () => {
    const tgz = createTgz(packageFiles());
    expect([...tgz.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]);
    expect([...tgz.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(tgz[9]).toBe(0xff);
  });

  it('holds sorted entries with folder entries, fixed mtime, modes and owner', async () => {
    const files = packageFiles();
    const entries = await listTgz(createTgz(files));
    const paths = entries.map((e) => e.path);
    expect(paths).toEqual(['package/', 'package/examples/', ...files.map((f) => f.path)].sort());
    expect(paths.indexOf('package/examples/')).toBeLessThan(paths.indexOf('package/examples/.index.json'));
    expect(paths).toContain(`package/examples/MedicationStatement-${longId}.json`);
    for (const e of entries) {
      expect(e.mtime?.getTime()).toBe(TARBALL_MTIME.getTime());
      expect(e.uid).toBe(0);
      expect(e.gid).toBe(0);
      expect(e.uname ?? '').toBe('');
      expect(e.gname ?? '').toBe('');
      expect(e.mode).toBe(e.type === 'Directory' ? 0o755 : 0o644);
    }
  });

  it('round-trips every file through the shared readTgz helper', () => {
    const files = packageFiles();
    const dir = mkdtempSync(join(tmpdir(), 'emit-tgz-'));
    try {
      const file = join(dir, 'p.tgz');
      writeFileSync(file, createTgz(files));
      const read = readTgz(file);
      expect([...read.keys()].sort()).toEqual(files.map((f) => f.path));
      for (const f of files) expect(read.get(f.path)?.equals(f.content)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses a pax path record for a path that does not fit ustar, and stays in 512-byte blocks', async () => {
    const long = `package/${'n'.repeat(120)}.json`;
    const files = [{ path: long, content: Buffer.from('{}\n') }, { path: 'package/\u00e9.json', content: Buffer.from('1') }];
    const tar = createTar(files);
    expect(tar.length % 512).toBe(0);
    expect(tar.subarray(tar.length - 1024).every((b) => b === 0)).toBe(true);
    const entries = await listTgz(createTgz(files));
    expect(entries.map((e) => e.path)).toEqual(['package/', long, 'package/\u00e9.json']);
    expect(gunzipSync(createTgz(files)).equals(tar)).toBe(true);
  });

  it('refuses unsafe or clashing paths', () => {
    const c = Buffer.from('x');
    expect(() => createTar([{ path: '../x', content: c }])).toThrow(/Unsafe/);
    expect(() => createTar([{ path: '/x', content: c }])).toThrow(/Unsafe/);
    expect(() => createTar([{ path: 'a', content: c }, { path: 'a', content: c }])).toThrow(/twice/);
    expect(() => createTar([{ path: 'a', content: c }, { path: 'a/b', content: c }])).toThrow(/folder/);
  });

  it('loads with fhir-package-loader, and every resource is found by URL', async () => {
    const files = packageFiles();
    const tgz = packageTarball(config.packageId, config.version, files).content;
    const cacheDir = mkdtempSync(join(tmpdir(), 'emit-fpl-'));
    try {
      const downloads: string[] = [];
      const registry: RegistryClient = {
        resolveVersion: async (_name: string, version: string) => version,
        download: async (name: string, version: string) => {
          downloads.push(`${name}#${version}`);
          return Readable.from([tgz]);
        },
      };
      const currentBuild: CurrentBuildClient = {
        downloadCurrentBuild: async () => {
          throw new Error('no current builds in tests');
        },
        getCurrentBuildDate: async () => {
          throw new Error('no current builds in tests');
        },
      };
      const logged: string[] = [];
      const loader = new BasePackageLoader(await createSQLJSPackageDB(), new DiskBasedPackageCache(cacheDir), registry, currentBuild, {
        log: (level: string, message: string) => logged.push(`${level}: ${message}`),
      });
      const status = await loader.loadPackage(config.packageId, config.version);
      expect({ status, logged: logged.filter((l) => l.startsWith('error')) }).toEqual({ status: LoadStatus.LOADED, logged: [] });
      expect(downloads).toEqual([`${config.packageId}#${config.version}`]);

      const pkg = loader.findPackageJSON(config.packageId, config.version) as { name: string; fhirVersions: string[] };
      expect(pkg.name).toBe(config.packageId);
      expect(pkg.fhirVersions).toEqual(['3.0.2']);

      for (const resource of sampleResources()) {
        const url = resource.url as string;
        const found = loader.findResourceJSON(url, { scope: config.packageId }) as Record<string, unknown> | undefined;
        expect(found).toEqual(resource);
      }
      expect(loader.findResourceInfos('*', { scope: config.packageId })).toHaveLength(sampleResources().length);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
