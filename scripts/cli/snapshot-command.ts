/** `snapshot`: snapshots of StructureDefinition files, optionally compared with the snapshots they carry. */
import { Option } from 'commander';
import { CONFIG_FILE_NAME } from '../load/config.js';
import { runSnapshotCommand } from '../commands/snapshot.js';
import { configOrExit, printDiagnostics, type CommandRegistration } from './common.js';

export const snapshotCommand: CommandRegistration = (program) => {
  program
    .command('snapshot')
    .description('generate snapshots of StructureDefinitions (XML or JSON in, JSON or XML out), resolving against the project dependencies and the given files')
    .argument('<paths...>', 'StructureDefinition files or folders')
    .requiredOption('--out <dir>', 'folder for the snapshotted StructureDefinitions')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'xml']).default('json'))
    .option('--compare', 'print, per file and overall, the agreement (plain and normalised) with the snapshot already in each file')
    .option('--config <file>', `project config for dependencies (default: nearest ${CONFIG_FILE_NAME})`)
    .option('--offline', 'never touch the network')
    .option('-q, --quiet', 'print errors only')
    .action(async (paths: string[], opts: { out: string; format: 'json' | 'xml'; compare?: boolean; config?: string; offline?: boolean; quiet?: boolean }) => {
      process.exitCode = await runSnapshotCommand(paths, { ...opts, configFile: configOrExit(opts.config), print: (s) => process.stdout.write(s + '\n'), printDiagnostics });
    });
};
