/**
 * Terminology checks, one entry per rule: value set codes against their code systems, and language
 * displays against ISO 639-2.
 */
import type { StageContext } from '../context.js';
import { isCodeSystem, isValueSet, type CodeSystem, type CodeSystemConcept, type Resource } from '../model/fhir.js';
import type { LanguageNames } from './language-names.js';

export interface TerminologyInput {
  resources: Resource[];
  /** Code systems whose codes are ISO 639 language codes and whose displays must be ISO 639-2 English names. */
  languageCodeSystems: string[];
  languages: LanguageNames;
  ctx: StageContext;
}

export interface TerminologyRule {
  code: string;
  check(input: TerminologyInput): void;
}

function conceptIndex(cs: CodeSystem): Map<string, CodeSystemConcept> {
  const index = new Map<string, CodeSystemConcept>();
  const walk = (concepts: CodeSystemConcept[] | undefined) => {
    for (const c of concepts ?? []) {
      index.set(c.code, c);
      walk(c.concept);
    }
  };
  walk(cs.concept);
  return index;
}

export const terminologyRules: TerminologyRule[] = [
  {
    code: 'terminology.valueset-code',
    check: ({ resources, ctx }) => {
      const indexes = new Map<string, Map<string, CodeSystemConcept> | undefined>();
      for (const vs of resources.filter(isValueSet)) {
        (vs.compose?.include ?? []).forEach((inc, i) => {
          if (!inc.system || !inc.concept) return;
          if (!indexes.has(inc.system)) {
            const cs = ctx.resolver.codeSystem(inc.system);
            indexes.set(inc.system, cs && cs.content === 'complete' ? conceptIndex(cs) : undefined);
          }
          const index = indexes.get(inc.system);
          if (!index) {
            if (ctx.resolver.isProjectUrl(inc.system)) ctx.diagnostics.rule('terminology.unknown-codesystem', `code system ${inc.system} is under the project's canonical but is not in the project`, { ...ctx.sources.at(vs, `ValueSet.compose.include[${i}].system`), resource: `ValueSet/${vs.id ?? ''}` });
            return;
          }
          inc.concept.forEach((c, j) => {
            const where = { ...ctx.sources.at(vs), ...ctx.sources.at(c), path: `ValueSet.compose.include[${i}].concept[${j}]`, resource: `ValueSet/${vs.id ?? ''}` };
            const defined = index.get(c.code);
            if (!defined) ctx.diagnostics.rule('terminology.unknown-code', `code '${c.code}' is not in code system ${inc.system}`, where);
            else if (c.display !== undefined && defined.display !== undefined && c.display !== defined.display) {
              ctx.diagnostics.rule('terminology.display-mismatch', `code '${c.code}' has display '${c.display}' but ${inc.system} says '${defined.display}'`, where);
            }
          });
        });
      }
    },
  },
  {
    code: 'terminology.iso639-display',
    check: ({ resources, languageCodeSystems, languages, ctx }) => {
      for (const cs of resources.filter(isCodeSystem)) {
        if (!cs.url || !languageCodeSystems.includes(cs.url)) continue;
        (cs.concept ?? []).forEach((c, i) => {
          const iso = languages.nameOf(c.code);
          const where = { ...ctx.sources.at(cs), ...ctx.sources.at(c), path: `CodeSystem.concept[${i}].display`, resource: `CodeSystem/${cs.id ?? ''}` };
          // Codes outside ISO 639 (local codes such as q1..q5) have nothing to be checked against.
          if (iso === undefined) ctx.diagnostics.rule('terminology.iso639-unknown-code', `language code '${c.code}' is not in ISO 639-2`, where);
          else if (c.display !== iso) ctx.diagnostics.rule('terminology.iso639-display', `language code '${c.code}' has display '${c.display ?? ''}' but ISO 639-2 names it '${iso}'`, where);
        });
      }
    },
  },
];

export function checkTerminology(input: TerminologyInput): void {
  for (const rule of terminologyRules) rule.check(input);
}
