/**
 * Bulk validation (`npm run bench -- bulk`): an NDJSON file of the 29 GP Connect examples repeated to
 * about 20,000 lines, and one twice as long, validated by the compiled CLI (`node dist/cli.js validate
 * x.ndjson --workers N`) in whole processes, on 1 worker (in process) and on every core. Each run is paired
 * with the same command on an empty NDJSON file (start-up, and each worker building its validator), so the
 * rate is given over the whole run and over the validation alone (the run minus its empty twin). The
 * steady rate, once every worker is warm, comes from two longer files: N workers validate files of N and
 * 2N times 20,000 lines, and the lines the second adds over the time they add are the rate; so each
 * worker validates its 20,000th to 40,000th lines there, as the single worker does (each worker's
 * warm-up, its code compiled and optimised as payloads meet it, falls in both runs alike, and a worker is
 * as warm as the single one when measured). Runs alternate between
 * the worker counts so that machine load falls on both alike; medians of `reps`. CPU time (every thread
 * of the process, from the preload bench/process-usage.mjs) is given per line too: the work a run costs,
 * whatever share of the cores the machine's load left it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from '../scripts/build.js';
import { tempProject } from '../test/build/project.js';
import { gpconnectExamplesDir, projectRoot } from '../test/helpers/shared.js';
import { compiledCli, median, ratio, say, tempDir, type Row } from './common.js';

const SECTION = 'Bulk validation (NDJSON, compiled CLI, whole processes)';
const preload = pathToFileURL(join(projectRoot, 'bench', 'process-usage.mjs')).href;
const TARGET_LINES = 20000;

export async function benchBulk(rows: Row[], reps = 3): Promise<void> {
  const cli = compiledCli();
  say('bulk: building the project');
  const project = tempProject();
  const result = await build({ configFile: project.config, offline: true });
  if (result.status !== 'ok') throw new Error('bulk: the project did not build');
  const dir = tempDir('bulk');
  const examples = readdirSync(gpconnectExamplesDir).sort().flatMap((d) => readdirSync(join(gpconnectExamplesDir, d)).sort().map((f) => join(gpconnectExamplesDir, d, f)));
  const lines = examples.map((f) => JSON.stringify(JSON.parse(readFileSync(f, 'utf8'))));
  const copies = Math.round(TARGET_LINES / lines.length);
  const ndjson = join(dir, 'gpconnect.ndjson');
  writeFileSync(ndjson, Array.from({ length: copies }, () => lines.join('\n')).join('\n') + '\n');
  /** The examples repeated to `k` times the base file's lines (written once). */
  const timesFiles = new Map<number, string>();
  const times = (k: number): string => {
    let file = timesFiles.get(k);
    if (!file) {
      file = join(dir, `gpconnect-x${k}.ndjson`);
      writeFileSync(file, Array.from({ length: k * copies }, () => lines.join('\n')).join('\n') + '\n');
      timesFiles.set(k, file);
    }
    return file;
  };
  const empty = join(dir, 'empty.ndjson');
  writeFileSync(empty, '');
  const count = copies * lines.length;

  const usageFile = join(dir, 'usage.jsonl');
  /** One whole process: wall and CPU milliseconds, peak memory. */
  const run = (file: string, workers: number) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['--import', preload, cli, 'validate', file, '--workers', String(workers), '-q', '--config', project.config, '--offline'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FHIR_STU3_USAGE_FILE: usageFile } });
    const wall = performance.now() - t;
    if (r.status !== 0 && r.status !== 1) throw new Error(`bulk: validate exited ${r.status}: ${r.stderr.toString()}`);
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuMs: number; maxRssKb: number };
    rmSync(usageFile);
    return { wall, cpu: usage.cpuMs, rssMb: usage.maxRssKb / 1024 };
  };
  /** `n` single-worker processes of the same file at once: wall milliseconds until the last ends. */
  const sideBySide = async (file: string, n: number) => {
    const t = performance.now();
    await Promise.all(
      Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [cli, 'validate', file, '--workers', '1', '-q', '--config', project.config, '--offline'], { stdio: 'ignore' });
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 || code === 1 ? resolve() : reject(new Error(`bulk: validate exited ${code}`))));
      })),
    );
    return performance.now() - t;
  };
  const cores = availableParallelism();
  const counts = cores > 1 ? [1, cores] : [1];
  const apart = { short: [] as number[], long: [] as number[] };
  type Runs = { full: number[]; empty: number[]; cpu: number[]; cpuEmpty: number[]; rss: number[]; short: number[]; cpuShort: number[]; long: number[]; cpuLong: number[] };
  const runs = new Map(counts.map((n): [number, Runs] => [n, { full: [], empty: [], cpu: [], cpuEmpty: [], rss: [], short: [], cpuShort: [], long: [], cpuLong: [] }]));
  for (let i = 0; i < reps; i++) {
    for (const n of counts) {
      say(`bulk: ${count} lines on ${n} worker(s), round ${i + 1} of ${reps}`);
      const t = runs.get(n) as Runs;
      const e = run(empty, n);
      const f = run(ndjson, n);
      // The steady pair: n and 2n times the lines (for one worker, the first is the run above).
      const sh = n === 1 ? f : run(times(n), n);
      const l = run(times(2 * n), n);
      t.short.push(sh.wall);
      t.cpuShort.push(sh.cpu);
      t.long.push(l.wall);
      t.cpuLong.push(l.cpu);
      t.empty.push(e.wall);
      t.cpuEmpty.push(e.cpu);
      t.full.push(f.wall);
      t.cpu.push(f.cpu);
      t.rss.push(f.rssMb);
    }
    if (cores > 1) {
      say(`bulk: ${cores} single-worker processes side by side, round ${i + 1} of ${reps}`);
      apart.short.push(await sideBySide(ndjson, cores));
      apart.long.push(await sideBySide(times(2), cores));
    }
  }
  const rate = (ms: number) => count / (ms / 1000);
  const figures = counts.map((n) => {
    const t = runs.get(n) as Runs;
    const full = median(t.full);
    const start = median(t.empty);
    // CPU per line of the validation alone: the run's CPU time less its empty twin's.
    const cpuPerLine = (median(t.cpu) - median(t.cpuEmpty)) / count;
    // The steady state: the n x 20,000 lines the longer file adds, over the wall and CPU time they add.
    const steady = (n * count) / ((median(t.long) - median(t.short)) / 1000);
    const cpuSteady = (median(t.cpuLong) - median(t.cpuShort)) / (n * count);
    return { n, full, start, whole: rate(full), validating: rate(full - start), steady, cpuSteady, cpuPerLine, rss: median(t.rss) };
  });
  const perSecond = (x: number) => `${Math.round(x).toLocaleString('en')} resources/s`;
  for (const f of figures) {
    rows.push({
      section: SECTION,
      what: `${count.toLocaleString('en')} lines (GP Connect examples repeated), ${f.n} worker(s)${f.n === 1 ? ' (in process)' : ''}`,
      value: perSecond(f.validating),
      note: `validation alone; whole run ${(f.full / 1000).toFixed(1)} s (${perSecond(f.whole)}), of which start-up and validator set-up ${(f.start / 1000).toFixed(1)} s; CPU ${f.cpuPerLine.toFixed(3)} ms per line (all threads, validation alone); peak memory ${Math.round(f.rss)} MB; median of ${reps}`,
    });
    rows.push({
      section: SECTION,
      what: `steady rate, ${f.n} worker(s): the ${(f.n * count).toLocaleString('en')} lines a file of ${(2 * f.n * count).toLocaleString('en')} adds over one of ${(f.n * count).toLocaleString('en')}`,
      value: perSecond(f.steady),
      note: `warm workers; CPU ${f.cpuSteady.toFixed(3)} ms per line (all threads); median of ${reps}`,
    });
  }
  if (figures.length > 1) {
    const [one, all] = figures;
    rows.push({ section: SECTION, what: `speed-up, ${all.n} workers over 1`, value: ratio(all.validating, one.validating), note: `validation alone of ${count.toLocaleString('en')} lines (target: at least 1.8x on 2 cores); whole runs ${ratio(all.whole, one.whole)}; CPU per line ${ratio(all.cpuPerLine, one.cpuPerLine)} of one worker's` });
    rows.push({ section: SECTION, what: `steady speed-up, ${all.n} workers over 1`, value: ratio(all.steady, one.steady), note: `warm workers (target: at least 1.8x on 2 cores); CPU per line ${ratio(all.cpuSteady, one.cpuSteady)} of one worker's` });
    // The same work in processes that share nothing: what any way of running two validators gets from this machine.
    const apartSteady = (all.n * count) / ((median(apart.long) - median(apart.short)) / 1000);
    rows.push({ section: SECTION, what: `the same work's ceiling: ${all.n} single-worker processes side by side over 1`, value: ratio(apartSteady, one.steady), note: `steady rate of ${all.n} processes each validating the same file at once (${perSecond(apartSteady)} together), over one process alone; median of ${reps}` });
    const ceiling = await machineScaling(all.n, CPU_LOOP);
    rows.push({ section: SECTION, what: `the machine's ceiling: a CPU-bound loop on ${all.n} threads over 1`, value: `${ceiling.toFixed(2)}x`, note: 'measured right after, no allocation: what the machine gave any program then (2.00x on 2 idle cores)' });
    const parsing = await machineScaling(all.n, PARSE_LINES, ndjson);
    rows.push({ section: SECTION, what: `JSON.parse of the same lines on ${all.n} threads over 1`, value: `${parsing.toFixed(2)}x`, note: 'measured right after: what allocating work as such gets from the machine' });
  }
}

const CPU_LOOP = "let x = 0; for (let i = 0; i < 3e8; i++) x += i % 7; require('node:worker_threads').parentPort.postMessage(x);";
const PARSE_LINES = [
  "const { parentPort, workerData } = require('node:worker_threads');",
  "const lines = require('node:fs').readFileSync(workerData, 'utf8').split('\\n').filter((l) => l !== '');",
  'let n = 0;',
  'for (let r = 0; r < 3; r++) for (const line of lines) n += Object.keys(JSON.parse(line)).length;',
  'parentPort.postMessage(n);',
].join('\n');

/** How much `n` threads of the same work (`code`, given `data`) get done over one, now: the scaling the machine's load leaves to anyone. */
async function machineScaling(n: number, code: string, data?: unknown): Promise<number> {
  const run = async (threads: number) => {
    const t = performance.now();
    await Promise.all(Array.from({ length: threads }, () => new Promise<void>((resolve) => {
      const w = new Worker(code, { eval: true, workerData: data });
      w.once('message', () => void w.terminate().then(() => resolve()));
    })));
    return performance.now() - t;
  };
  const ones: number[] = [];
  const alls: number[] = [];
  for (let i = 0; i < 3; i++) {
    ones.push(await run(1));
    alls.push(await run(n));
  }
  return (n * median(ones)) / median(alls);
}
