/** `build`: the whole pipeline into generated/. */
import { resolve } from 'node:path';
import { build, type BuildResult, type BuildStatus } from '../build.js';
import { CONFIG_FILE_NAME } from '../load/config.js';
import { configOrExit, printDiagnostics, type CommandRegistration } from './common.js';

const exitCodes: Record<BuildStatus, number> = { ok: 0, 'content-errors': 1, 'environment-error': 2 };

export const buildCommand: CommandRegistration = (program) => {
  program
    .command('build')
    .description('build generated/: the FHIR package (snapshots for every profile), its tarball and the validators')
    .option('--config <file>', `project config (default: nearest ${CONFIG_FILE_NAME})`)
    .option('--out <dir>', 'output folder (default: generated/ beside the config)')
    .option('--offline', 'never touch the network: dependencies must be available locally')
    .option('--previous <package>', 'the previous release (tarball, folder or name@version): refuse breaking changes without a new major version')
    .option('--site', 'also write the documentation site (<out>/site; see fhir-stu3 site)')
    .option('-q, --quiet', 'print errors only, no progress or summary')
    .action(async (opts: { config?: string; out?: string; offline?: boolean; quiet?: boolean; previous?: string; site?: boolean }) => {
      const started = Date.now();
      const quiet = !!opts.quiet;
      const say = (line: string) => {
        if (!quiet) process.stderr.write(line + '\n');
      };
      const result = await build({ configFile: configOrExit(opts.config), outDir: opts.out && resolve(opts.out), offline: opts.offline, previous: opts.previous, site: opts.site, progress: say });
      printDiagnostics(result.diagnostics, quiet);
      const counts = Object.entries(result.counts).map(([type, n]) => `${n} ${type}`).join(', ') || 'none';
      const errors = result.diagnostics.count('error') + result.diagnostics.count('fatal');
      say(`resources: ${counts}`);
      if (result.invariants) for (const line of invariantLines(result.invariants)) say(line);
      say(`${errors} error(s), ${result.diagnostics.count('warning')} warning(s), ${((Date.now() - started) / 1000).toFixed(1)} s`);
      say(result.status === 'ok' ? `wrote ${result.outDir} and ${result.tarball}` : 'nothing written: generated/ is unchanged');
      process.exitCode = exitCodes[result.status];
    });
};

/** The invariants line of the summary, then one line per invariant left to fhirpath.js, with why. */
export function invariantLines(s: NonNullable<BuildResult['invariants']>): string[] {
  const lines = [`invariants: ${s.compiled} of ${s.total} compiled to JavaScript, ${s.native} checked natively, ${s.unsupported.length} by fhirpath.js`];
  for (const u of s.unsupported) lines.push(`  ${u.key} on ${u.context}: ${u.reason}`);
  return lines;
}
