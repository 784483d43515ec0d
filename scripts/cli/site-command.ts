/**
 * `site`: the documentation site of the built package (generated/package by default) into
 * generated/site: one page per artefact and example, home, QA, changes and search pages. The QA page
 * shows the build's report (generated/qa.json, written by every build); the changes page the changes
 * file and, when a previous version is configured or given, the diff against it. Exit codes: 0 written;
 * 1 the package is not readable as a built package; 2 no config, a dependency or the previous version
 * cannot be loaded.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { writeOutput } from '../emit/writer.js';
import { readBuiltPackageFolder } from '../load/built-package.js';
import { CONFIG_FILE_NAME, loadConfig, packagesToLoad } from '../load/config.js';
import { loadDependencies } from '../load/packages/index.js';
import { QA_FILE, readQaReport, siteChanges, siteContext } from '../site/prepare.js';
import { generateSite } from '../site/site.js';
import { configOrExit, printDiagnostics, type CommandRegistration } from './common.js';

interface SiteOptions {
  config?: string;
  package?: string;
  qa?: string;
  out?: string;
  previous?: string;
  changes?: string;
  offline?: boolean;
  quiet?: boolean;
}

export const siteCommand: CommandRegistration = (program) => {
  program
    .command('site')
    .description('write a static HTML documentation site of the built package (opens from file://, no network)')
    .option('--config <file>', `project config (default: nearest ${CONFIG_FILE_NAME})`)
    .option('--package <dir>', 'the built package folder (default: generated/package beside the config)')
    .option('--qa <file>', `the build's QA report (default: ${QA_FILE} beside the package folder, when present)`)
    .option('--out <dir>', 'output folder (default: generated/site beside the config)')
    .option('--previous <package>', 'the previous release to compare with (tarball, folder or name@version; default: config previousPackage)')
    .option('--changes <file>', 'the changes file (default: changes.json beside the config, when present)')
    .option('--offline', 'never touch the network')
    .option('-q, --quiet', 'print errors only')
    .action(async (opts: SiteOptions) => {
      process.exitCode = await runSite(opts);
    });
};

async function runSite(opts: SiteOptions): Promise<number> {
  const started = Date.now();
  const say = (line: string) => {
    if (!opts.quiet) process.stderr.write(line + '\n');
  };
  const diagnostics = new Diagnostics();
  const config = loadConfig(configOrExit(opts.config), diagnostics);
  if (!config) return done(diagnostics, 2, opts);
  const generated = join(config.projectRoot, 'generated');
  const packageDir = opts.package ? resolve(opts.package) : join(generated, 'package');
  const pkg = readBuiltPackageFolder(packageDir, diagnostics);
  if (!pkg) return done(diagnostics, 1, opts);
  const qaFile = opts.qa ? resolve(opts.qa) : join(dirname(packageDir), QA_FILE);
  const qa = opts.qa || existsSync(qaFile) ? readQaReport(qaFile, diagnostics) : undefined;
  if (diagnostics.hasErrors()) return done(diagnostics, 1, opts);
  const packages = await loadDependencies(packagesToLoad(config), { diagnostics, offline: opts.offline, progress: (e) => say(e.message) });
  if (!packages || diagnostics.hasErrors()) return done(diagnostics, 2, opts);
  const previous = opts.previous ?? config.previousPackage;
  const changes = await siteChanges(pkg, config, { previous, cwd: opts.previous ? process.cwd() : config.projectRoot, changesFile: opts.changes && resolve(opts.changes), offline: opts.offline }, diagnostics);
  if (diagnostics.hasErrors()) return done(diagnostics, 2, opts);
  const files = generateSite({ package: pkg, ...(qa ? { qa } : {}), changes }, siteContext(pkg, packages, diagnostics));
  const out = opts.out ? resolve(opts.out) : join(generated, 'site');
  await writeOutput(out, files, { preserve: [] });
  printDiagnostics(diagnostics, !!opts.quiet);
  say(`wrote ${files.length} files to ${relative(process.cwd(), out) || out} in ${((Date.now() - started) / 1000).toFixed(1)} s; open ${join(relative(process.cwd(), out) || out, 'index.html')}`);
  return 0;
}

function done(diagnostics: Diagnostics, code: number, opts: SiteOptions): number {
  printDiagnostics(diagnostics, !!opts.quiet);
  if (!opts.quiet) process.stderr.write('nothing written\n');
  return code;
}
