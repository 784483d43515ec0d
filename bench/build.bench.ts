/**
 * 1. The full build through the CLI, each run in a fresh child process, against a temp project whose
 *    sources are the real ones and whose only dependency source is ../shared/fhir-packages:
 *    cold (no `.fhir-cache`: the core tarball is extracted) and warm (the extracted copy is reused).
 * 2. loadDependencies (hl7.fhir.r3.core) in this process, cold (fresh cache folder) and warm.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { Diagnostics, formatDiagnostic } from '../scripts/diagnostics/diagnostics.js';
import { loadDependencies, type LoadedPackages } from '../scripts/load/packages/index.js';
import { compiledCli, fhirPackagesDir, median, projectRoot, say, seconds, tempDir, timeAsync, type Row } from './common.js';


/** A temp project: the real config, with absolute source folders and the shared tarball folder as the only dependency source. */
export function tempProject(): { root: string; config: string; out: string } {
  const root = tempDir('project');
  const real = parse(readFileSync(join(projectRoot, 'fhir.config.json'), 'utf8')) as Record<string, unknown>;
  const abs = (p: unknown) => (typeof p === 'string' ? join(projectRoot, p) : p);
  const config = {
    ...real,
    sources: Array.isArray(real.sources) ? real.sources.map(abs) : real.sources,
    examples: abs(real.examples),
    dependencySources: [{ type: 'directory', path: fhirPackagesDir }],
  };
  writeFileSync(join(root, 'fhir.config.json'), JSON.stringify(config, null, 2));
  return { root, config: join(root, 'fhir.config.json'), out: join(root, 'generated') };
}

/** Wall-clock milliseconds of `node dist/cli.js <args>` (the compiled CLI) in a child process; throws on a non-zero exit. */
async function runCli(args: string[]): Promise<number> {
  const started = performance.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [compiledCli(), ...args], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`fhir-stu3 ${args.join(' ')} exited ${code}:\n${stderr}`);
  return ms;
}

export async function benchBuild(rows: Row[], runs = { cold: 2, warm: 3 }): Promise<void> {
  const section = '1. Full build (CLI `build --offline --quiet`, fresh child process per run)';
  say('build: child-process startup floor (`--help`)');
  const startup: number[] = [];
  for (let i = 0; i < 3; i++) startup.push(await runCli(['--help']));

  const cold: number[] = [];
  const warm: number[] = [];
  let warmProject: ReturnType<typeof tempProject> | undefined;
  for (let i = 0; i < runs.cold; i++) {
    const p = tempProject();
    say(`build: cold run ${i + 1}/${runs.cold} (no .fhir-cache in ${p.root})`);
    cold.push(await runCli(['build', '--offline', '--quiet', '--config', p.config, '--out', p.out]));
    warmProject = p;
  }
  for (let i = 0; i < runs.warm && warmProject; i++) {
    say(`build: warm run ${i + 1}/${runs.warm}`);
    warm.push(await runCli(['build', '--offline', '--quiet', '--config', warmProject.config, '--out', warmProject.out]));
  }
  const m = { startup: median(startup), cold: median(cold), warm: median(warm) };
  rows.push(
    { section, what: 'cold build (tarball extracted)', value: seconds(m.cold), note: `median of ${cold.length}: ${cold.map(seconds).join(', ')}` },
    { section, what: 'warm build (.fhir-cache reused)', value: seconds(m.warm), note: `median of ${warm.length}: ${warm.map(seconds).join(', ')}` },
    { section, what: 'cold / warm', value: `${(m.cold / m.warm).toFixed(2)}x` },
    { section, what: 'start-up floor (`--help`)', value: seconds(m.startup), note: `median of 3; warm build minus floor = ${seconds(m.warm - m.startup)}` },
  );
}

/** Loads hl7.fhir.r3.core from the shared tarball folder into `cacheDir` (offline); throws on any error. */
async function loadCore(root: string, cacheDir: string): Promise<LoadedPackages> {
  const diagnostics = new Diagnostics();
  const config = { projectRoot: root, dependencies: { 'hl7.fhir.r3.core': '3.0.2' }, dependencySources: [{ type: 'directory' as const, path: fhirPackagesDir }] };
  const packages = await loadDependencies(config, { diagnostics, offline: true, cacheDir });
  if (!packages || diagnostics.hasErrors()) throw new Error(`loadDependencies failed:\n${diagnostics.all.map(formatDiagnostic).join('\n')}`);
  return packages;
}

/** Returns the warm-loaded packages, for the XML and snapshot benchmarks. */
export async function benchLoad(rows: Row[], runs = 3): Promise<LoadedPackages> {
  const section = '2. loadDependencies(hl7.fhir.r3.core#3.0.2), in process';
  const cold: number[] = [];
  const warm: number[] = [];
  let packages: LoadedPackages | undefined;
  // The first call also pays for importing fhir-package-loader and starting sql.js: kept apart.
  const first = await timeAsync(() => loadCore(tempDir('load'), join(tempDir('load-cache'), 'packages')));
  for (let i = 0; i < runs; i++) {
    say(`load: cold/warm pair ${i + 1}/${runs}`);
    const root = tempDir('load');
    const cacheDir = join(root, '.fhir-cache', 'packages');
    cold.push((await timeAsync(() => loadCore(root, cacheDir))).ms);
    const w = await timeAsync(() => loadCore(root, cacheDir));
    warm.push(w.ms);
    packages = w.value;
  }
  const resources = packages?.packages.reduce((n, p) => n + p.resourceCount, 0) ?? 0;
  rows.push(
    { section, what: 'first call (import + sql.js + extract)', value: seconds(first.ms), note: 'once per process' },
    { section, what: 'cold (fresh cache: extract + index)', value: seconds(median(cold)), note: `median of ${runs}: ${cold.map(seconds).join(', ')}` },
    { section, what: 'warm (extracted copy reused)', value: seconds(median(warm)), note: `median of ${runs}: ${warm.map(seconds).join(', ')}` },
    { section, what: 'cold / warm', value: `${(median(cold) / median(warm)).toFixed(2)}x`, note: `${resources} resources indexed` },
  );
  if (!packages) throw new Error('no packages loaded');
  return packages;
}
