/**
 * Which validator `validate` runs, as plain data (a worker thread gets no functions): a project's build
 * output, or `--ig` definitions (added to the project's package when there is one). One function builds
 * it, for a single-file run, the bulk run's main thread (`--workers 1`) and each of its workers alike.
 */
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import type { Validator } from '../validate/validator.js';
import { loadValidator } from './load-validator.js';

export interface ValidatorTarget {
  /** The project (none: `--ig` definitions on their own). */
  configFile?: string;
  /** The project's build output (default `<projectRoot>/generated`). */
  outDir?: string;
  offline?: boolean;
  /** Where compiled validator modules (and V8's code cache of them) are kept between runs. */
  cacheDir?: string;
  /** `--ig` specs, and folders of package tarballs to find their packages in. */
  ig?: { specs: string[]; packageDirs: string[] };
}

export async function validatorOf(target: ValidatorTarget, diagnostics: Diagnostics, progress?: (message: string) => void): Promise<Validator | undefined> {
  if (target.ig && target.ig.specs.length > 0) {
    // Loaded only for --ig: a built project's validation needs none of the loaders or the compiler.
    const { validatorFor } = await import('./validator-for.js');
    const result = await validatorFor({ ig: target.ig.specs, configFile: target.configFile, outDir: target.outDir, packageDirs: target.ig.packageDirs, offline: target.offline, cacheDir: target.cacheDir, progress });
    diagnostics.absorb(result.diagnostics);
    return result.validator;
  }
  if (!target.configFile) return undefined;
  return loadValidator({ configFile: target.configFile, outDir: target.outDir, offline: target.offline, cacheDir: target.cacheDir, diagnostics });
}
