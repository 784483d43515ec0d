/**
 * Loading the validator of a built project from what the build emitted: the structure validators in
 * `generated/validators/` (nothing compiled; V8's code of them kept between runs in the project's
 * validator cache) and the definition index `generated/validation/definitions.jsonl`
 * (the package's resources with their snapshots, and every definition of its dependencies and published
 * expansions, read on demand): no package is loaded, nothing is derived again. An output without the
 * index (an older build), or one built with other dependencies than the config now names, is validated
 * the slow way: the dependencies loaded through their sources.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isCoreModule, isProfileModule, linkModules, type ProfileModule } from '../compile/link.js';
import { loadScript } from '../compile/script-loader.js';
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import { validatorCacheDir } from '../load/cache-dirs.js';
import { DEFINITION_INDEX_FILE, DefinitionIndex } from '../resolve/definition-index.js';
import type { DefinitionSource } from '../resolve/resolver.js';
import type { Resource } from '../model/fhir.js';
import { recoverOutput } from '../emit/writer.js';
import { precompiledFromSource } from '../compile/fhirpath/index.js';
import { createValidator } from '../validate/create.js';
import { INVARIANT_MODULE_FILE } from '../validate/invariants.js';
import { precompiledWalkFromSource, WALK_MODULE_FILE } from '../validate/walk-module.js';
import { EXPANSIONS_PACKAGE, expansionsFrom } from '../validate/semantic-context.js';
import type { ValidatorTable } from '../validate/structure.js';
import type { Validator } from '../validate/validator.js';
import { loadConfig, packagesToLoad, type ProjectConfig } from '../load/config.js';
import { errorMessage } from '../util/values.js';

export interface LoadValidatorOptions {
  configFile: string;
  /** The build output (default `<projectRoot>/generated`). */
  outDir?: string;
  offline?: boolean;
  /** Where V8's compiled code of the validator modules is kept between runs (default: the project's validator cache). */
  cacheDir?: string;
  /**
   * Walk the semantic layer as the code the build generated (ValidateOptions.compiledWalk, as the
   * validator's default): for a validator that runs for minutes, the code's warm-up paid back. Default
   * false: the build's walk module is not read.
   */
  compiledWalk?: boolean;
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
  const packageDir = join(outDir, 'package');
  if (!existsSync(join(outDir, 'validators', 'index.mjs')) || !existsSync(packageDir)) {
    diagnostics.error('validate.not-built', `no validators in ${outDir}: run the build first (npm run build)`);
    return undefined;
  }
  let structure: ValidatorTable;
  try {
    structure = await loadStructureValidators(outDir, options.cacheDir ?? validatorCacheDir(config.projectRoot));
  } catch (e) {
    diagnostics.error('validate.not-built', `the validators in ${outDir} cannot be loaded (${errorMessage(e)}): run the build again`);
    return undefined;
  }
  const index = definitionIndexOf(outDir, config, diagnostics);
  const definitions = index ? { resources: [], source: index } : await loadedDefinitions(config, packageDir, options);
  if (!definitions) return undefined;
  const { source } = definitions;
  const created = await createValidator({
    resources: definitions.resources,
    dependencies: [source],
    canonical: config.canonical,
    structure,
    expansions: source.labels.includes(EXPANSIONS_PACKAGE) ? expansionsFrom(source) : undefined,
    invariants: emittedModule(outDir, INVARIANT_MODULE_FILE, precompiledFromSource, (why) => diagnostics.warning('validate.invariants-unreadable', `${why}: invariants are compiled as they are met instead; rebuild`)),
    compiledWalk: options.compiledWalk,
    walk: options.compiledWalk
      ? emittedModule(outDir, WALK_MODULE_FILE, precompiledWalkFromSource, (why) => diagnostics.warning('validate.walk-unreadable', `${why}: the walk is generated as payloads are walked instead; rebuild`))
      : undefined,
  });
  // What assembling the validator found (a profile whose snapshot could not be made) is the caller's to see.
  for (const d of created.diagnostics.all) diagnostics.report(d);
  return created.validator;
}

/**
 * A module the build emitted beside the validators, read by `read`: the invariants it compiled
 * (INVARIANT_MODULE_FILE: validating then compiles no FHIRPath and loads no FHIRPath parser) or the
 * semantic walk it generated (WALK_MODULE_FILE). An older build has neither; then the invariants are
 * compiled, and the walk generated, as payloads need them. A damaged one is `unreadable`'s to report
 * (file and why), with the same outcome.
 */
function emittedModule<T>(outDir: string, path: string, read: (source: string) => T, unreadable: (why: string) => void): T | undefined {
  const file = join(outDir, path);
  if (!existsSync(file)) return undefined;
  try {
    return read(readFileSync(file, 'utf8'));
  } catch (e) {
    unreadable(`${file} cannot be loaded (${errorMessage(e)})`);
    return undefined;
  }
}

/** Definitions by package: the definition index, or the packages loaded. */
type PackagedSource = DefinitionSource & { readonly labels: readonly string[]; byUrlInPackage(url: string, label: string, resourceType?: string): Resource | undefined };

/** The build's definition index, when it is there, readable, and of the dependencies the config names. */
function definitionIndexOf(outDir: string, config: ProjectConfig, diagnostics: Diagnostics): DefinitionIndex | undefined {
  const file = join(outDir, DEFINITION_INDEX_FILE);
  if (!existsSync(file)) {
    diagnostics.info('validate.no-definition-index', `${file} not found (built by an older toolchain): dependencies are loaded instead; rebuild for a fast start`);
    return undefined;
  }
  let index: DefinitionIndex;
  try {
    index = DefinitionIndex.open(file);
  } catch (e) {
    diagnostics.warning('validate.definition-index-unreadable', `${file} cannot be read (${errorMessage(e)}): dependencies are loaded instead; rebuild`);
    return undefined;
  }
  const wanted = Object.entries(packagesToLoad(config).dependencies).map(([name, version]) => `${name}#${version}`);
  const stale = wanted.filter((label) => /#\d+\.\d+\.\d+$/.test(label) && !index.labels.includes(label));
  if (stale.length > 0) {
    diagnostics.warning('validate.definition-index-stale', `${outDir} was built without ${stale.join(', ')}, which the config now names: dependencies are loaded instead; rebuild`);
    return undefined;
  }
  return index;
}

/** The slow way: the dependencies loaded through the config's sources, and the package folder's resources. */
async function loadedDefinitions(config: ProjectConfig, packageDir: string, options: LoadValidatorOptions): Promise<{ resources: Resource[]; source: PackagedSource } | undefined> {
  const { loadDependencies } = await import('../load/packages/index.js');
  const packages = await loadDependencies(packagesToLoad(config), { diagnostics: options.diagnostics, offline: options.offline });
  if (!packages || options.diagnostics.hasErrors()) return undefined;
  return { resources: packageFolderResources(packageDir), source: packages };
}

/**
 * The emitted structure validators (`<outDir>/validators/`): the core and profile modules loaded as
 * scripts, V8's compiled code of them kept in `codeCacheDir` between runs, and linked; nothing is compiled.
 * An output of an older build (no core module) is imported as it was written.
 */
export async function loadStructureValidators(outDir: string, codeCacheDir?: string): Promise<ValidatorTable> {
  const dir = join(outDir, 'validators');
  const coreFile = join(dir, 'core.mjs');
  if (!existsSync(coreFile)) return ((await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { validators: ValidatorTable }).validators;
  const core = loadScript(readFileSync(coreFile), 'core', coreFile, codeCacheDir);
  const profilesFile = join(dir, 'profiles.mjs');
  const profiles = existsSync(profilesFile) ? loadScript(readFileSync(profilesFile), 'profiles', profilesFile, codeCacheDir) : undefined;
  if (!isCoreModule(core.module) || (profiles && !isProfileModule(profiles.module))) throw new Error(`${dir} does not hold validator modules of this toolchain: rebuild`);
  const table = linkModules(core.module, profiles?.module as ProfileModule | undefined);
  core.keepCode();
  profiles?.keepCode();
  return table;
}

/** The conformance resources of a FHIR package folder (`package/*.json`, examples aside), in file name order. */
export function packageFolderResources(dir: string): Resource[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'package.json' && !f.startsWith('.'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Resource);
}
