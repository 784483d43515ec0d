/**
 * Value set membership for binding checks. A project ValueSet expands from its compose (concept lists,
 * whole code systems from the project or its dependencies, imported value sets, excludes); anything else
 * (or a compose this cannot expand, e.g. with filters) uses the expansion published in
 * hl7.fhir.r3.expansions. A value set that cannot be expanded is reported as such, never as a bad code.
 * Expansions are cached per URL.
 */
import type { CodeSystemConcept, ValueSet, ValueSetExpansionContains, ValueSetInclude } from '../model/fhir.js';
import { stripVersion, type DefinitionResolver } from '../resolve/resolver.js';
import { comparesCodesIgnoringCase } from './code-systems.js';

/** An expanded value set: `system|code` pairs, and codes alone (for `code`-typed elements, which carry no system). */
export interface Expansion {
  readonly url: string;
  readonly members: ReadonlySet<string>;
  readonly codes: ReadonlySet<string>;
  /**
   * The members (`system|code`) of code systems that compare codes ignoring case (comparesCodesIgnoringCase),
   * keyed with their code in lower case (`system|code`, and the code alone); undefined when there are none.
   */
  readonly anyCase?: { readonly members: ReadonlyMap<string, string>; readonly codes: ReadonlyMap<string, string> };
}

export type ExpansionResult = { expansion: Expansion } | { unavailable: string };

/** Finds the published expansion of a value set (hl7.fhir.r3.expansions). */
export type ExpansionLookup = (url: string) => ValueSet | undefined;

export class ValueSetExpander {
  private readonly cache = new Map<string, ExpansionResult>();

  constructor(
    private readonly resolver: DefinitionResolver,
    private readonly published: ExpansionLookup,
  ) {}

  expand(url: string): ExpansionResult {
    const key = stripVersion(url);
    let result = this.cache.get(key);
    if (!result) {
      // Guard against import cycles: a value set importing itself is unavailable while it expands.
      this.cache.set(key, { unavailable: `value set ${key} imports itself` });
      result = this.build(key);
      this.cache.set(key, result);
    }
    return result;
  }

  /**
   * Expands a value set given as a resource rather than by URL (one contained in a profile, `#vs1`), cached
   * under `key` (the container's URL and the fragment): its compose first, else its own expansion.
   */
  expandValueSet(vs: ValueSet, key: string): ExpansionResult {
    let result = this.cache.get(key);
    if (!result) {
      this.cache.set(key, { unavailable: `value set ${key} imports itself` });
      result = this.fromResource(key, vs, true);
      this.cache.set(key, result);
    }
    return result;
  }

  private build(url: string): ExpansionResult {
    return this.fromResource(url, this.resolver.valueSet(url), this.resolver.origin(url) === 'project');
  }

  /** `own`: the value set is the project's (or contained in one of its profiles): its compose is read before any published expansion. */
  private fromResource(url: string, vs: ValueSet | undefined, own: boolean): ExpansionResult {
    const fromCompose = vs?.compose && own ? this.fromCompose(vs) : undefined;
    if (fromCompose && 'expansion' in fromCompose) return fromCompose;
    const expanded = this.published(url) ?? (vs?.expansion ? vs : undefined);
    if (expanded?.expansion) {
      const members = new Set<string>();
      const codes = new Set<string>();
      const walk = (list: ValueSetExpansionContains[] | undefined) => {
        for (const c of list ?? []) {
          if (c.code !== undefined && !c.abstract) {
            members.add(`${c.system ?? ''}|${c.code}`);
            codes.add(c.code);
          }
          walk(c.contains);
        }
      };
      walk(expanded.expansion.contains);
      return { expansion: this.expansion(url, members, codes) };
    }
    if (vs?.compose) return this.fromCompose(vs);
    return { unavailable: vs ? `value set ${url} has neither a compose nor a published expansion` : `value set ${url} not found` };
  }

  private fromCompose(vs: ValueSet): ExpansionResult {
    const members = new Set<string>();
    const codes = new Set<string>();
    for (const include of vs.compose?.include ?? []) {
      const part = this.include(include);
      if ('unavailable' in part) return part;
      for (const m of part) members.add(m);
    }
    for (const exclude of vs.compose?.exclude ?? []) {
      const part = this.include(exclude);
      if ('unavailable' in part) return part;
      for (const m of part) members.delete(m);
    }
    for (const m of members) codes.add(m.slice(m.indexOf('|') + 1));
    return { expansion: this.expansion(vs.url ?? '', members, codes) };
  }

  /** An expansion with its members of code systems that ignore case also keyed in lower case. */
  private expansion(url: string, members: Set<string>, codes: Set<string>): Expansion {
    const anyCase = { members: new Map<string, string>(), codes: new Map<string, string>() };
    const ignoresCase = new Map<string, boolean>();
    for (const member of members) {
      const bar = member.indexOf('|');
      const system = member.slice(0, bar);
      let ignores = ignoresCase.get(system);
      if (ignores === undefined) ignoresCase.set(system, (ignores = system !== '' && comparesCodesIgnoringCase(system, this.resolver)));
      if (!ignores) continue;
      const lower = member.slice(bar + 1).toLowerCase();
      if (!anyCase.members.has(`${system}|${lower}`)) anyCase.members.set(`${system}|${lower}`, member);
      if (!anyCase.codes.has(lower)) anyCase.codes.set(lower, member);
    }
    return anyCase.members.size > 0 ? { url, members, codes, anyCase } : { url, members, codes };
  }

  /** The `system|code` members one include (or exclude) names. */
  private include(include: ValueSetInclude): Set<string> | { unavailable: string } {
    if (include.filter?.length) return { unavailable: `compose of ${include.system ?? 'a value set'} uses filters` };
    let members: Set<string> | undefined;
    if (include.system !== undefined) {
      const system = include.system;
      if (include.concept?.length) members = new Set(include.concept.map((c) => `${system}|${c.code}`));
      else {
        const cs = this.resolver.codeSystem(system);
        if (!cs?.concept || (cs.content !== undefined && cs.content !== 'complete')) return { unavailable: `code system ${system} is not available in full` };
        members = new Set();
        const walk = (list: CodeSystemConcept[]) => {
          for (const c of list) {
            members?.add(`${system}|${c.code}`);
            if (c.concept) walk(c.concept);
          }
        };
        walk(cs.concept);
      }
    }
    for (const imported of include.valueSet ?? []) {
      const sub = this.expand(imported);
      if ('unavailable' in sub) return sub;
      members = members ? new Set([...members].filter((m) => sub.expansion.members.has(m))) : new Set(sub.expansion.members);
    }
    return members ?? new Set();
  }
}
