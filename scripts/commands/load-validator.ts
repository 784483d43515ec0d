/**
 * Loading the validator of a built project: its config and dependencies (with the validation-only
 * packages such as hl7.fhir.r3.expansions), the package resources in `generated/package/` (profiles with
 * their snapshots) and the standalone structure validators in `generated/validators/` (nothing compiled).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import type { Resource } from '../model/fhir.js';
import { recoverOutput } from '../emit/writer.js';
import { createValidator } from '../validate/create.js';
import { EXPANSIONS_PACKAGE, expansionsFrom } from '../validate/semantic-context.js';
import type { ValidatorTable } from '../validate/structure.js';
import type { Validator } from '../validate/validator.js';
import { loadConfig, packagesToLoad } from '../load/config.js';
import { loadDependencies } from '../load/packages/index.js';

export interface LoadValidatorOptions {
  configFile: string;
  /** The build output (default `<projectRoot>/generated`). */
  outDir?: string;
  offline?: boolean;
  diagnostics: Diagnostics;
}

/** The validator of the built project, undefined (with diagnostics) when the config, dependencies or build output are missing. */
export async function loadValidator(options: LoadValidatorOptions): Promise<Validator | undefined> {
  const { diagnostics } = options;
  const config = loadConfig(options.configFile, diagnostics);
  if (!config || diagnostics.hasErrors()) return undefined;
  const outDir = options.outDir ?? join(config.projectRoot, 'generated');
  // A build interrupted while it swapped its output in left the previous output aside: put it back.
  await recoverOutput(outDir);
  const index = join(outDir, 'validators', 'index.mjs');
  const packageDir = join(outDir, 'package');
  if (!existsSync(index) || !existsSync(packageDir)) {
    diagnostics.error('validate.not-built', `no validators in ${outDir}: run the build first (npm run build)`);
    return undefined;
  }
  const packages = await loadDependencies(packagesToLoad(config), { diagnostics, offline: options.offline });
  if (!packages || diagnostics.hasErrors()) return undefined;
  const resources = packageResources(packageDir);
  const structure = await loadStructureValidators(outDir);
  const hasExpansions = packages.labels.includes(EXPANSIONS_PACKAGE);
  const created = await createValidator({
    resources,
    dependencies: [packages],
    canonical: config.canonical,
    structure,
    expansions: hasExpansions ? expansionsFrom(packages) : undefined,
  });
  // What assembling the validator found (a profile whose snapshot could not be made) is the caller's to see.
  for (const d of created.diagnostics.all) diagnostics.report(d);
  return created.validator;
}

/** Loads the emitted standalone validators (`<outDir>/validators/index.mjs`): nothing is compiled. */
export async function loadStructureValidators(outDir: string): Promise<ValidatorTable> {
  const mod = (await import(pathToFileURL(join(outDir, 'validators', 'index.mjs')).href)) as { validators: ValidatorTable };
  return mod.validators;
}

/** The conformance resources of a FHIR package folder (`package/*.json`, examples aside). */
function packageResources(dir: string): Resource[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'package.json' && !f.startsWith('.'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Resource);
}
