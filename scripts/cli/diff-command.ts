/**
 * `diff <old> <new>`: what changed between two versions of a package, each change classified breaking,
 * minor or patch (GP Connect versioning). Exit codes: 0, or 1 when `--fail-on` is met; 2 when a version
 * cannot be read (missing, malformed, not in the registry) or on usage errors.
 */
import { Option } from 'commander';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { CONFIG_FILE_NAME, defaultDependencySources, loadConfig } from '../load/config.js';
import { loadPackageVersion, type PackageVersion, type PackageVersionOptions } from '../definitions/package-version.js';
import type { PackageDiff } from '../release/changes.js';
import { diffPackages } from '../release/diff.js';
import { formatDiffJson, formatDiffText } from '../release/format-diff.js';
import { findConfig, printDiagnostics, type CommandRegistration } from './common.js';

export type FailOn = 'breaking' | 'minor' | 'patch';

export interface VersionInputOptions {
  config?: string;
  offline?: boolean;
  only?: string;
}

/**
 * Where versions given as `name@version` (and the core definitions, for source folders) are looked for:
 * the project config's dependency sources when there is a config, else the FHIR cache and the registry
 * (`FPL_REGISTRY`, else fhir-package-loader's default).
 */
export function versionLoadOptions(opts: VersionInputOptions, diagnostics: Diagnostics): PackageVersionOptions {
  const file = opts.config ?? findConfig(process.cwd());
  const config = file ? loadConfig(file, diagnostics) : undefined;
  return {
    diagnostics,
    dependencySources: config?.dependencySources ?? defaultDependencySources(),
    projectRoot: config?.projectRoot ?? process.cwd(),
    offline: opts.offline,
    only: opts.only ? opts.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
  };
}

/** Both versions, or undefined (diagnostics printed) when either cannot be read. */
export async function loadBothVersions(oldSpec: string, newSpec: string, opts: VersionInputOptions): Promise<[PackageVersion, PackageVersion] | undefined> {
  const diagnostics = new Diagnostics();
  const options = versionLoadOptions(opts, diagnostics);
  if (diagnostics.hasErrors()) {
    printDiagnostics(diagnostics, true);
    return undefined;
  }
  // Each version is read in full or not at all: a file that cannot be read would show as a removal.
  const read = async (spec: string): Promise<PackageVersion | undefined> => {
    const v = await loadPackageVersion(spec, options);
    if (v && !diagnostics.hasErrors()) return v;
    printDiagnostics(diagnostics, true);
    const hint = options.only ? '' : ' (--only <ids> compares some resources only)';
    process.stderr.write(`error: cannot compare ${oldSpec} with ${newSpec}: ${spec} could not be read${hint}\n`);
    return undefined;
  };
  const before = await read(oldSpec);
  const after = before && (await read(newSpec));
  return before && after ? [before, after] : undefined;
}

/** True when the diff meets the `--fail-on` level: `breaking` means breaking changes no new major version covers. */
export function failsOn(diff: PackageDiff, level: FailOn): boolean {
  if (level === 'breaking') return diff.unversionedBreaking > 0;
  if (level === 'minor') return diff.level === 'breaking' || diff.level === 'minor';
  return diff.resources.length > 0;
}

export const diffCommand: CommandRegistration = (program) => {
  program
    .command('diff')
    .description('compare two versions of a package (tarball, package folder, source folder, or name@version from a registry): each change breaking, minor or patch')
    .argument('<old>', 'the previous version')
    .argument('<new>', 'the new version')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--fail-on <level>', 'exit 1 on: breaking (a breaking change without a new major version), minor (any change but patch), patch (any change)').choices(['breaking', 'minor', 'patch']))
    .option('--only <ids>', 'compare only these resource ids (comma-separated; other major versions of them included)')
    .option('--config <file>', `project config whose dependency sources are used (default: nearest ${CONFIG_FILE_NAME}, if any)`)
    .option('--offline', 'never touch the network')
    .action(async (oldSpec: string, newSpec: string, opts: VersionInputOptions & { format: 'text' | 'json'; failOn?: FailOn }) => {
      const versions = await loadBothVersions(oldSpec, newSpec, opts);
      if (!versions) {
        process.exitCode = 2;
        return;
      }
      const diff = diffPackages(...versions);
      process.stdout.write(opts.format === 'json' ? formatDiffJson(diff) : formatDiffText(diff));
      process.exitCode = opts.failOn && failsOn(diff, opts.failOn) ? 1 : 0;
    });
};
