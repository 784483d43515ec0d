/**
 * `validate` on NDJSON (FHIR Bulk Data) through the CLI, on a built project: each line's issues at its
 * line number, bad lines (not JSON, not an object, not a resource) an error of their own while the run
 * goes on, the same output on 1 and 2 workers in input order, gzip, an empty file, a missing file; and
 * bulkValidate under it cutting NDJSON into chunks of any size, with the same output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from '../../scripts/build.js';
import { readPayloadFile } from '../../scripts/cli/payload-files.js';
import type { BulkResult } from '../../scripts/commands/bulk-output.js';
import { startExecutor } from '../../scripts/commands/bulk-pool.js';
import { bulkValidate } from '../../scripts/commands/bulk-validate.js';
import { tempProject, type TempProject } from '../build/project.js';
import { gpconnectExamplesDir, projectRoot } from '../helpers/shared.js';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const scratch = mkdtempSync(join(tmpdir(), 'fhir-stu3-bulk-'));
let project: TempProject;

function validate(...args: string[]) {
  const r = spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), 'validate', ...args, '--config', project.config, '--offline'], { encoding: 'utf8', cwd: scratch, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const appointment = JSON.parse(readFileSync(join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json'), 'utf8')) as Record<string, unknown>;
const valid = JSON.stringify(appointment);
const badStatus = (i: number) => JSON.stringify({ ...appointment, id: `bad-${i}`, status: 'bookedd' });

/** 600 lines over several batches: every 97th line a bad status, line 3 not JSON, line 4 an array, line 5 blank, line 6 no resourceType. */
function bulkLines(): string[] {
  const lines = Array.from({ length: 600 }, (_, i) => (i % 97 === 96 ? badStatus(i + 1) : valid));
  lines[2] = '{"resourceType": "Appointment", ';
  lines[3] = '[1, 2]';
  lines[4] = '';
  lines[5] = '{"id": "x"}';
  return lines;
}
const expectedBadStatus = Array.from({ length: 600 }, (_, i) => i + 1).filter((n) => n % 97 === 0);

beforeAll(async () => {
  project = tempProject();
  const result = await build({ configFile: project.config, offline: true });
  expect(result.status).toBe('ok');
  writeFileSync(join(scratch, 'bulk.ndjson'), bulkLines().join('\n') + '\n');
  writeFileSync(join(scratch, 'bulk.ndjson.gz'), gzipSync(bulkLines().join('\r\n')));
  writeFileSync(join(scratch, 'empty.ndjson'), '');
});

test('each line validated and reported at its line; bad lines are errors of their own; 1 and 2 workers give the same output', () => {
  const one = validate('bulk.ndjson', '--workers', '1');
  const two = validate('bulk.ndjson', '--workers', '2');
  expect(one.stderr).toBe('');
  expect(one.stdout).toMatch(/^bulk\.ndjson:3: fatal \[invalid\] payload is not valid JSON: /m);
  expect(one.stdout).toMatch(/^bulk\.ndjson:4: fatal \[structure\] payload is an array, not a FHIR resource/m);
  expect(one.stdout).not.toMatch(/^bulk\.ndjson:5:/m);
  expect(one.stdout).toMatch(/^bulk\.ndjson:6: fatal \[structure\] not a FHIR resource: expected a JSON object with a resourceType$/m);
  const statusLines = [...one.stdout.matchAll(/^bulk\.ndjson:(\d+): error \[code-invalid\] Appointment\.status: 'bookedd'/gm)].map((m) => Number(m[1]));
  // In input order, each at its own line.
  expect(statusLines).toEqual(expectedBadStatus);
  expect(one.stdout).toMatch(/\n1 file\(s\): 0 valid, 1 invalid\n599 NDJSON resource line\(s\): 590 valid, 9 invalid\n$/);
  expect(one.code).toBe(1);
  expect(two).toEqual(one);
});

test('gzip NDJSON (CR LF lines), an empty file and a missing one; --format json locates issues at their line', () => {
  const r = validate('bulk.ndjson.gz', 'empty.ndjson', 'missing.ndjson', '--workers', '2', '--format', 'json');
  expect(r.code).toBe(1);
  const bundle = JSON.parse(r.stdout) as { entry: Array<{ fullUrl: string; resource: { issue: Array<{ severity: string; code: string; location?: string[]; expression?: string[]; diagnostics: string }> } }> };
  expect(bundle.entry.map((e) => e.fullUrl.replace(/.*\//, ''))).toEqual(['bulk.ndjson.gz', 'empty.ndjson', 'missing.ndjson']);
  const [gz, empty, missing] = bundle.entry.map((e) => e.resource.issue);
  expect(gz.filter((i) => i.code === 'code-invalid').map((i) => i.location)).toEqual(expectedBadStatus.map((n) => [`line ${n}`]));
  expect(gz.filter((i) => i.severity === 'fatal').map((i) => i.location)).toEqual([['line 3'], ['line 4'], ['line 6']]);
  expect(empty).toEqual([{ severity: 'information', code: 'informational', diagnostics: 'no issues found' }]);
  expect(missing).toEqual([expect.objectContaining({ severity: 'fatal', code: 'not-found', diagnostics: expect.stringMatching(/cannot read .*missing\.ndjson: no such file$/) })]);
});

test('an empty NDJSON file is valid; a missing one fails the run (exit 1), in process too', () => {
  const empty = validate('empty.ndjson', '--workers', '1');
  expect(empty.stdout).toBe('empty.ndjson: valid (0 resource(s))\n1 file(s): 1 valid, 0 invalid\n');
  expect(empty.code).toBe(0);
  const missing = validate('missing.ndjson', '--workers', '1');
  expect(missing.stdout).toMatch(/^missing\.ndjson: fatal \[not-found\] cannot read .*missing\.ndjson: no such file\n1 file\(s\): 0 valid, 1 invalid\n$/);
  expect(missing.code).toBe(1);
  expect(validate('empty.ndjson', '--workers', '0').code).toBe(2);
});

/** bulkValidate itself, with chunks far smaller than the default so that lines meet every kind of chunk boundary. */
describe('bulkValidate in small chunks', () => {
  const style = { format: 'text' as const };
  async function run(files: string[], workers: number, chunkBytes: number) {
    const calls: string[] = [];
    const reporter = {
      start: (file: string) => calls.push(`start ${basename(file)}`),
      result: (_file: string, r: BulkResult) => calls.push(`${r.payloads}/${r.invalid}/${r.validLines}/${r.invalidLines}\n${r.out}`),
      end: (file: string) => calls.push(`end ${basename(file)}`),
    };
    const setup = { configFile: project.config, offline: true, validate: {}, output: style };
    const result = await bulkValidate(files, { setup, workers, chunkBytes, readFile: (f) => readPayloadFile(f), displayName: basename }, reporter);
    expect(result.loaded).toBe(true);
    // Results of one file are cut wherever the chunks were: the output and counts of the file, joined.
    const byFile: string[] = [];
    let counts = [0, 0, 0, 0];
    for (const c of calls) {
      if (c.startsWith('start ')) {
        byFile.push(`${c}\n`);
        counts = [0, 0, 0, 0];
      } else if (c.startsWith('end ')) byFile.push(`${counts.join('/')} ${c}\n`);
      else {
        const [head, ...out] = c.split('\n');
        head.split('/').forEach((n, i) => (counts[i] += Number(n)));
        byFile.push(out.join('\n'));
      }
    }
    return byFile.join('');
  }

  test('CR LF and LF lines, blank lines, a last line without its end, gzip: the same output on 1 and 2 workers and in any chunk size, lines in order', async () => {
    const lines = bulkLines().slice(0, 120);
    writeFileSync(join(scratch, 'small.ndjson'), `\n${lines.join('\r\n')}\n\n`);
    writeFileSync(join(scratch, 'small-lf.ndjson.gz'), gzipSync(lines.join('\n')));
    writeFileSync(join(scratch, 'one.json'), valid);
    const files = ['small.ndjson', 'small-lf.ndjson.gz', 'one.json', 'missing.ndjson'].map((f) => join(scratch, f));
    const reference = await run(files, 1, 1 << 20);
    // The same lines both ways, the CR LF file's one further down (it starts with a blank line).
    expect(reference).toMatch(/^small\.ndjson:4: fatal \[invalid\] payload is not valid JSON: /m);
    expect(reference).toMatch(/^small-lf\.ndjson\.gz:3: fatal \[invalid\] payload is not valid JSON: /m);
    expect([...reference.matchAll(/^small\.ndjson:(\d+): error \[code-invalid\]/gm)].map((m) => Number(m[1]))).toEqual([98]);
    expect([...reference.matchAll(/^small-lf\.ndjson\.gz:(\d+): error \[code-invalid\]/gm)].map((m) => Number(m[1]))).toEqual([97]);
    // Payloads, invalid ones, valid and invalid resource lines: 120 lines, one blank, 3 bad and a bad status.
    expect(reference).toContain('\n119/4/115/4 end small.ndjson\n');
    expect(reference).toContain('\n119/4/115/4 end small-lf.ndjson.gz\n');
    expect(reference).toContain('start one.json\n1/0/0/0 end one.json\n');
    expect(reference).toMatch(/missing\.ndjson: no such file\n1\/1\/0\/0 end missing\.ndjson\n$/);
    for (const [workers, chunkBytes] of [[2, 1], [2, 3000], [1, 5000], [2, 64 * 1024]]) expect(await run(files, workers, chunkBytes)).toBe(reference);
  });

  test('a worker that stops takes its work along: each of its resources a fatal issue, the rest validated on the other worker', async () => {
    const started = await startExecutor({ configFile: project.config, offline: true, validate: {}, output: style }, 2);
    const executor = started.executor;
    if (!executor) throw new Error('no validator');
    try {
      const settled = (work: Parameters<typeof executor.run>[0], payloads: number) => new Promise<BulkResult>((resolve) => executor.run(work, payloads, resolve));
      // Not a Uint8Array (it has no indexOf): the worker's handler throws, which stops the worker.
      const lost = await settled({ kind: 'lines', name: 'lost.ndjson', bytes: new DataView(new ArrayBuffer(8)) as unknown as Uint8Array, firstLine: 1 }, 3);
      expect(lost.out).toMatch(/^(lost\.ndjson: fatal \[exception\] not validated: .+\n){3}$/);
      expect([lost.payloads, lost.invalid, lost.validLines, lost.invalidLines]).toEqual([3, 3, 0, 0]);
      const after = await settled({ kind: 'lines', name: 'ok.ndjson', bytes: Buffer.from(`${valid}\n${badStatus(2)}\n`), firstLine: 7 }, 2);
      expect(after.out).toMatch(/^ok\.ndjson:8: error \[code-invalid\] Appointment\.status: 'bookedd'/);
      expect([after.payloads, after.invalid, after.validLines, after.invalidLines]).toEqual([2, 1, 1, 1]);
    } finally {
      await executor.close();
    }
  });
});
