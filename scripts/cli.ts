#!/usr/bin/env node
/**
 * The command line. Each command lives in scripts/cli/<name>-command.ts and registers itself here.
 * Exit codes: 0 ok, 1 content errors, 2 usage or environment errors; bad input never prints a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { buildCommand } from './cli/build-command.js';
import { diffCommand } from './cli/diff-command.js';
import { addExamples } from './cli/examples.js';
import { initCommand } from './cli/init-command.js';
import { publishCommand } from './cli/publish-command.js';
import { releaseNotesCommand } from './cli/release-notes-command.js';
import type { CommandRegistration } from './cli/common.js';
import { convertCommand } from './cli/convert-command.js';
import { siteCommand } from './cli/site-command.js';
import { snapshotCommand } from './cli/snapshot-command.js';
import { validateCommand } from './cli/validate-command.js';

const commands: CommandRegistration[] = [initCommand, buildCommand, snapshotCommand, diffCommand, releaseNotesCommand, publishCommand, validateCommand, convertCommand, siteCommand];

const program = new Command()
  .name('fhir-stu3')
  .description('Build FHIR STU3 profile packages: snapshots, checks, package, types and validators')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });
for (const register of commands) register(program);
addExamples(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  process.stderr.write(`internal error: ${(e as Error).message}\n`);
  process.exit(2);
}
