#!/usr/bin/env node
/**
 * The command line. Each command lives in scripts/cli/<name>-command.ts and is listed once below: its
 * name, the one line `--help` shows, and the module that registers it. Only the command being run is
 * imported (lazily), so `--help`, `--version` and a mistyped command load commander and nothing else.
 * Exit codes: 0 ok, 1 content errors, 2 usage or environment errors; bad input never prints a stack trace.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CommandRegistration } from './cli/common.js';
import { errorMessage } from './util/values.js';

interface CommandEntry {
  /** The one line the command list of `--help` shows. */
  summary: string;
  /** Imports the command's module (only when the command runs or its own help is asked for). */
  load: () => Promise<CommandRegistration>;
}

const commands: Record<string, CommandEntry> = {
  build: { summary: 'build generated/: the FHIR package with snapshots, its tarball, validators and types', load: async () => (await import('./cli/build-command.js')).buildCommand },
  snapshot: { summary: 'generate the snapshots of StructureDefinitions (and compare them with those they carry)', load: async () => (await import('./cli/snapshot-command.js')).snapshotCommand },
  validate: { summary: 'validate FHIR payloads (JSON or XML) against the built profiles or --ig definitions', load: async () => (await import('./cli/validate-command.js')).validateCommand },
  convert: { summary: 'convert a FHIR payload between XML and JSON', load: async () => (await import('./cli/convert-command.js')).convertCommand },
  diff: { summary: 'compare two versions of a package: each change breaking, minor or patch', load: async () => (await import('./cli/diff-command.js')).diffCommand },
  'release-notes': { summary: 'Markdown release notes from the changes file and the diff of two versions', load: async () => (await import('./cli/release-notes-command.js')).releaseNotesCommand },
  publish: { summary: 'publish the built FHIR package and types package to an npm registry', load: async () => (await import('./cli/publish-command.js')).publishCommand },
  site: { summary: 'write a static HTML documentation site of the built package', load: async () => (await import('./cli/site-command.js')).siteCommand },
};

/** The toolchain's version, from the package.json beside scripts/ (sources) or dist/ (compiled). */
function toolchainVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** The command named on the command line (`fhir-stu3 <name> ...` or `fhir-stu3 help <name>`), if any. */
function invokedCommand(args: readonly string[]): string | undefined {
  const name = args[0] === 'help' ? args[1] : args[0];
  return name !== undefined && Object.hasOwn(commands, name) ? name : undefined;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('fhir-stu3')
    .description('Build FHIR STU3 profile packages: snapshots, checks, package, types and validators')
    .version(toolchainVersion(), '-V, --version', 'print the toolchain version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const invoked = invokedCommand(process.argv.slice(2));
  for (const [name, entry] of Object.entries(commands)) {
    if (name === invoked) (await entry.load())(program);
    // Listed for `--help` and for commander's unknown-command suggestions; never run.
    else program.command(name).description(entry.summary);
    program.commands.find((c) => c.name() === name)?.summary(entry.summary);
  }
  await program.parseAsync(process.argv);
}

try {
  await main();
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  process.stderr.write(`internal error: ${errorMessage(e)}\n`);
  process.exit(2);
}
