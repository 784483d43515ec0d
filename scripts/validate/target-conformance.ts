/**
 * Whether a resource conforms to a profile it does not claim (profiling.html: conformance is a property of
 * the instance; `meta.profile` only asserts it), asked of Reference targets (an element's `targetProfile`).
 * Profile discriminators ask the same of slice items (slice-navigation.ts). A resource conforms when a profile it
 * claims derives from the one asked for (its instances conform to every base), else when it has no error
 * against it: the structure validator compiled for that profile, when the validator has one, then a trial
 * walk of the semantic layer.
 */
import { claimedProfiles, type Resource, type StructureDefinition } from '../model/fhir.js';
import type { ValidationIssue } from './issues.js';
import { FHIR_TYPE_BASE } from '../resolve/element-model.js';
import type { BundleScope, TargetProfiles } from './references.js';
import type { SemanticContext } from './semantic-context.js';

/** What walks a resource against a profile on trial (the semantic walker). */
export interface TrialWalks {
  /** The first error of a resource walked against a profile, within a Bundle's scope. */
  trialError(resource: Resource, profile: StructureDefinition, bundle: BundleScope | undefined): ValidationIssue | undefined;
}

/**
 * Verdicts under way at once, past which a target is taken to conform without a walk: each is a walk
 * inside the walk of the target before it (a chain of references to profiled targets that claim nothing),
 * and the stack holds a few dozen, not thousands.
 */
export const MAX_NESTED_VERDICTS = 24;

/**
 * One payload's verdicts (its walk and its trial walks share them): target and profile, decided once. Also
 * what the reference checks ask of target profiles (TargetProfiles), as methods rather than closures made
 * per payload.
 */
export class TargetConformance implements TargetProfiles {
  /** Per resource and profile URL: why it does not conform, null when it does. */
  private readonly verdicts = new Map<Resource, Map<string, string | null>>();
  private pending = 0;
  /** A target was taken to conform because too many verdicts were under way (reported once by the walk, see takeCut). */
  private cut = false;

  constructor(
    private readonly ctx: SemanticContext,
    private readonly walks: TrialWalks,
  ) {}

  type(url: string): string | undefined {
    return this.ctx.profiles(url)?.type;
  }

  isA(type: string, base: string): boolean {
    return derivesFrom(this.ctx.profiles, type, FHIR_TYPE_BASE + base);
  }

  conformance(resource: Resource, url: string, bundle: BundleScope | undefined): string | undefined {
    return this.reason(resource, url, bundle);
  }

  /** Why `resource` does not conform to profile `url` (undefined: it does). */
  reason(resource: Resource, url: string, bundle: BundleScope | undefined): string | undefined {
    let byUrl = this.verdicts.get(resource);
    if (!byUrl) this.verdicts.set(resource, (byUrl = new Map()));
    const known = byUrl.get(url);
    if (known !== undefined) return known ?? undefined;
    // While its walk is under way, the target met again (references leading back to it) is taken to conform.
    // A verdict reached under that assumption is kept even if the assumption fails; the failing reference
    // is still reported where the main walk meets it, so the chain shows an error either way.
    if (this.pending >= MAX_NESTED_VERDICTS) {
      this.cut = true;
      return undefined;
    }
    byUrl.set(url, null);
    this.pending++;
    let verdict: string | undefined;
    try {
      verdict = this.decide(resource, url, bundle);
    } finally {
      this.pending--;
    }
    byUrl.set(url, verdict ?? null);
    return verdict;
  }

  /** Whether a target was taken to conform for want of depth since the last call. */
  takeCut(): boolean {
    const cut = this.cut;
    this.cut = false;
    return cut;
  }

  private decide(resource: Resource, url: string, bundle: BundleScope | undefined): string | undefined {
    if (claimedProfiles(resource).some((claimed) => derivesFrom(this.ctx.profiles, claimed, url))) return undefined;
    const sd = this.ctx.profiles(url);
    if (!sd) return `profile ${url} does not resolve`;
    const error = this.ctx.structureError?.(resource, sd) ?? this.walks.trialError(resource, sd, bundle);
    return error ? `it does not conform to ${url} (${error.expression ? `${error.expression}: ` : ''}${error.diagnostics})` : undefined;
  }
}

/** Whether the definition `ref` names (a canonical URL or a type name) is the one at URL `base` or derives from it (its baseDefinition chain). */
export function derivesFrom(profiles: SemanticContext['profiles'], ref: string, base: string): boolean {
  const seen = new Set<string>();
  for (let sd = profiles(ref); sd && !seen.has(sd.url); sd = sd.baseDefinition ? profiles(sd.baseDefinition) : undefined) {
    if (sd.url === base) return true;
    seen.add(sd.url);
  }
  return false;
}
