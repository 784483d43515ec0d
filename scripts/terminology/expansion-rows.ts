/**
 * A value set's expansion as rows to show (system, code, display), from the same ValueSetExpander the
 * validators use, so a page lists exactly the codes a binding check accepts. Displays come from the
 * value set's own compose, then the code system, then the published expansion.
 */
import type { CodeSystemConcept, ValueSet, ValueSetExpansionContains } from '../model/fhir.js';
import type { DefinitionResolver } from '../resolve/resolver.js';
import type { ExpansionLookup, ValueSetExpander } from './value-set-expansion.js';

export interface ExpansionRow {
  system?: string;
  code: string;
  display?: string;
}

export type ExpansionRows = { rows: ExpansionRow[] } | { unavailable: string };

export class ExpansionDisplays {
  private readonly bySystem = new Map<string, Map<string, string>>();

  constructor(
    private readonly expander: ValueSetExpander,
    private readonly resolver: DefinitionResolver,
    private readonly published: ExpansionLookup,
  ) {}

  rows(url: string): ExpansionRows {
    const result = this.expander.expand(url);
    if ('unavailable' in result) return result;
    const own = this.composeDisplays(this.resolver.valueSet(url));
    const fromPublished = this.expansionDisplays(this.published(url) ?? this.resolver.valueSet(url));
    const rows: ExpansionRow[] = [];
    for (const member of result.expansion.members) {
      const bar = member.indexOf('|');
      const system = member.slice(0, bar);
      const code = member.slice(bar + 1);
      const display = own.get(member) ?? this.systemDisplay(system, code) ?? fromPublished.get(member);
      rows.push({ ...(system ? { system } : {}), code, ...(display !== undefined ? { display } : {}) });
    }
    return { rows };
  }

  private composeDisplays(vs: ValueSet | undefined): Map<string, string> {
    const out = new Map<string, string>();
    for (const include of vs?.compose?.include ?? []) {
      for (const c of include.concept ?? []) if (c.display !== undefined) out.set(`${include.system ?? ''}|${c.code}`, c.display);
    }
    return out;
  }

  private expansionDisplays(vs: ValueSet | undefined): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (list: ValueSetExpansionContains[] | undefined) => {
      for (const c of list ?? []) {
        if (c.code !== undefined && c.display !== undefined) out.set(`${c.system ?? ''}|${c.code}`, c.display);
        walk(c.contains);
      }
    };
    walk(vs?.expansion?.contains);
    return out;
  }

  private systemDisplay(system: string, code: string): string | undefined {
    let displays = this.bySystem.get(system);
    if (!displays) {
      displays = new Map();
      const walk = (list: CodeSystemConcept[] | undefined) => {
        for (const c of list ?? []) {
          if (c.display !== undefined && !displays?.has(c.code)) displays?.set(c.code, c.display);
          walk(c.concept);
        }
      };
      walk(system ? this.resolver.codeSystem(system)?.concept : undefined);
      this.bySystem.set(system, displays);
    }
    return displays.get(code);
  }
}
