/**
 * The structure validators of a set of schemas (compile.ts): the core module and the profile module, each
 * from the module cache or compiled into it (module-cache.ts), linked into one table (link.ts).
 */
import type { StageContext } from '../context.js';
import type { StructureDefinition } from '../model/fhir.js';
import type { ValueSetExpander } from '../terminology/value-set-expansion.js';
import { AJV_OPTIONS, buildValidatorSchemas, coreModuleSource, profileModuleSource, type ValidatorSchemas } from './compile.js';
import { isCoreModule, isProfileModule, linkModules, type ValidatorTable } from './link.js';
import { memoryModuleCache, moduleKey, type CacheOutcome, type ModuleCache } from './module-cache.js';

export interface CompiledModule {
  /** The content hash the module is kept under. */
  key: string;
  /** The module's source. */
  source: string;
  outcome: CacheOutcome;
  /** The cache file it was loaded from or written to (a disk cache). */
  file?: string;
}

export interface CompiledValidators {
  table: ValidatorTable;
  core: CompiledModule;
  /** Absent when there are no resource profiles. */
  profiles?: CompiledModule;
  /** What the cache could not do (the validators were had anyway): for a warning. */
  problems: string[];
}

export interface CompileOptions {
  /** Default: the process's memory cache. */
  cache?: ModuleCache;
  /** A line before a long compile. */
  progress?: (message: string) => void;
}

/** The validators of these profiles (and every base resource type), required bindings compiled in with an `expander`. */
export function compileProfiles(profiles: readonly StructureDefinition[], ctx: StageContext, expander: ValueSetExpander | undefined, options: CompileOptions = {}): Promise<CompiledValidators> {
  return compileValidators(buildValidatorSchemas(profiles, ctx, expander), options);
}

export async function compileValidators(schemas: ValidatorSchemas, options: CompileOptions = {}): Promise<CompiledValidators> {
  const cache = options.cache ?? memoryModuleCache;
  const progress = options.progress ?? (() => undefined);
  const problems: string[] = [];
  const coreKey = moduleKey('core', AJV_OPTIONS, [...schemas.core.entries], schemas.core.schemas);
  const core = await cache.load('core', coreKey, () => {
    progress(`compiling the core validators (${schemas.core.entries.size - 1} resource types; once, kept in ${cache.location})`);
    return coreModuleSource(schemas.core);
  });
  if (core.problem) problems.push(core.problem);
  if (!isCoreModule(core.module)) throw new Error(`the core validator module ${core.file ?? ''} does not export linkValidators`);
  let profiles: CompiledModule | undefined;
  let profileModule;
  const keep = [core];
  if (schemas.profiles.entries.size > 0) {
    const key = moduleKey('profiles', AJV_OPTIONS, coreKey, [...schemas.profiles.entries], schemas.profiles.schemas);
    const loaded = await cache.load('profiles', key, () => {
      progress(`compiling the validators of ${schemas.profiles.entries.size} profile(s)`);
      return profileModuleSource(schemas.profiles, schemas.core);
    });
    if (loaded.problem) problems.push(loaded.problem);
    if (!isProfileModule(loaded.module)) throw new Error(`the profile validator module ${loaded.file ?? ''} does not export link`);
    profileModule = loaded.module;
    keep.push(loaded);
    profiles = { key, source: loaded.source, outcome: loaded.outcome, ...(loaded.file ? { file: loaded.file } : {}) };
  }
  const table = linkModules(core.module, profileModule);
  for (const loaded of keep) loaded.keepCode();
  return {
    table,
    core: { key: coreKey, source: core.source, outcome: core.outcome, ...(core.file ? { file: core.file } : {}) },
    ...(profiles ? { profiles } : {}),
    problems,
  };
}
