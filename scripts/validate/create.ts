/**
 * Assembling a Validator from definitions already in memory: the package's own resources (profiles with
 * snapshots, value sets, code systems), the dependency definitions beneath them, published expansions,
 * and either the emitted structure validators or the same standalone module generated here and imported
 * from memory (one compiled form of the validators everywhere). No disk, no network: the loaders
 * (scripts/commands/load-validator.ts for a built project, a consumer's own package loading) hand in what they read.
 */
import type { StageContext } from '../context.js';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { SourceMap } from '../diagnostics/source-map.js';
import { buildValidatorSchemas, standaloneModule, structureFromSource, type ValidatorSchemas } from '../compile/compile.js';
import { isStructureDefinition, type Resource } from '../model/fhir.js';
import { LayeredResolver, ResourceIndex, type DefinitionSource } from '../resolve/resolver.js';
import { SnapshotGenerator } from '../snapshot/generate.js';
import type { PayloadLimits } from './json-payload.js';
import type { RuleOverrides } from './policy.js';
import { createSemanticContext } from './semantic-context.js';
import type { ValidatorTable } from './structure.js';
import type { ExpansionLookup } from '../terminology/value-set-expansion.js';
import { Validator } from './validator.js';

export interface ValidatorDefinitions {
  /** The resources validated against first (a package's or project's own profiles, value sets, code systems). */
  resources: readonly Resource[];
  /** Definitions beneath them (hl7.fhir.r3.core and other dependencies). */
  dependencies: readonly DefinitionSource[];
  /** Canonical base of the package: unresolvable URLs under it are errors, elsewhere warnings. */
  canonical?: string;
  /** Published expansions (hl7.fhir.r3.expansions). */
  expansions?: ExpansionLookup;
  /** Emitted structure validators; generated from the profiles (the module the build would emit) when absent. */
  structure?: ValidatorTable;
  limits?: Partial<PayloadLimits>;
  /** Severity overrides by rule id (policy.ts) for every validation. */
  rules?: RuleOverrides;
}

/** A validator over the given definitions; profiles without a snapshot get one generated. */
export async function createValidator(input: ValidatorDefinitions): Promise<{ validator: Validator; diagnostics: Diagnostics }> {
  const diagnostics = new Diagnostics();
  const own = new ResourceIndex(input.resources);
  const ctx: StageContext = { resolver: new LayeredResolver([own, ...input.dependencies], input.canonical ?? ''), diagnostics, sources: new SourceMap() };
  const generator = new SnapshotGenerator(ctx);
  const profiles = input.resources.filter(isStructureDefinition).map((sd) => generator.resolve(sd.url) ?? sd);
  const semantic = createSemanticContext({ profiles: (ref) => generator.resolve(ref), resolver: ctx.resolver, expansions: input.expansions });
  const structure = input.structure ?? (await compiledStructure(buildValidatorSchemas(profiles, ctx, semantic.expander)));
  return { validator: new Validator({ structure, semantic, limits: input.limits, rules: input.rules }), diagnostics };
}

/** The standalone module of these schemas, imported from memory: the code a build would emit, run as it would be. */
function compiledStructure(schemas: ValidatorSchemas): Promise<ValidatorTable> {
  const { source, exports } = standaloneModule(schemas);
  return structureFromSource(source, exports);
}
