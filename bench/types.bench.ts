/**
 * Generated TypeScript types (`generated/types/`):
 * 1. generation time: the emit step (emitTypes) in process, over the project's snapshots (value sets
 *    expanded from their compose: the bench loads hl7.fhir.r3.core only), median of several runs;
 * 2. `tsc --noEmit` (fresh child process) of one consumer file that imports the whole types package and
 *    types the Visit example appointment with it, beside the same file typed with @types/fhir's fhir3
 *    namespace, and beside a file importing nothing (the compiler's floor); with and without skipLibCheck;
 *    median of TSC_ROUNDS interleaved rounds.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../scripts/build.js';
import type { StageContext } from '../scripts/context.js';
import { Diagnostics, formatDiagnostic } from '../scripts/diagnostics/diagnostics.js';
import { SourceMap } from '../scripts/diagnostics/source-map.js';
import { emitTypes, typesPackageName } from '../scripts/emit/types/emit-types.js';
import { loadConfig } from '../scripts/load/config.js';
import type { LoadedPackages } from '../scripts/load/packages/index.js';
import { ValueSetExpander } from '../scripts/terminology/value-set-expansion.js';
import { findSourceFiles, readSourceFiles } from '../scripts/load/sources.js';
import { isStructureDefinition } from '../scripts/model/fhir.js';
import { ElementModel } from '../scripts/resolve/element-model.js';
import { LayeredResolver, ResourceIndex } from '../scripts/resolve/resolver.js';
import { generateSnapshots } from '../scripts/snapshot/generate.js';
import { tempProject } from '../test/build/project.js';
import { median, projectRoot, ratio, say, seconds, tempDir, type Row } from './common.js';

const TSC_ROUNDS = 5;
const tscJs = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');

export async function benchTypes(rows: Row[], packages: LoadedPackages, runs = 5): Promise<void> {
  const section = 'Generated TypeScript types (generated/types/)';
  await benchGeneration(rows, section, packages, runs);
  await benchTsc(rows, section);
}

async function benchGeneration(rows: Row[], section: string, packages: LoadedPackages, runs: number): Promise<void> {
  say('types: generation (emitTypes) in process');
  const diagnostics = new Diagnostics();
  const config = loadConfig(join(projectRoot, 'fhir.config.json'), diagnostics);
  if (!config) throw new Error('cannot read fhir.config.json');
  const sources = new SourceMap();
  const files = await findSourceFiles(config.sources, diagnostics, config.projectRoot);
  const resources = readSourceFiles(files, { model: ElementModel.fromSource(packages), diagnostics, sources, root: config.projectRoot });
  const ctx: StageContext = { resolver: new LayeredResolver([new ResourceIndex(resources), packages], config.canonical), diagnostics, sources };
  const snapshots = generateSnapshots(resources.filter(isStructureDefinition), ctx);
  if (diagnostics.hasErrors()) throw new Error(diagnostics.all.map(formatDiagnostic).join('\n'));
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const out = await emitTypes({ config, snapshots, resources, validators: [], expander: new ValueSetExpander(ctx.resolver, () => undefined) }, ctx);
    times.push(performance.now() - started);
    bytes = out.reduce((n, f) => n + f.content.length, 0);
  }
  rows.push(
    { section, what: 'type generation (emitTypes, first run)', value: seconds(times[0]), note: 'fresh element model and expansions' },
    { section, what: 'type generation (emitTypes, median)', value: seconds(median(times)), note: `median of ${runs}: ${times.map(seconds).join(', ')}; ${(bytes / 1e6).toFixed(2)} MB of .d.ts/.js (validators not counted)` },
  );
}

/** Wall-clock milliseconds of `tsc --noEmit -p <tsconfig>` in a child process; throws when it reports anything. */
function tsc(project: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [tscJs, '--noEmit', '-p', project], { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`tsc -p ${project} failed:\n${result.stdout}${result.stderr}`);
  return ms;
}

async function benchTsc(rows: Row[], section: string): Promise<void> {
  say('types: building the project for its types package');
  const project = tempProject();
  const result = await build({ configFile: project.config, offline: true });
  if (result.status !== 'ok') throw new Error('build failed');
  const diagnostics = new Diagnostics();
  const config = loadConfig(project.config, diagnostics);
  if (!config) throw new Error('cannot read the temp config');
  const name = typesPackageName(config);

  const consumer = tempDir('types-consumer');
  mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
  cpSync(join(project.out, 'types'), join(consumer, 'node_modules', name), { recursive: true });
  cpSync(join(projectRoot, 'node_modules', '@types', 'fhir'), join(consumer, 'node_modules', '@types', 'fhir'), { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const visit = readFileSync(join(project.out, 'package', 'examples', 'Appointment-gpc-appointment-visit-example.json'), 'utf8');
  const files = {
    ours: `import type * as gpc from '${name}';\nexport const appointment: gpc.GPConnectAppointment1 = ${visit};\n`,
    fhir3: `/// <reference types="fhir" />\nexport const appointment: fhir3.Appointment = ${visit};\n`,
    r3only: `/// <reference path="./node_modules/@types/fhir/r3.d.ts" />\nexport const appointment: fhir3.Appointment = ${visit};\n`,
    floor: `export const appointment = ${visit};\n`,
  };
  const configs: Array<{ label: string; skipLibCheck: boolean }> = [
    { label: 'full check', skipLibCheck: false },
    { label: 'skipLibCheck', skipLibCheck: true },
  ];
  for (const { label, skipLibCheck } of configs) {
    const tsconfigs: Record<string, string> = {};
    for (const [key, text] of Object.entries(files)) {
      writeFileSync(join(consumer, `${key}.ts`), text);
      const tsconfig = join(consumer, `tsconfig.${key}.${skipLibCheck ? 'skip' : 'full'}.json`);
      const compilerOptions = { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: [], skipLibCheck };
      writeFileSync(tsconfig, JSON.stringify({ compilerOptions, files: [`${key}.ts`] }));
      tsconfigs[key] = tsconfig;
    }
    // Rounds interleave the variants, so a load change on the machine touches them alike.
    const times: Record<string, number[]> = {};
    for (let round = 1; round <= TSC_ROUNDS; round++) {
      say(`types: tsc --noEmit (${label}), round ${round}/${TSC_ROUNDS}`);
      for (const [key, tsconfig] of Object.entries(tsconfigs)) (times[key] ??= []).push(tsc(tsconfig));
    }
    const ms = Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)]));
    rows.push(
      { section, what: `tsc --noEmit, whole types package (${label})`, value: seconds(ms.ours), note: `${ratio(ms.ours, ms.fhir3)} @types/fhir fhir3; above the floor ${seconds(ms.ours - ms.floor)} vs ${seconds(ms.fhir3 - ms.floor)} (${ratio(ms.ours - ms.floor, ms.fhir3 - ms.floor)})` },
      { section, what: `tsc --noEmit, @types/fhir fhir3 (${label})`, value: seconds(ms.fhir3), note: `median of ${TSC_ROUNDS}; \`types: fhir\` loads r2, r3, r4, r4b and r5` },
      { section, what: `tsc --noEmit, @types/fhir r3.d.ts alone (${label})`, value: seconds(ms.r3only), note: `median of ${TSC_ROUNDS}; ours ${ratio(ms.ours, ms.r3only)} this; above the floor ${seconds(ms.r3only - ms.floor)} (ours ${ratio(ms.ours - ms.floor, ms.r3only - ms.floor)})` },
      { section, what: `tsc --noEmit, no types: the floor (${label})`, value: seconds(ms.floor), note: `median of ${TSC_ROUNDS}` },
    );
  }
  const dts = (dir: string, names: string[]) => names.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  const oursBytes = dts(join(project.out, 'types'), ['base.d.ts', 'profiles.d.ts', 'terminology.d.ts', 'index.d.ts']);
  const fhir3Bytes = dts(join(projectRoot, 'node_modules', '@types', 'fhir'), ['r3.d.ts']);
  rows.push({ section, what: 'declaration size: ours / @types/fhir r3.d.ts', value: `${(oursBytes / 1e6).toFixed(2)} MB`, note: `${ratio(oursBytes, fhir3Bytes)} of r3.d.ts (${(fhir3Bytes / 1e6).toFixed(2)} MB); @types/fhir's index.d.ts also loads r2, r4, r4b, r5` });
}
