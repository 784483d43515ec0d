/**
 * `publish --registry URL`: the built FHIR package (and the types package, when built) to an npm registry.
 * The token comes from `NPM_TOKEN` or a file (`--token-file`), never from the command line, where every
 * user of the machine could read it in the process list (`--token` is refused, saying so). Exit codes: 0 published (or checked, `--dry-run`);
 * 1 refused: the build output is missing or stale, or the version is already published; 2 the registry is
 * unreachable, refused the token, or failed. Nothing is left half-published.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option } from 'commander';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { CONFIG_FILE_NAME, loadConfig } from '../load/config.js';
import { publishPackages } from '../release/publish.js';
import { configOrExit, printDiagnostics, type CommandRegistration } from './common.js';

interface PublishCliOptions {
  registry: string;
  token?: string;
  tokenFile?: string;
  config?: string;
  out?: string;
  dryRun?: boolean;
}

export const publishCommand: CommandRegistration = (program) => {
  program
    .command('publish')
    .description("publish the built FHIR package and types package to an npm registry (pre-releases under 'next', releases under 'latest'); never republishes a version")
    .requiredOption('--registry <url>', 'the npm registry URL')
    .option('--token-file <file>', 'read the auth token from this file (default: the NPM_TOKEN environment variable)')
    .addOption(new Option('--token <token>').hideHelp())
    .option('--config <file>', `project config (default: nearest ${CONFIG_FILE_NAME})`)
    .option('--out <dir>', 'build output folder (default: generated/ beside the config)')
    .option('--dry-run', 'check everything, publish nothing')
    .action(async (opts: PublishCliOptions) => {
      if (opts.token !== undefined) {
        process.stderr.write('error: --token would show the token to every user of this machine (process list): set NPM_TOKEN or use --token-file\n');
        process.exitCode = 2;
        return;
      }
      const token = tokenFrom(opts.tokenFile);
      if (typeof token === 'object') {
        process.stderr.write(`error: ${token.error}\n`);
        process.exitCode = 2;
        return;
      }
      let registry: URL;
      try {
        registry = new URL(opts.registry);
        if (registry.protocol !== 'http:' && registry.protocol !== 'https:') throw new Error('not http(s)');
      } catch {
        process.stderr.write(`error: --registry must be an http(s) URL, not '${opts.registry}'\n`);
        process.exitCode = 2;
        return;
      }
      const diagnostics = new Diagnostics();
      const config = loadConfig(configOrExit(opts.config), diagnostics);
      printDiagnostics(diagnostics, true);
      if (!config || diagnostics.hasErrors()) {
        process.exitCode = 2;
        return;
      }
      const result = await publishPackages({
        registry: registry.href,
        token,
        outDir: opts.out ? resolve(opts.out) : join(config.projectRoot, 'generated'),
        packageId: config.packageId,
        version: config.version,
        dryRun: opts.dryRun,
        say: (line) => process.stderr.write(line + '\n'),
      });
      if (result.error) process.stderr.write(`error: ${result.error}\n`);
      process.exitCode = result.exitCode;
    });
};

/** The token from `--token-file` (first line, trimmed), else NPM_TOKEN, else none. */
function tokenFrom(file: string | undefined): string | undefined | { error: string } {
  if (file === undefined) return process.env.NPM_TOKEN?.trim() || undefined;
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[0].trim() || { error: `${file} holds no token` };
  } catch (e) {
    return { error: `cannot read the token file ${file}: ${(e as Error).message}` };
  }
}
