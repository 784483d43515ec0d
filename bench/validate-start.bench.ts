/**
 * How long `validate --ig <corpus StructureDefinitions folder> <one payload>` takes from a cold process,
 * beside a bare `node -e 0`, through the compiled CLI (dist/cli.js; `npm run bench` compiles it first),
 * outside any project:
 *
 * - first run: an empty cache folder (FHIR_STU3_CACHE_DIR, fresh for each run): hl7.fhir.r3.core and the
 *   expansions extracted from their tarballs, the core and profile modules compiled;
 * - cached run: the same command again over one cache folder already filled.
 *
 * Each run is a fresh child process: its wall time and its own CPU time (user + system, from inside the
 * child); medians. Wall time on a machine shared with other work is noisy; CPU time less so. `validate` of
 * one payload in a built project is the `startup` topic's.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gpconnectExamplesDir } from '../test/helpers/shared.js';
import { compiledCli, corpusProfilesDir, fhirPackagesDir, median, say, tempDir, type Row } from './common.js';

const SECTION = 'validate --ig start-up (compiled CLI, one payload, fresh process per run; a shared machine: wall times are noisy)';
const PAYLOAD = join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json');
const CPU_REPORT = 'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write(`@@cpu ${u.user + u.system}\\n`)})';

interface Run {
  wallMs: number;
  cpuMs: number;
}

/** One child process: `node --import <cpu report> ...args`; throws when it fails (exit 2 or a crash). */
function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Run {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', CPU_REPORT, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  const cpu = /@@cpu (\d+)/.exec(r.stderr ?? '');
  if ((r.status !== 0 && r.status !== 1) || !cpu) throw new Error(`node ${args.join(' ')} exited ${String(r.status)}:\n${r.stderr}`);
  return { wallMs, cpuMs: Number(cpu[1]) / 1000 };
}

function medianRun(runs: readonly Run[]): Run {
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)) };
}

const show = (r: Run) => `${(r.wallMs / 1000).toFixed(2)} s`;
const note = (r: Run, bare: Run, extra: string) => `CPU ${(r.cpuMs / 1000).toFixed(2)} s; ${((r.wallMs - bare.wallMs) / 1000).toFixed(2)} s wall over a bare node start; ${extra}`;

export function benchValidateStart(rows: Row[], runs = 3): void {
  const work = tempDir('validate-start');
  const cli = [compiledCli(), 'validate', PAYLOAD, '--ig', corpusProfilesDir, '--packages', fhirPackagesDir, '--offline'];
  const withCache = (dir: string) => ({ ...process.env, FHIR_STU3_CACHE_DIR: dir });
  say('validate --ig start-up: bare node');
  const bare = medianRun(Array.from({ length: runs }, () => run(['-e', '0'], work)));
  rows.push({ section: SECTION, what: 'bare `node -e 0`', value: show(bare), note: `CPU ${(bare.cpuMs / 1000).toFixed(2)} s; median of ${runs}` });

  say('validate --ig start-up: first runs (each with an empty cache)');
  const profiles = readdirSync(corpusProfilesDir).length;
  const first = medianRun(Array.from({ length: runs }, (_, i) => run(cli, work, withCache(join(work, `cache-${i}`)))));
  rows.push({ section: SECTION, what: `validate --ig <corpus, ${profiles} files>: first run`, value: show(first), note: note(first, bare, `median of ${runs}; an empty cache: extracts the packages, compiles the core and profile modules`) });

  say('validate --ig start-up: cached runs');
  const cached = medianRun(Array.from({ length: runs }, () => run(cli, work, withCache(join(work, 'cache-0')))));
  rows.push({ section: SECTION, what: 'validate --ig <corpus>: cached run', value: show(cached), note: note(cached, bare, `median of ${runs}; reads and snapshots the corpus, loads hl7.fhir.r3.core, modules from the cache`) });
}
