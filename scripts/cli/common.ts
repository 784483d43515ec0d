/**
 * What every CLI command shares: finding the project config, printing diagnostics, exit codes.
 * Exit codes: 0 ok, 1 content errors (bad input, invalid payloads), 2 usage or environment errors.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic, type Diagnostics } from '../diagnostics/diagnostics.js';
import { CONFIG_FILE_NAME } from '../load/config.js';

/** One CLI command: adds itself (name, options, action) to the program. */
export type CommandRegistration = (program: Command) => void;

/** The nearest fhir.config.json at or above `start`. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The config file named by `--config`, else the nearest one; exits 2 when there is none. */
export function configOrExit(option: string | undefined): string {
  const file = option ? resolve(option) : findConfig(process.cwd());
  if (!file || !existsSync(file)) {
    process.stderr.write(`error: no ${CONFIG_FILE_NAME} found${option ? ` at ${option}` : ' here or above'} (use --config)\n`);
    process.exit(2);
  }
  return file;
}

/** Diagnostics to stderr as `file:line: severity [code] path: message` (information never, warnings unless quiet). */
export function printDiagnostics(diagnostics: Diagnostics, quiet: boolean): void {
  for (const d of diagnostics.sorted()) {
    if (quiet && d.severity !== 'error' && d.severity !== 'fatal') continue;
    if (d.severity === 'information') continue;
    process.stderr.write(formatDiagnostic(d) + '\n');
  }
}
