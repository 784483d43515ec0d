#!/usr/bin/env node
/**
 * The command line: `build` and `snapshot` (more commands join as their stages land).
 * Exit codes: 0 ok, 1 content errors, 2 usage or environment errors. Diagnostics go to stderr as
 * `file:line: severity [code] path: message`; nothing here prints a stack trace for bad input.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { build, type BuildStatus } from './build.js';
import { formatDiagnostic, type Diagnostics } from './diagnostics/diagnostics.js';
import { CONFIG_FILE_NAME } from './load/config.js';
import { runSnapshotCommand } from './snapshot/command.js';

const exitCodes: Record<BuildStatus, number> = { ok: 0, 'content-errors': 1, 'environment-error': 2 };

/** The nearest fhir.config.json at or above `start`. */
function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function printDiagnostics(diagnostics: Diagnostics, quiet: boolean): void {
  for (const d of diagnostics.sorted()) {
    if (quiet && d.severity !== 'error' && d.severity !== 'fatal') continue;
    if (d.severity === 'information') continue;
    process.stderr.write(formatDiagnostic(d) + '\n');
  }
}

function configOrExit(option: string | undefined): string {
  const file = option ? resolve(option) : findConfig(process.cwd());
  if (!file || !existsSync(file)) {
    process.stderr.write(`error: no ${CONFIG_FILE_NAME} found${option ? ` at ${option}` : ' here or above'} (use --config)\n`);
    process.exit(2);
  }
  return file;
}

const program = new Command()
  .name('fhir-stu3')
  .description('Build FHIR STU3 profile packages: snapshots, checks, package, types and validators')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('build')
  .description('build generated/: the FHIR package (snapshots for every profile) and its tarball')
  .option('--config <file>', `project config (default: nearest ${CONFIG_FILE_NAME})`)
  .option('--out <dir>', 'output folder (default: generated/ beside the config)')
  .option('--offline', 'never touch the network: dependencies must be available locally')
  .option('-q, --quiet', 'print errors only, no progress or summary')
  .action(async (opts: { config?: string; out?: string; offline?: boolean; quiet?: boolean }) => {
    const started = Date.now();
    const quiet = !!opts.quiet;
    const say = (line: string) => {
      if (!quiet) process.stderr.write(line + '\n');
    };
    const result = await build({ configFile: configOrExit(opts.config), outDir: opts.out && resolve(opts.out), offline: opts.offline, progress: say });
    printDiagnostics(result.diagnostics, quiet);
    const counts = Object.entries(result.counts).map(([type, n]) => `${n} ${type}`).join(', ') || 'none';
    const errors = result.diagnostics.count('error') + result.diagnostics.count('fatal');
    say(`resources: ${counts}`);
    say(`${errors} error(s), ${result.diagnostics.count('warning')} warning(s), ${((Date.now() - started) / 1000).toFixed(1)} s`);
    say(result.status === 'ok' ? `wrote ${result.outDir} and ${result.tarball}` : 'nothing written: generated/ is unchanged');
    process.exitCode = exitCodes[result.status];
  });

program
  .command('snapshot')
  .description('generate snapshots of StructureDefinitions (XML or JSON in, JSON out), resolving against the project dependencies and the given files')
  .argument('<paths...>', 'StructureDefinition files or folders')
  .requiredOption('--out <dir>', 'folder for the snapshotted StructureDefinitions (JSON)')
  .option('--compare', 'print, per file and overall, the agreement with the snapshot already in each file')
  .option('--config <file>', `project config for dependencies (default: nearest ${CONFIG_FILE_NAME})`)
  .option('--offline', 'never touch the network')
  .option('-q, --quiet', 'print errors only')
  .action(async (paths: string[], opts: { out: string; compare?: boolean; config?: string; offline?: boolean; quiet?: boolean }) => {
    process.exitCode = await runSnapshotCommand(paths, { ...opts, configFile: configOrExit(opts.config), print: (s) => process.stdout.write(s + '\n'), printDiagnostics });
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  process.stderr.write(`internal error: ${(e as Error).message}\n`);
  process.exit(2);
}
