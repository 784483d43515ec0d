/**
 * An interrupted build never leaves generated/ missing for good: a build killed between the two renames
 * of its output swap left the previous output aside (`.<name>.old-<pid>-*`), and the next build, or the
 * next `validate`, puts it back; temporary folders of processes no longer running are removed; those of
 * a running process (another build) are left alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recoverOutput, writeOutput } from '../../scripts/emit/writer.js';

/** The id of a process that has ended (a child run to completion). */
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

const file = (path: string, text: string) => ({ path, content: Buffer.from(text) });

test('a build killed between the renames: the next build restores, then replaces, and cleans up', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'fhir-recover-'));
  const out = join(parent, 'generated');
  await writeOutput(out, [file('a.txt', 'first')]);
  const pid = deadPid();
  // The state a kill leaves: the old output renamed aside, the new one complete in its temporary folder.
  renameSync(out, join(parent, `.generated.old-${pid}-abc`));
  mkdirSync(join(parent, `.generated.tmp-${pid}-def`));
  writeFileSync(join(parent, `.generated.tmp-${pid}-def`, 'a.txt'), 'second');
  await recoverOutput(out);
  expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('first');
  expect(readdirSync(parent)).toEqual(['generated']);
  await writeOutput(out, [file('a.txt', 'third')]);
  expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('third');
  expect(readdirSync(parent)).toEqual(['generated']);
});

test('leftovers of a running process are left alone; leftovers without a pid (older builds) are removed', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'fhir-recover-'));
  const out = join(parent, 'generated');
  await writeOutput(out, [file('a.txt', 'x')]);
  mkdirSync(join(parent, `.generated.tmp-${process.ppid}-running`));
  mkdirSync(join(parent, '.generated.tmp-Ab12Cd'));
  mkdirSync(join(parent, '.other.tmp-1-x'));
  await writeOutput(out, [file('a.txt', 'y')]);
  expect(readdirSync(parent).sort()).toEqual(['.generated.tmp-' + process.ppid + '-running', '.other.tmp-1-x', 'generated'].sort());
  expect(existsSync(join(out, 'a.txt'))).toBe(true);
});
