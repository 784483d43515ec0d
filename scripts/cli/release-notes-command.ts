/**
 * `release-notes <old> <new>`: Markdown release notes from the changes file (`changes.json` beside the
 * project config, or `--changes`) and what `diff` finds between the two versions. Exit codes: 0; 1 when the
 * changes file is invalid; 2 when a version cannot be read.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { CONFIG_FILE_NAME } from '../load/config.js';
import { parseChangesFile, type ChangesFile } from '../release/changes-file.js';
import { diffPackages } from '../release/diff.js';
import { releaseNotes } from '../release/release-notes.js';
import { findConfig, printDiagnostics, type CommandRegistration } from './common.js';
import { loadBothVersions, type VersionInputOptions } from './diff-command.js';
import { errorMessage } from '../util/values.js';

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
    .argument('<new>', 'the new version')
    .option('--changes <file>', `the changes file (default: ${CHANGES_FILE_NAME} beside the nearest ${CONFIG_FILE_NAME}, if any)`)
    .option('--title <name>', 'name in the heading (default: the package name)')
    .option('--out <file>', 'write the Markdown here (default: standard output)')
    .option('--only <ids>', 'compare only these resource ids (comma-separated)')
    .option('--config <file>', `project config (default: nearest ${CONFIG_FILE_NAME}, if any)`)
    .option('--offline', 'never touch the network')
    .action(async (oldSpec: string, newSpec: string, opts: ReleaseNotesCliOptions) => {
      const diagnostics = new Diagnostics();
      let changes: ChangesFile | undefined;
      const configFile = opts.config ?? findConfig(process.cwd());
      const file = opts.changes ? resolve(opts.changes) : configFile ? join(dirname(configFile), CHANGES_FILE_NAME) : undefined;
      if (file && (opts.changes || existsSync(file))) {
        let text: string | undefined;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          diagnostics.error('release.changes-unreadable', `cannot read the changes file: ${errorMessage(e)}`, { file });
        }
        changes = text === undefined ? undefined : parseChangesFile(text, relative(process.cwd(), file) || file, diagnostics);
        if (diagnostics.hasErrors()) {
          printDiagnostics(diagnostics, false);
          process.exitCode = 1;
          return;
        }
      }
      const versions = await loadBothVersions(oldSpec, newSpec, opts);
      if (!versions) {
        process.exitCode = 2;
        return;
      }
      const markdown = releaseNotes({ diff: diffPackages(...versions), changes, title: opts.title });
      if (opts.out) writeFileSync(resolve(opts.out), markdown);
      else process.stdout.write(markdown);
      process.exitCode = 0;
    });
};
