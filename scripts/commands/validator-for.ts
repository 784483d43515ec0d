/**
 * `validatorFor({ ig })`: a validator over any definitions, inside a project or outside one (the HL7
 * validator's `-ig`). Each `ig` is a package tarball, a package folder, `name@version`, a folder of loose
 * StructureDefinitions, ValueSets and CodeSystems (XML or JSON), or a glob of such files
 * (scripts/definitions/package-version.ts reads them, snapshots generated where missing).
 *
 * Outside a project the definitions stand on hl7.fhir.r3.core#3.0.2 (and hl7.fhir.r3.expansions#3.0.2,
 * for value sets defined by filters, when it is found locally), looked for in the given tarball folders,
 * the FHIR package cache and then the registry. Inside one (`configFile`), on the project's dependencies
 * through its dependency sources, and the definitions add to its built package. Earlier definitions win
 * where two define one URL: the built package, then each `ig` in the order given.
 *
 * The structure validators come from the validator module cache (scripts/compile/module-cache.ts): the
 * core module is compiled once per core, the profile module once per set of profiles; `compiled` says
 * which were compiled this time.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DiskModuleCache, memoryModuleCache, type ModuleCache } from '../compile/module-cache.js';
import { loadDefinitionSets } from '../definitions/package-version.js';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { packageCacheDir, validatorCacheDir } from '../load/cache-dirs.js';
import { defaultDependencySources, loadConfig, packagesToLoad, type DependencySource, type ProjectConfig } from '../load/config.js';
import { PackageStore } from '../load/packages/index.js';
import type { LocalSource } from '../load/packages/store.js';
import type { Resource } from '../model/fhir.js';
import { createValidator, type CreatedValidator } from '../validate/create.js';
import { packageFolderResources } from './load-validator.js';
import type { PayloadLimits } from '../validate/json-payload.js';
import { EXPANSIONS_PACKAGE, expansionsFrom } from '../validate/semantic-context.js';
import type { Validator } from '../validate/validator.js';

export interface ValidatorForOptions {
  /** The definitions to validate against (see the module comment), in order of precedence. */
  ig: readonly string[];
  /** A project whose built package the definitions add to; none: the definitions stand alone. */
  configFile?: string;
  /** That project's build output (default `<projectRoot>/generated`). */
  outDir?: string;
  /** Folders of package tarballs (`<name>-<version>.tgz`) looked in first. */
  packageDirs?: readonly string[];
  /** Where packages are looked for outside a project (default: `packageDirs`, the FHIR cache, the registry). */
  dependencySources?: readonly DependencySource[];
  offline?: boolean;
  /** Relative `ig` paths are resolved against this folder (default: the working folder). */
  cwd?: string;
  /** The validator module cache folder (default: validatorCacheDir); false keeps compiled modules in memory only. */
  cacheDir?: string | false;
  /** One line per long step (loading a package, compiling). */
  progress?: (message: string) => void;
  limits?: Partial<PayloadLimits>;
}

export interface ValidatorForResult {
  /** Undefined when the definitions could not be read (see diagnostics). */
  validator?: Validator;
  diagnostics: Diagnostics;
  /** Each definition set's label (`name#version`, or the spec given), in order. */
  sets: string[];
  /** How the structure validators were had: each module's key and whether it came from the cache. */
  compiled?: CreatedValidator['compiled'];
}

const DEFAULT_CORE = { 'hl7.fhir.r3.core': '3.0.2' };
const [EXPANSIONS_NAME, EXPANSIONS_VERSION] = EXPANSIONS_PACKAGE.split('#') as [string, string];

export async function validatorFor(options: ValidatorForOptions): Promise<ValidatorForResult> {
  const diagnostics = new Diagnostics();
  const progress = options.progress ?? (() => undefined);
  const project = options.configFile ? projectOf(options.configFile, options.outDir, diagnostics) : undefined;
  if (options.configFile && !project) return { diagnostics, sets: [] };
  const dependencySources = project
    ? [...(options.packageDirs ?? []).map((path): DependencySource => ({ type: 'directory', path: resolve(path) })), ...project.config.dependencySources]
    : [...(options.dependencySources ?? defaultDependencySources(options.packageDirs ?? []))];
  const packageCache = packageCacheDir(project?.config.projectRoot);
  const core = project ? packagesToLoad(project.config).dependencies : { ...DEFAULT_CORE, ...localExpansions(dependencySources, packageCache, diagnostics) };
  const loaded = await loadDefinitionSets(options.ig, {
    diagnostics,
    cwd: options.cwd,
    dependencySources,
    projectRoot: project?.config.projectRoot ?? resolve(options.cwd ?? process.cwd()),
    cacheDir: packageCache,
    offline: options.offline,
    coreDependencies: core,
    withDependencies: true,
    progress: (e) => progress(e.message),
  });
  if (!loaded?.packages || diagnostics.hasErrors()) return { diagnostics, sets: loaded?.sets.map((s) => s.label) ?? [] };
  const { packages } = loaded;
  const resources = firstDefinitions([...(project?.resources ?? []), ...loaded.sets.flatMap((s) => s.resources)], diagnostics);
  const cache: ModuleCache = options.cacheDir === false ? memoryModuleCache : new DiskModuleCache(options.cacheDir ?? validatorCacheDir(project?.config.projectRoot));
  const created = await createValidator({
    resources,
    dependencies: [packages],
    canonical: project?.config.canonical,
    expansions: packages.labels.includes(EXPANSIONS_PACKAGE) ? expansionsFrom(packages) : undefined,
    cache,
    progress,
    limits: options.limits,
  });
  diagnostics.absorb(created.diagnostics);
  return { validator: created.validator, diagnostics, sets: loaded.sets.map((s) => s.label), compiled: created.compiled };
}

interface Project {
  config: ProjectConfig;
  /** The built package's resources. */
  resources: Resource[];
}

function projectOf(configFile: string, outDir: string | undefined, diagnostics: Diagnostics): Project | undefined {
  const config = loadConfig(configFile, diagnostics);
  if (!config || diagnostics.hasErrors()) return undefined;
  const packageDir = join(outDir ?? join(config.projectRoot, 'generated'), 'package');
  if (!existsSync(packageDir)) {
    diagnostics.error('validate.not-built', `no built package in ${packageDir}: run the build first (npm run build), or validate outside the project`);
    return undefined;
  }
  return { config, resources: packageFolderResources(packageDir) };
}

/**
 * hl7.fhir.r3.expansions when a local source has it: the published expansions of value sets defined by
 * filters. Not asked of a registry: without it those bindings are reported as not checked.
 */
function localExpansions(sources: readonly DependencySource[], cacheDir: string, diagnostics: Diagnostics): Record<string, string> {
  const local = sources.filter((s): s is LocalSource => s.type !== 'registry');
  if (new PackageStore(cacheDir, local).localVersions(EXPANSIONS_NAME).includes(EXPANSIONS_VERSION)) return { [EXPANSIONS_NAME]: EXPANSIONS_VERSION };
  diagnostics.info('validate.no-expansions', `${EXPANSIONS_PACKAGE} is not in a local package folder or the FHIR cache: bindings to value sets it expands are not checked (add it with --packages or --ig ${EXPANSIONS_NAME}@${EXPANSIONS_VERSION})`);
  return {};
}

/** The first definition of each URL (per resource type) wins; a different later one is reported. */
function firstDefinitions(resources: readonly Resource[], diagnostics: Diagnostics): Resource[] {
  const seen = new Map<string, Resource>();
  const out: Resource[] = [];
  for (const r of resources) {
    const key = `${r.resourceType}|${String(r.url)}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, r);
      out.push(r);
    } else if (first.version !== r.version || JSON.stringify(first) !== JSON.stringify(r)) {
      diagnostics.warning('validate.duplicate-definition', `${r.resourceType} ${String(r.url)} is defined more than once: the first one given is used`);
    }
  }
  return out;
}
