/**
 * Where the toolchain keeps what it can make again: extracted and downloaded packages, and compiled
 * validator modules. Inside a project, its `.fhir-cache/` (ignored by git, kept by CI caches); outside
 * one, the user's cache folder (`$XDG_CACHE_HOME/fhir-stu3` or `~/.cache/fhir-stu3` on Linux,
 * `~/Library/Caches/fhir-stu3` on macOS, `%LOCALAPPDATA%\fhir-stu3\Cache` on Windows).
 * `FHIR_STU3_CACHE_DIR` puts the user's cache folder elsewhere, and the validator modules of projects in it
 * too (CI, tests, one cache shared by several checkouts).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const CACHE_DIR_ENV = 'FHIR_STU3_CACHE_DIR';

export interface CacheDirOptions {
  env?: Record<string, string | undefined>;
  home?: string;
  platform?: NodeJS.Platform;
}

/** The user's cache folder for this toolchain (`FHIR_STU3_CACHE_DIR` when set). */
export function userCacheDir(options: CacheDirOptions = {}): string {
  const env = options.env ?? process.env;
  const override = env[CACHE_DIR_ENV]?.trim();
  if (override) return resolve(override);
  const home = options.home ?? homedir();
  switch (options.platform ?? process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Caches', 'fhir-stu3');
    case 'win32':
      return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'fhir-stu3', 'Cache');
    default:
      return join(env.XDG_CACHE_HOME?.trim() || join(home, '.cache'), 'fhir-stu3');
  }
}

/** The folder of compiled validator modules: the project's (unless `FHIR_STU3_CACHE_DIR` is set), else the user's. */
export function validatorCacheDir(projectRoot?: string, options: CacheDirOptions = {}): string {
  const shared = (options.env ?? process.env)[CACHE_DIR_ENV]?.trim();
  return projectRoot && !shared ? join(projectRoot, '.fhir-cache', 'validators') : join(userCacheDir(options), 'validators');
}

/** The folder extracted tarballs and registry downloads are kept in: the project's, else the user's. */
export function packageCacheDir(projectRoot?: string, options: CacheDirOptions = {}): string {
  return projectRoot ? join(projectRoot, '.fhir-cache', 'packages') : join(userCacheDir(options), 'packages');
}
