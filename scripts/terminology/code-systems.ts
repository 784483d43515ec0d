/**
 * The CodeSystems held by a set of definitions, indexed for code lookups: every concept at any depth by
 * code, with its display and designations. A code system whose `caseSensitive` is false, or not stated
 * (STU3: then accept codes in any case), also answers codes in another case. Built once per system URL.
 */
import type { CodeSystem, CodeSystemConcept } from '../model/fhir.js';
import { stripVersion, type DefinitionResolver } from '../resolve/resolver.js';

export interface HeldConcept {
  readonly code: string;
  /** The concept's display and its designations' values, as written. */
  readonly displays: readonly string[];
}

export interface HeldCodeSystem {
  readonly url: string;
  readonly version: string | undefined;
  readonly content: CodeSystem['content'];
  /** The concept for a code: exact, else (when the system is not case-sensitive) in any case. */
  concept(code: string): HeldConcept | undefined;
}

export class CodeSystemIndex {
  private readonly systems = new Map<string, HeldCodeSystem | null>();

  constructor(private readonly resolver: DefinitionResolver) {}

  /** The code system a Coding's `system` names, undefined when none is held. */
  get(system: string): HeldCodeSystem | undefined {
    const url = stripVersion(system);
    let held = this.systems.get(url);
    if (held === undefined) {
      const cs = this.resolver.codeSystem(url);
      held = cs ? indexed(url, cs) : null;
      this.systems.set(url, held);
    }
    return held ?? undefined;
  }
}

/**
 * Code systems defined outside FHIR whose codes compare ignoring case, by their own specifications: BCP 47
 * language tags (RFC 5646 section 2.1.1) and BCP 13 media types (RFC 6838 section 4.2).
 */
const CASE_INSENSITIVE_EXTERNAL: ReadonlySet<string> = new Set(['urn:ietf:bcp:47', 'urn:ietf:bcp:13']);

/**
 * Whether codes of a system compare ignoring case: a held CodeSystem's `caseSensitive` (not true: any
 * case, as its index answers), else what the external system's own specification says.
 */
export function comparesCodesIgnoringCase(system: string, resolver: DefinitionResolver): boolean {
  const cs = resolver.codeSystem(stripVersion(system));
  return cs ? ignoresCase(cs) : CASE_INSENSITIVE_EXTERNAL.has(system);
}

/** A held CodeSystem compares codes ignoring case unless it says `caseSensitive: true` (STU3 states no default; not stated, any case is accepted). */
const ignoresCase = (cs: CodeSystem): boolean => cs.caseSensitive !== true;

function indexed(url: string, cs: CodeSystem): HeldCodeSystem {
  const exact = new Map<string, HeldConcept>();
  const folded = new Map<string, HeldConcept>();
  const walk = (list: readonly CodeSystemConcept[]) => {
    for (const c of list) {
      if (typeof c.code !== 'string') continue;
      const concept: HeldConcept = { code: c.code, displays: [c.display, ...(c.designation ?? []).map((d) => d.value)].filter((d): d is string => typeof d === 'string') };
      if (!exact.has(c.code)) exact.set(c.code, concept);
      const lower = c.code.toLowerCase();
      if (!folded.has(lower)) folded.set(lower, concept);
      if (c.concept) walk(c.concept);
    }
  };
  walk(cs.concept ?? []);
  const anyCase = ignoresCase(cs);
  return {
    url,
    version: typeof cs.version === 'string' ? cs.version : undefined,
    content: cs.content,
    concept: (code) => exact.get(code) ?? (anyCase ? folded.get(code.toLowerCase()) : undefined),
  };
}
