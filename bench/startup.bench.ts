/**
 * Start-up of the compiled CLI (dist/cli.js, what an installed `fhir-stu3` runs; `npm run bench` compiles
 * it first): each command in a fresh process, beside a bare `node -e 0` run just before it, pair after
 * pair, so that the machine's load falls on both alike and the difference holds when the absolute times
 * move. Measured: `--help`, `--version`, and `validate` of one payload in a built project (the GP Connect
 * content, built once into a temp folder first). Per process: wall time from here, and the process's own
 * CPU time and peak memory, which a preload (bench/process-usage.mjs, given to the floor too) reports at
 * exit. Medians over the pairs. Targets (issue 18), on an idle machine: `--help` within 0.15 s of the bare
 * node, one-payload `validate` within 0.5 s.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempProject } from '../test/build/project.js';
import { compiledCli, median, projectRoot, say, seconds, tempDir, type Row } from './common.js';

const SECTION = '0. Start-up of the compiled CLI (fresh process per run, each beside a bare `node -e 0`)';
const preload = pathToFileURL(join(projectRoot, 'bench', 'process-usage.mjs')).href;

interface ProcessFigures {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
}

/** One process, `node --import <preload> <args>`: its wall time, CPU time and peak memory. */
async function measure(args: string[], cwd: string, expectCode: number): Promise<ProcessFigures> {
  const usageFile = join(tempDir('usage'), 'usage.jsonl');
  const started = performance.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', preload, ...args], { cwd, env: { ...process.env, FHIR_STU3_USAGE_FILE: usageFile }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  const wallMs = performance.now() - started;
  if (code !== expectCode) throw new Error(`node ${args.join(' ')} exited ${code}, not ${expectCode}:\n${stderr}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuMs: number; maxRssKb: number };
  rmSync(usageFile);
  return { wallMs, cpuMs: usage.cpuMs, maxRssMb: usage.maxRssKb / 1024 };
}

interface Paired {
  floor: ProcessFigures;
  command: ProcessFigures;
  /** Median over the pairs of the command's wall time less the floor's beside it. */
  overMs: number;
}

/** `runs` pairs (floor, then command) after one unmeasured pair; medians of each figure. */
async function paired(args: string[], cwd: string, runs: number, expectCode = 0): Promise<Paired> {
  const floor = () => measure(['-e', '0'], cwd, 0);
  await floor();
  await measure(args, cwd, expectCode);
  const pairs: Array<[ProcessFigures, ProcessFigures]> = [];
  for (let i = 0; i < runs; i++) pairs.push([await floor(), await measure(args, cwd, expectCode)]);
  const medianOf = (figures: ProcessFigures[]): ProcessFigures => ({
    wallMs: median(figures.map((f) => f.wallMs)),
    cpuMs: median(figures.map((f) => f.cpuMs)),
    maxRssMb: median(figures.map((f) => f.maxRssMb)),
  });
  return { floor: medianOf(pairs.map((p) => p[0])), command: medianOf(pairs.map((p) => p[1])), overMs: median(pairs.map(([f, c]) => c.wallMs - f.wallMs)) };
}

const figures = (f: ProcessFigures) => `CPU ${seconds(f.cpuMs)}, peak ${Math.round(f.maxRssMb)} MB`;

export async function benchStartup(rows: Row[], runs = 10): Promise<void> {
  const cli = compiledCli();
  say('startup: building the GP Connect project once (for validate)');
  const project = tempProject();
  await measure([cli, 'build', '--offline', '--quiet', '--config', project.config, '--out', project.out], project.root, 0);
  const payload = join(project.root, 'examples', 'Slot-gpc-slot-example.xml');

  const commands: Array<{ what: string; args: string[]; target?: number }> = [
    { what: 'fhir-stu3 --help', args: ['--help'], target: 150 },
    { what: 'fhir-stu3 --version', args: ['--version'] },
    { what: 'fhir-stu3 validate <one payload> (built project)', args: ['validate', '--offline', '--config', project.config, '--out', project.out, payload], target: 500 },
  ];
  const measured: Array<{ what: string; target?: number; r: Paired }> = [];
  for (const { what, args, target } of commands) {
    say(`startup: ${what}, ${runs} pairs`);
    measured.push({ what, target, r: await paired([cli, ...args], project.root, runs) });
  }
  const floor = measured[0].r.floor;
  rows.push({ section: SECTION, what: 'node -e 0 (the floor)', value: seconds(floor.wallMs), note: `${figures(floor)}; medians of ${runs} runs, those beside --help` });
  for (const { what, target, r } of measured) {
    const goal = target === undefined ? '' : ` (target: within ${seconds(target)}, ${r.overMs <= target ? 'met' : 'not met'})`;
    // CPU time over the floor's as well: on a loaded machine the wall times stretch, the CPU times much less.
    const cpuOver = seconds(r.command.cpuMs - r.floor.cpuMs);
    rows.push({ section: SECTION, what, value: seconds(r.command.wallMs), note: `${seconds(r.overMs)} over node${goal}; ${figures(r.command)} (${cpuOver} over node's)` });
  }
}
