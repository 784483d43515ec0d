/**
 * What semantic validation needs: profiles with snapshots (SnapshotGenerator.resolve), the definition
 * resolver (value sets, code systems, the project's canonical base), published expansions, the element
 * model, options, and the caches shared across calls (expansions, compiled invariants).
 */
import type { PrecompiledInvariants } from '../compile/fhirpath/index.js';
import { isValueSet, type Resource, type StructureDefinition } from '../model/fhir.js';
import { ElementModel } from '../resolve/element-model.js';
import type { DefinitionResolver } from '../resolve/resolver.js';
import { BoundedMemo } from '../util/bounded-memo.js';
import { InvariantEngine, invariantModel } from './invariants.js';
import type { ValidationIssue } from './issues.js';
import { CodeSystemIndex } from '../terminology/code-systems.js';
import { ValueSetExpander, type ExpansionLookup } from '../terminology/value-set-expansion.js';

export interface SemanticOptions {
  /** Evaluate FHIRPath invariants (constraint expressions); default true. */
  invariants: boolean;
  /**
   * Evaluate invariants compiled to JavaScript where they compile (default true); false: fhirpath.js only,
   * the reference the compiled ones are compared with (tests, bench).
   */
  compiledInvariants: boolean;
  /** Walk as generated code where there is some (see ValidateOptions.compiledWalk); default false. */
  compiledWalk: boolean;
  /**
   * How many times a plan is interpreted before its code is generated (default HOT_VISITS, 16: code for
   * what payloads walk often, not for what one payload meets once); 1: at its first walk.
   */
  generateAfter: number;
  /** Check narrative XHTML (`Narrative.div`: allowed elements and attributes, no script, some content); default true. */
  narrative: boolean;
}

export interface SemanticContext {
  /** A StructureDefinition with its snapshot, by canonical URL or base type name. */
  readonly profiles: (ref: string) => StructureDefinition | undefined;
  readonly resolver: DefinitionResolver;
  readonly model: ElementModel;
  readonly expander: ValueSetExpander;
  /** The CodeSystems held, for codes and displays wherever a Coding appears. */
  readonly codes: CodeSystemIndex;
  readonly invariants: InvariantEngine;
  readonly options: SemanticOptions;
  /**
   * True when the structure validators ran a compiled schema of this profile (or base type) on the
   * resource walked against it: the required bindings that schema carries are then not checked again.
   * Absent: the semantic layer checks every binding.
   */
  readonly compiledProfile?: (profile: StructureDefinition) => boolean;
  /**
   * The first error of the structure validator compiled for a profile (or base type) on a resource, undefined
   * when it has none or no validator is compiled for it. Conformance to a profile a resource does not claim
   * (target-conformance.ts) asks it before a trial walk; absent, the trial walk alone decides.
   */
  readonly structureError?: (resource: Resource, profile: StructureDefinition) => ValidationIssue | undefined;
}

/** Interpreted walks of a plan after which its code is generated (SemanticOptions.generateAfter). */
export const HOT_VISITS = 16;

export interface SemanticContextInput {
  profiles: (ref: string) => StructureDefinition | undefined;
  resolver: DefinitionResolver;
  /** Published expansions (hl7.fhir.r3.expansions); none by default. */
  expansions?: ExpansionLookup;
  options?: Partial<SemanticOptions>;
  /** Invariants compiled ahead of time (a build's emitted module). */
  invariants?: PrecompiledInvariants;
}

export function createSemanticContext(input: SemanticContextInput): SemanticContext {
  // Definitions do not change under a validator: references are memoised (absent ones too), in a bounded
  // memo since payloads choose them (meta.profile, extension URLs).
  const resolved = new BoundedMemo<StructureDefinition>();
  const profiles = (ref: string) => resolved.get(ref, () => input.profiles(ref));
  const model = new ElementModel((type) => input.resolver.structureDefinition(type));
  return {
    profiles,
    resolver: input.resolver,
    model,
    expander: new ValueSetExpander(input.resolver, input.expansions ?? (() => undefined)),
    codes: new CodeSystemIndex(input.resolver),
    // The compiler's model is built when the first invariant is met, not with the validator.
    invariants: new InvariantEngine(() => invariantModel(model, input.resolver), input.invariants),
    options: {
      invariants: input.options?.invariants ?? true,
      narrative: input.options?.narrative ?? true,
      compiledInvariants: input.options?.compiledInvariants ?? true,
      compiledWalk: input.options?.compiledWalk ?? false,
      generateAfter: Math.max(1, input.options?.generateAfter ?? HOT_VISITS),
    },
  };
}

/** The same context with other options (sharing its caches). */
export function withOptions(ctx: SemanticContext, options: Partial<SemanticOptions>): SemanticContext {
  return { ...ctx, options: { ...ctx.options, ...options } };
}

/** The package that holds STU3's published ValueSet expansions. */
export const EXPANSIONS_PACKAGE = 'hl7.fhir.r3.expansions#3.0.2';

/** Published expansions from loaded packages that include hl7.fhir.r3.expansions. */
export function expansionsFrom(packages: { byUrlInPackage(url: string, packageLabel: string, resourceType?: string): Resource | undefined }): ExpansionLookup {
  return (url) => {
    const vs = packages.byUrlInPackage(url, EXPANSIONS_PACKAGE, 'ValueSet');
    return vs && isValueSet(vs) ? vs : undefined;
  };
}
