/**
 * Which of the package's StructureDefinitions can carry the codes of a value set: those that bind it,
 * directly or through an extension or profile of the package that they use as a type. Drives the "used
 * by" lists of value set pages and the search's "profiles that can carry this code".
 */
import { isStructureDefinition, type Resource, type StructureDefinition } from '../model/fhir.js';
import { stripVersion } from '../resolve/resolver.js';

export class BindingUsage {
  private readonly byUrl = new Map<string, StructureDefinition>();
  private readonly direct = new Map<StructureDefinition, { valueSets: Set<string>; uses: Set<string> }>();
  private readonly users = new Map<string, StructureDefinition[]>();

  constructor(resources: readonly Resource[]) {
    const sds = resources.filter(isStructureDefinition);
    for (const sd of sds) this.byUrl.set(sd.url, sd);
    for (const sd of sds) this.direct.set(sd, this.collect(sd));
    for (const sd of sds) {
      for (const vs of this.reachable(sd)) this.users.set(vs, [...(this.users.get(vs) ?? []), sd]);
    }
  }

  /** The package's StructureDefinitions that can carry the value set's codes, in package order. */
  usersOf(valueSetUrl: string): readonly StructureDefinition[] {
    return this.users.get(stripVersion(valueSetUrl)) ?? [];
  }

  private collect(sd: StructureDefinition): { valueSets: Set<string>; uses: Set<string> } {
    const valueSets = new Set<string>();
    const uses = new Set<string>();
    for (const e of sd.snapshot?.element ?? sd.differential?.element ?? []) {
      const vs = e.binding?.valueSetReference?.reference ?? e.binding?.valueSetUri;
      if (vs) valueSets.add(stripVersion(vs));
      for (const t of e.type ?? []) if (t.profile && this.byUrl.has(stripVersion(t.profile))) uses.add(stripVersion(t.profile));
    }
    return { valueSets, uses };
  }

  /** Value sets bound by the definition or by the package definitions it uses, transitively (cycles cut). */
  private reachable(start: StructureDefinition): Set<string> {
    const out = new Set<string>();
    const seen = new Set<StructureDefinition>();
    const visit = (sd: StructureDefinition) => {
      if (seen.has(sd)) return;
      seen.add(sd);
      const d = this.direct.get(sd);
      for (const vs of d?.valueSets ?? []) out.add(vs);
      for (const url of d?.uses ?? []) {
        const used = this.byUrl.get(url);
        if (used) visit(used);
      }
    };
    visit(start);
    return out;
  }
}
