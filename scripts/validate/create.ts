/**
 * Assembling a Validator from definitions already in memory: the package's own resources (profiles with
 * snapshots, value sets, code systems), the dependency definitions beneath them, published expansions,
 * and either structure validators already made (a build's emitted modules) or the modules compiled here:
 * the core module (every base type) and a profile module linked to it, each from the module cache when it
 * holds them (scripts/compile/modules.ts). No network; the disk only through the cache handed in. The
 * loaders (scripts/commands/) read the definitions.
 */
import type { StageContext } from '../context.js';
import type { CompiledValidators } from '../compile/modules.js';
import type { ModuleCache } from '../compile/module-cache.js';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { SourceMap } from '../diagnostics/source-map.js';
import { isStructureDefinition, type Resource } from '../model/fhir.js';
import { LayeredResolver, ResourceIndex, type DefinitionSource } from '../resolve/resolver.js';
import { SnapshotGenerator } from '../snapshot/generate.js';
import type { PayloadLimits } from './json-payload.js';
import type { RuleOverrides } from './policy.js';
import type { PrecompiledInvariants } from '../compile/fhirpath/index.js';
import { createSemanticContext } from './semantic-context.js';
import type { ValidatorTable } from './structure.js';
import type { ExpansionLookup } from '../terminology/value-set-expansion.js';
import { Validator } from './validator.js';
import type { PrecompiledWalk } from './walk-module.js';

export interface ValidatorDefinitions {
  /** The resources validated against first (a package's or project's own profiles, value sets, code systems). */
  resources: readonly Resource[];
  /** Definitions beneath them (hl7.fhir.r3.core and other dependencies). */
  dependencies: readonly DefinitionSource[];
  /** Canonical base of the package: unresolvable URLs under it are errors, elsewhere warnings. */
  canonical?: string;
  /** Published expansions (hl7.fhir.r3.expansions). */
  expansions?: ExpansionLookup;
  /** Structure validators already made (a build's emitted modules); compiled from the profiles when absent. */
  structure?: ValidatorTable;
  /** Where compiled modules are kept (default: this process's memory). */
  cache?: ModuleCache;
  /** A line before a long step (compiling). */
  progress?: (message: string) => void;
  limits?: Partial<PayloadLimits>;
  /** Severity overrides by rule id (policy.ts) for every validation. */
  rules?: RuleOverrides;
  /** Invariants compiled ahead of time (a build's INVARIANT_MODULE_FILE); the others are compiled when first met. */
  invariants?: PrecompiledInvariants;
  /**
   * The validator's default for ValidateOptions.compiledWalk (default false: the walk interpreted); with
   * `walk`, the semantic walk generated ahead of time (a build's WALK_MODULE_FILE), the rest generated as
   * payloads are walked.
   */
  compiledWalk?: boolean;
  walk?: PrecompiledWalk;
}

export interface CreatedValidator {
  validator: Validator;
  diagnostics: Diagnostics;
  /** How the structure validators were had (absent when they were handed in): the modules, their keys and cache outcomes. */
  compiled?: Omit<CompiledValidators, 'table'>;
}

/** A validator over the given definitions; profiles without a snapshot get one generated. */
export async function createValidator(input: ValidatorDefinitions): Promise<CreatedValidator> {
  const diagnostics = new Diagnostics();
  const own = new ResourceIndex(input.resources);
  const ctx: StageContext = { resolver: new LayeredResolver([own, ...input.dependencies], input.canonical ?? ''), diagnostics, sources: new SourceMap() };
  const generator = new SnapshotGenerator(ctx);
  const semantic = createSemanticContext({
    profiles: (ref) => generator.resolve(ref),
    resolver: ctx.resolver,
    expansions: input.expansions,
    invariants: input.invariants,
    options: input.compiledWalk ? { compiledWalk: true } : undefined,
  });
  if (input.structure) return { validator: withWalk(new Validator({ structure: input.structure, semantic, limits: input.limits, rules: input.rules }), input.walk, diagnostics), diagnostics };
  const profiles = input.resources.filter(isStructureDefinition).map((sd) => generator.resolve(sd.url) ?? sd);
  // The compiler (ajv) is loaded only when something is to be compiled: not on a built project's start-up.
  const { compileProfiles } = await import('../compile/modules.js');
  const { table, ...compiled } = await compileProfiles(profiles, ctx, semantic.expander, { cache: input.cache, progress: input.progress });
  for (const problem of compiled.problems) diagnostics.warning('validate.cache', problem);
  return { validator: withWalk(new Validator({ structure: table, semantic, limits: input.limits, rules: input.rules }), input.walk, diagnostics), diagnostics, compiled };
}

/** The validator with the build's walk module linked, or a warning saying why it is not (the walk is then generated as it goes). */
function withWalk(validator: Validator, walk: PrecompiledWalk | undefined, diagnostics: Diagnostics): Validator {
  const problem = walk && validator.attachWalk(walk);
  if (problem) diagnostics.warning('validate.walk-stale', `the generated walk of the build does not fit its definitions (${problem}): it is generated as payloads are walked instead; rebuild`);
  return validator;
}
