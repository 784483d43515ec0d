/**
 * How long `validate` of one payload takes from a cold process, beside a bare `node -e 0`:
 *
 * 1. `validate --ig <corpus StructureDefinitions folder> <payload>` outside any project, with a cache folder
 *    of its own (FHIR_STU3_CACHE_DIR): the first run (an empty cache: hl7.fhir.r3.core and the expansions
 *    are extracted from their tarballs, the core module and the profile module compiled) and the cached
 *    runs (all of it from the cache).
 * 2. `validate <payload>` in a built project, which reads the build's validators and definition index:
 *    through tsx (as the CLI runs today), as compiled JavaScript (the sources compiled with tsc into a
 *    temp folder: what the published CLI will run), and the validate path alone (loadValidator and one
 *    payload, compiled: the CLI's cost once it loads only the command it runs).
 *
 * Each run is a fresh child process, its wall time and its own CPU time (user + system, from inside the
 * child) reported; medians. Wall time on a machine shared with other work is noisy; CPU time less so.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from '../scripts/build.js';
import { tempProject } from '../test/build/project.js';
import { gpconnectExamplesDir } from '../test/helpers/shared.js';
import { corpusProfilesDir, fhirPackagesDir, median, projectRoot, say, tempDir, type Row } from './common.js';

const SECTION = 'validate start-up (one payload, fresh process per run; a shared machine: wall times are noisy)';
const PAYLOAD = join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json');
const CPU_REPORT = 'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write(`@@cpu ${u.user + u.system}\\n`)})';
/** tsx's loader, by URL: the children run in folders from which `tsx` does not resolve. */
const tsxImport = pathToFileURL(join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

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

export async function benchValidateStart(rows: Row[], runs = 5): Promise<void> {
  const work = tempDir('validate-start');
  say('validate start-up: bare node');
  const bare = medianRun(Array.from({ length: runs }, () => run(['-e', '0'], work)));
  rows.push({ section: SECTION, what: 'bare `node -e 0`', value: show(bare), note: `CPU ${(bare.cpuMs / 1000).toFixed(2)} s; median of ${runs}` });

  // 1. --ig outside a project: its own cache folder, empty at first.
  const env = { ...process.env, FHIR_STU3_CACHE_DIR: join(work, 'cache') };
  const cli = ['--import', tsxImport, join(projectRoot, 'scripts', 'cli.ts'), 'validate', PAYLOAD, '--ig', corpusProfilesDir, '--packages', fhirPackagesDir, '--offline'];
  say('validate start-up: --ig, first run (compiles the core and profile modules)');
  const profiles = readdirSync(corpusProfilesDir).length;
  const first = run(cli, work, env);
  rows.push({ section: SECTION, what: `validate --ig <corpus, ${profiles} files> (tsx): first run`, value: show(first), note: note(first, bare, 'an empty cache: extracts the packages, compiles the core and profile modules') });
  say('validate start-up: --ig, cached runs');
  const cached = medianRun(Array.from({ length: 3 }, () => run(cli, work, env)));
  rows.push({ section: SECTION, what: `validate --ig <corpus> (tsx): cached run`, value: show(cached), note: note(cached, bare, 'median of 3; reads and snapshots the corpus, loads hl7.fhir.r3.core') });

  // 2. A built project.
  say('validate start-up: building a temp project');
  const project = tempProject();
  const built = await build({ configFile: project.config, offline: true });
  if (built.status !== 'ok') throw new Error(`the temp project did not build (${built.status})`);
  const inProject = ['validate', PAYLOAD, '--config', project.config, '--offline'];
  say('validate start-up: built project, through tsx');
  const viaTsx = medianRun(Array.from({ length: runs }, () => run(['--import', tsxImport, join(projectRoot, 'scripts', 'cli.ts'), ...inProject], project.root)));
  rows.push({ section: SECTION, what: 'validate <payload> in a built project (tsx)', value: show(viaTsx), note: note(viaTsx, bare, `median of ${runs}`) });
  say('validate start-up: compiling the toolchain with tsc');
  const dist = compiledToolchain();
  if (dist) {
    say('validate start-up: built project, compiled JavaScript');
    const viaJs = medianRun(Array.from({ length: runs }, () => run([join(dist, 'scripts', 'cli.js'), ...inProject], project.root)));
    rows.push({ section: SECTION, what: 'validate <payload> in a built project (compiled JS)', value: show(viaJs), note: note(viaJs, bare, `median of ${runs}; target: within 0.5 s of bare node`) });
    // The validate path alone: what the CLI costs once it loads only the command it runs (issue 18).
    const alone = join(dist, 'validate-one.mjs');
    writeFileSync(alone, VALIDATE_ONE);
    const viaApi = medianRun(Array.from({ length: runs }, () => run([alone, project.config, PAYLOAD], project.root)));
    rows.push({ section: SECTION, what: 'loadValidator + validate one payload (compiled JS, no CLI)', value: show(viaApi), note: note(viaApi, bare, `median of ${runs}; the validate path without the other commands' modules`) });
  }
}

/** A script beside the compiled toolchain: the built project's validator, one payload validated, exit 1 on an error. */
const VALIDATE_ONE = `import { readFileSync } from 'node:fs';
import { loadValidator } from './scripts/commands/load-validator.js';
import { Diagnostics } from './scripts/diagnostics/diagnostics.js';
const [config, payload] = process.argv.slice(2);
const validator = await loadValidator({ configFile: config, offline: true, diagnostics: new Diagnostics() });
if (!validator) process.exit(2);
process.exitCode = validator.jsonIssues(readFileSync(payload)).some((i) => i.severity === 'error') ? 1 : 0;
`;

/** The toolchain compiled with tsc into a temp folder (node_modules linked), or undefined when tsc fails. */
function compiledToolchain(): string | undefined {
  const dist = tempDir('dist');
  const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(projectRoot, 'tsconfig.json'), '--noEmit', 'false', '--outDir', dist], { encoding: 'utf8' });
  if (r.status !== 0) {
    say(`validate start-up: tsc failed, compiled-JavaScript row skipped:\n${r.stdout}`);
    return undefined;
  }
  symlinkSync(join(projectRoot, 'node_modules'), join(dist, 'node_modules'));
  return dist;
}
