import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputFile } from '../../scripts/emit/output.js';
import { writeOutput } from '../../scripts/emit/writer.js';

const file = (path: string, text: string): OutputFile => ({ path, content: Buffer.from(text, 'utf8') });

/** Every file under a folder, as sorted `path: content` lines. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else out.push(`${p}: ${readFileSync(join(dir, p), 'utf8')}`);
    }
  };
  walk('');
  return out.sort();
}

describe('writeOutput', () => {
  let root: string;
  let out: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'emit-writer-'));
    out = join(root, 'generated');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function seedOld(): string[] {
    mkdirSync(join(out, 'package'), { recursive: true });
    writeFileSync(join(out, 'README.md'), 'committed readme\n');
    writeFileSync(join(out, 'package', 'stale.json'), '{}\n');
    writeFileSync(join(out, 'old-1.0.0.tgz'), 'old');
    return snapshot(out);
  }

  it('creates the folder when there is none', async () => {
    const result = await writeOutput(out, [file('package/b.json', 'b'), file('package/a.json', 'a'), file('x.tgz', 't')]);
    expect(result.written).toEqual(['package/a.json', 'package/b.json', 'x.tgz']);
    expect(result.preserved).toEqual([]);
    expect(snapshot(out)).toEqual(['package/a.json: a', 'package/b.json: b', 'x.tgz: t']);
    expect(readdirSync(root)).toEqual(['generated']);
  });

  it('replaces the old content completely but keeps README.md', async () => {
    seedOld();
    const result = await writeOutput(out, [file('package/a.json', 'new')]);
    expect(result.preserved).toEqual(['README.md']);
    expect(snapshot(out)).toEqual(['README.md: committed readme\n', 'package/a.json: new']);
    expect(readdirSync(root)).toEqual(['generated']);
  });

  it('lets an emitted README.md win over the old one, and honours a custom preserve list', async () => {
    seedOld();
    await writeOutput(out, [file('README.md', 'emitted\n')]);
    expect(snapshot(out)).toEqual(['README.md: emitted\n']);
    seedOld();
    const result = await writeOutput(out, [file('a', '1')], { preserve: ['package/stale.json', 'missing.txt'] });
    expect(result.preserved).toEqual(['package/stale.json']);
    expect(snapshot(out)).toEqual(['a: 1', 'package/stale.json: {}\n']);
  });

  it('leaves the old folder intact and no temp folder behind when a write fails midway', async () => {
    const before = seedOld();
    // The first files are written, then a path segment longer than any file system allows fails.
    const files = [file('package/a.json', 'a'), file('package/b.json', 'b'), file(`package/${'z'.repeat(300)}.json`, 'boom')];
    await expect(writeOutput(out, files)).rejects.toThrow(/ENAMETOOLONG/);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(root)).toEqual(['generated']);
  });

  it('rejects a file that collides with a folder before writing anything', async () => {
    const before = seedOld();
    await expect(writeOutput(out, [file('package/a.json', 'a'), file('package/a.json/b.json', 'b')])).rejects.toThrow(/folder/);
    await expect(writeOutput(out, [file('../escape.txt', 'x')])).rejects.toThrow(/Unsafe/);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(root)).toEqual(['generated']);
  });

  it('fails cleanly when the output path is a file, leaving it alone', async () => {
    writeFileSync(out, 'not a folder');
    await expect(writeOutput(out, [file('a', '1')])).rejects.toThrow();
    expect(readFileSync(out, 'utf8')).toBe('not a folder');
    expect(readdirSync(root)).toEqual(['generated']);
  });
});
