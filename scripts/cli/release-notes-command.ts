/**
 * `release-notes <old> [new]`: Markdown release notes from the changes file (`changes.json` beside the
 * project config, or `--changes`) and what `diff` finds between the two versions (the new one by default
 * the project's built package). The version is the new package's; a changes file written for another
 * release, entries naming artefacts that did not change and changes no entry names are reported (rules
 * `release.*`, docs/rules.md). Exit codes: 0; 1 when the changes file is invalid or a finding is an error
 * (nothing written); 2 when a version cannot be read.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { CONFIG_FILE_NAME, loadConfig, type ProjectConfig } from '../load/config.js';
import type { PackageVersion } from '../definitions/package-version.js';
import { checkChangesFile } from '../release/changes-check.js';
import { parseChangesFile, type ChangesFile } from '../release/changes-file.js';
import { diffPackages } from '../release/diff.js';
import { releaseNotes } from '../release/release-notes.js';
import { errorMessage } from '../util/values.js';
import { findConfig, printDiagnostics, type CommandRegistration } from './common.js';
import { builtPackage, loadBothVersions, type VersionInputOptions } from './diff-command.js';

export const CHANGES_FILE_NAME = 'changes.json';

interface ReleaseNotesCliOptions extends VersionInputOptions {
  changes?: string;
  out?: string;
  title?: string;
}

export const releaseNotesCommand: CommandRegistration = (program) => {
  program
    .command('release-notes')
    .description('Markdown release notes: the changes file (tickets, titles, areas) joined with what diff finds between two versions')
    .argument('<old>', 'the previous version (tarball, folder or name@version)')
    .argument('[new]', "the new version (default: the project's built package, generated/<packageId>-<version>.tgz)")
    .option('--changes <file>', `the changes file (default: ${CHANGES_FILE_NAME} beside the nearest ${CONFIG_FILE_NAME}, if any)`)
    .option('--title <name>', 'name in the heading (default: the config title, else the package name)')
    .option('--out <file>', 'write the Markdown here (default: standard output)')
    .option('--only <ids>', 'compare only these resource ids (comma-separated)')
    .option('--config <file>', `project config (default: nearest ${CONFIG_FILE_NAME}, if any)`)
    .option('--offline', 'never touch the network')
    .action(async (oldSpec: string, newArg: string | undefined, opts: ReleaseNotesCliOptions) => {
      process.exitCode = await runReleaseNotes(oldSpec, newArg, opts);
    });
};

async function runReleaseNotes(oldSpec: string, newArg: string | undefined, opts: ReleaseNotesCliOptions): Promise<number> {
  const diagnostics = new Diagnostics();
  const configFile = opts.config ?? findConfig(process.cwd());
  // The project's rule settings apply to the release findings too.
  const config = configFile ? loadConfig(configFile, diagnostics) : undefined;
  const changesPath = opts.changes ? resolve(opts.changes) : configFile ? join(dirname(configFile), CHANGES_FILE_NAME) : undefined;
  const changesLabel = changesPath && (relative(process.cwd(), changesPath) || changesPath);
  const changes = changesPath && (opts.changes || existsSync(changesPath)) ? readChanges(changesPath, changesLabel as string, diagnostics) : undefined;
  if (diagnostics.hasErrors()) {
    printDiagnostics(diagnostics, false);
    return 1;
  }
  const newSpec = newArg ?? builtPackage(opts);
  const versions = newSpec && (await loadBothVersions(oldSpec, newSpec, opts));
  if (!versions) return 2;
  const [before, after] = [versions[0], withProjectVersion(versions[1], resolve(newSpec), config)];
  const diff = diffPackages(before, after);
  if (changes) {
    const compared = new Set([...before.resources, ...after.resources].map((r) => `${r.resourceType}/${r.id ?? ''}`));
    checkChangesFile({ diff, changes, file: changesLabel as string, version: after.version, compared, partial: !!opts.only, diagnostics });
  }
  printDiagnostics(diagnostics, false);
  if (diagnostics.hasErrors()) {
    process.stderr.write('nothing written: the release notes would mislead\n');
    return 1;
  }
  const markdown = releaseNotes({ diff, changes, title: opts.title ?? (config && config.title !== config.packageId ? config.title : undefined) });
  if (opts.out) writeFileSync(resolve(opts.out), markdown);
  else process.stdout.write(markdown);
  return 0;
}

function readChanges(file: string, label: string, diagnostics: Diagnostics): ChangesFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    diagnostics.error('release.changes-unreadable', `cannot read the changes file: ${errorMessage(e)}`, { file: label });
    return undefined;
  }
  return parseChangesFile(text, label, diagnostics);
}

/** A new version read from source files has no package version: within the project it is the config's. */
function withProjectVersion(version: PackageVersion, path: string, config: ProjectConfig | undefined): PackageVersion {
  if (version.version || !config || !(path === config.projectRoot || path.startsWith(config.projectRoot + sep))) return version;
  return { ...version, name: config.packageId, version: config.version, label: `${config.packageId}#${config.version}` };
}
