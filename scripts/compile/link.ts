/**
 * Linking a core module with a profile module (compile.ts) into one table of validators: profile URL or
 * base resource type name (and `Resource`, "some resource" by what it claims) -> validate function.
 *
 * The linker is JavaScript written into the core module itself (`LINK_RUNTIME`), so the emitted modules
 * link the same way without the toolchain (`generated/validators/index.mjs`) as inside it (`linkModules`).
 *
 * The core's "some resource" dispatch checks a resource against the profiles it claims; which profiles
 * exist is known only here. Each validator of the table sets them on the dispatcher for the length of
 * its call and restores what was there (calls are synchronous, so nesting and several tables over one
 * core module stay apart); the generated code reads them from there (keywords.ts, CLAIMABLE_PROFILES).
 */
import type { ErrorObject } from 'ajv';
import { CLAIMABLE_PROFILES } from './keywords.js';

/** A compiled validator, as ajv's standalone code gives it. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Profile URL or base resource type name -> validator. */
export type ValidatorTable = Readonly<Record<string, CompiledValidator>>;

/** What a core module exports besides its validate functions. */
export interface CoreModule {
  /** Validator key -> export name. */
  readonly fhirValidators: Readonly<Record<string, string>>;
  readonly linkValidators: (core: CoreModule, profiles?: ProfileModule) => ValidatorTable;
  readonly [exportName: string]: unknown;
}

/** What a profile module exports. */
export interface ProfileModule {
  readonly fhirValidators: Readonly<Record<string, string>>;
  readonly link: (core: CoreModule) => Readonly<Record<string, CompiledValidator>>;
}

/** The validators of a core module linked with a profile module (none: the base types only). */
export function linkModules(core: CoreModule, profiles?: ProfileModule): ValidatorTable {
  return core.linkValidators(core, profiles);
}

/** True when an imported module has the shape of a core module. */
export function isCoreModule(mod: unknown): mod is CoreModule {
  const m = mod as Partial<CoreModule> | undefined;
  return typeof m === 'object' && m !== null && typeof m.linkValidators === 'function' && typeof m.fhirValidators === 'object';
}

/** True when an imported module has the shape of a profile module. */
export function isProfileModule(mod: unknown): mod is ProfileModule {
  const m = mod as Partial<ProfileModule> | undefined;
  return typeof m === 'object' && m !== null && typeof m.link === 'function' && typeof m.fhirValidators === 'object';
}

/** The linker, as written at the end of every core module (`fhirValidators` is that module's table). */
export const LINK_RUNTIME = `
/** This module's validators, linked with a profile module's (\`profiles\`, optional): key -> validate function. */
export function linkValidators(core, profiles) {
  const own = profiles ? profiles.link(core) : {};
  const claimable = new Map();
  if (profiles) for (const [key, name] of Object.entries(profiles.fhirValidators)) if (key.includes("/")) claimable.set(key, own[name]);
  const dispatcher = core[fhirValidators.Resource];
  const bind = (validate) => {
    const bound = (data) => {
      const saved = dispatcher.${CLAIMABLE_PROFILES};
      dispatcher.${CLAIMABLE_PROFILES} = claimable;
      try {
        const valid = validate(data);
        bound.errors = validate.errors;
        return valid;
      } finally {
        dispatcher.${CLAIMABLE_PROFILES} = saved;
      }
    };
    bound.errors = null;
    return bound;
  };
  const validators = {};
  for (const [key, name] of Object.entries(fhirValidators)) validators[key] = bind(core[name]);
  if (profiles) for (const [key, name] of Object.entries(profiles.fhirValidators)) validators[key] = bind(own[name]);
  return validators;
}
`;
