/**
 * How the bulk validator's threads (the main one with `--workers 1`, each worker otherwise) build their
 * validator from the plain data of a WorkerSetup: a project's build output, or `--ig` definitions (added
 * to the project's package when there is one), exactly as a single-file `validate` would.
 */
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import type { Validator } from '../validate/validator.js';
import type { WorkerSetup } from './bulk-worker-entry.js';
import { loadValidator } from './load-validator.js';

export async function setupValidator(setup: WorkerSetup, diagnostics: Diagnostics): Promise<Validator | undefined> {
  if (setup.ig && setup.ig.specs.length > 0) {
    // Loaded only for --ig: a built project's validation needs none of the loaders or the compiler.
    const { validatorFor } = await import('./validator-for.js');
    const result = await validatorFor({ ig: setup.ig.specs, configFile: setup.configFile, outDir: setup.outDir, packageDirs: setup.ig.packageDirs, offline: setup.offline, cacheDir: setup.ig.cacheDir });
    diagnostics.absorb(result.diagnostics);
    return result.validator;
  }
  if (!setup.configFile) return undefined;
  return loadValidator({ configFile: setup.configFile, outDir: setup.outDir, offline: setup.offline, cacheDir: setup.ig?.cacheDir, diagnostics });
}
