/**
 * Linking a core module with a profile module (compile.ts) into one table of validators: profile URL or
 * base resource type name (and `Resource`, "some resource" by what it claims) -> validate function.
 *
 * The linker is JavaScript written into the core module itself (`LINK_RUNTIME`), so the emitted modules
 * link the same way without the toolchain (`generated/validators/index.mjs`) as inside it (`linkModules`).
 * Each link makes its own instance of the core's functions (`coreValidators()`; the compiled code is
 * shared), so the "some resource" dispatch of a table knows that table's profiles, and two tables over one
 * core module never see each other's (`CLAIMABLE_PROFILES`).
 *
 * The modules are ES modules whose only `export` keywords start lines of ours (ajv's code is one line),
 * so the toolchain also loads them as classic scripts (`scriptOf`): that way V8's compiled code of the
 * 8 MB core can be kept between runs (script-loader.ts).
 */
import type { ErrorObject } from 'ajv';

/**
 * The property of the dispatching validator (the function `fhirResource` is compiled in, keywords.ts)
 * that holds the profiles a resource may claim: a Map of profile URL to validator, set by the linker on
 * its own instance of the core's functions. The core module is compiled once for every set of profiles,
 * so which profiles exist is known only when it is linked with a profile module.
 */
export const CLAIMABLE_PROFILES = 'fhirProfiles';

/** A compiled validator, as ajv's standalone code gives it. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Profile URL or base resource type name -> validator. */
export type ValidatorTable = Readonly<Record<string, CompiledValidator>>;

/** What a core module exports. */
export interface CoreModule {
  /** Validator key -> the name of its function among `coreValidators()`. */
  readonly fhirValidators: Readonly<Record<string, string>>;
  /** A fresh instance of every validate function: entries and shared definitions, by name. */
  readonly coreValidators: () => Readonly<Record<string, CompiledValidator>>;
  readonly linkValidators: (core: CoreModule, profiles?: ProfileModule) => ValidatorTable;
}

/** What a profile module exports. */
export interface ProfileModule {
  readonly fhirValidators: Readonly<Record<string, string>>;
  /** Its validate functions over an instance of the core's. */
  readonly link: (core: Readonly<Record<string, CompiledValidator>>) => Readonly<Record<string, CompiledValidator>>;
}

/** The names a module exports, by kind: what its script form returns. */
export const MODULE_EXPORTS = { core: ['fhirValidators', 'coreValidators', 'linkValidators'], profiles: ['fhirValidators', 'link'] } as const;

/** The validators of a core module linked with a profile module (none: the base types only). */
export function linkModules(core: CoreModule, profiles?: ProfileModule): ValidatorTable {
  return core.linkValidators(core, profiles);
}

/** A module's source as a classic script whose value is a function returning its exports. */
export function scriptOf(source: string, kind: keyof typeof MODULE_EXPORTS): string {
  return `(function () {\n${source.replace(/^export /gm, '')}\nreturn { ${MODULE_EXPORTS[kind].join(', ')} };\n})`;
}

/** True when a loaded module has the shape of a core module. */
export function isCoreModule(mod: unknown): mod is CoreModule {
  const m = mod as Partial<CoreModule> | undefined;
  return typeof m === 'object' && m !== null && typeof m.linkValidators === 'function' && typeof m.coreValidators === 'function' && typeof m.fhirValidators === 'object';
}

/** True when a loaded module has the shape of a profile module. */
export function isProfileModule(mod: unknown): mod is ProfileModule {
  const m = mod as Partial<ProfileModule> | undefined;
  return typeof m === 'object' && m !== null && typeof m.link === 'function' && typeof m.fhirValidators === 'object';
}

/** The linker, as written at the end of every core module (`fhirValidators` is that module's table). */
export const LINK_RUNTIME = `/** This module's validators, linked with a profile module's (\`profiles\`, optional): key -> validate function. */
export function linkValidators(core, profiles) {
  const defs = core.coreValidators();
  const own = profiles ? profiles.link(defs) : {};
  const claimable = new Map();
  if (profiles) for (const [key, name] of Object.entries(profiles.fhirValidators)) if (key.includes("/")) claimable.set(key, own[name]);
  defs[fhirValidators.Resource].${CLAIMABLE_PROFILES} = claimable;
  const validators = {};
  for (const [key, name] of Object.entries(fhirValidators)) validators[key] = defs[name];
  if (profiles) for (const [key, name] of Object.entries(profiles.fhirValidators)) validators[key] = own[name];
  return validators;
}
`;
