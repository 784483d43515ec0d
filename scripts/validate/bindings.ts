/**
 * Binding checks of the semantic layer: a coded value (code, Coding, CodeableConcept, or a string/uri)
 * against the value set its element binds. `required`: outside the expansion is an error (for a
 * CodeableConcept, one coding in the set is enough); `extensible`/`preferred`: a warning; `example`:
 * nothing. A value set that cannot be expanded gives one information issue, never an error. A binding to
 * `#id` names a value set contained in the profile that holds the element.
 *
 * Where the structure validators already checked the element (`compiled`: the walk is on the elements the
 * compiled schema covers), the required bindings they carry (scripts/terminology/binding-rules.ts) are
 * not checked again.
 */
import { isValueSet, type Coding, type ElementDefinitionBinding, type StructureDefinition } from '../model/fhir.js';
import { bindingUrl, boundKind, codingsOf, compiledBinding, inExpansion, inExpansionAnyCase, notInValueSet } from '../terminology/binding-rules.js';
import type { ExpansionResult, ValueSetExpander } from '../terminology/value-set-expansion.js';
import { NO_ISSUES, type ValidationIssue } from './issues.js';
import { ruleIssue, type RuleId } from './policy.js';

const STRENGTH_RULES: Readonly<Record<string, RuleId>> = { required: 'binding-required', extensible: 'binding-extensible', preferred: 'binding-preferred' };

export interface BindingCheck {
  /** The structure validators checked this element's required binding already. */
  compiled?: boolean;
  /** The StructureDefinition holding the element: where a `#id` value set is contained. */
  profile?: StructureDefinition;
}

export function checkBinding(binding: ElementDefinitionBinding, type: string | undefined, value: unknown, location: string, expander: ValueSetExpander, options: BindingCheck = {}): ValidationIssue[] {
  return prepareBinding(binding, type, expander, options)?.(value, location) ?? [];
}

/** A binding check prepared for one element and type: the issues of one value at one location. */
export type PreparedBinding = (value: unknown, location: string) => ValidationIssue[];


/**
 * The checks of one binding on one type, with what does not depend on the value decided once: undefined
 * when no value can fail it (an example binding, a type that carries no code, no value set, or a required
 * binding the structure validators carry). The expansion is made when first needed and kept.
 */
export function prepareBinding(binding: ElementDefinitionBinding, type: string | undefined, expander: ValueSetExpander, options: BindingCheck = {}): PreparedBinding | undefined {
  if (binding.strength === 'example') return undefined;
  const url = bindingUrl(binding);
  const kind = boundKind(type);
  if (!url || !kind) return undefined;
  if (options.compiled && compiledBinding(binding, type, expander)) return undefined;
  const strength = binding.strength ?? 'required';
  const rule = Object.hasOwn(STRENGTH_RULES, strength) ? STRENGTH_RULES[strength] : 'binding-required';
  let result: ExpansionResult | undefined;
  return (value, location) => {
    const codings = codingsOf(kind, value);
    // A CodeableConcept with text only, or a Coding without a code, says nothing to check.
    if (codings.length === 0) return NO_ISSUES;
    result ??= expandBound(url, options.profile, expander);
    if ('unavailable' in result) return [ruleIssue('binding-unavailable', location, `binding to ${url} not checked: ${result.unavailable}`)];
    const expansion = result.expansion;
    if (codings.some((c) => inExpansion(c, expansion))) return NO_ISSUES;
    for (const coding of codings) {
      const defined = inExpansionAnyCase(coding, expansion);
      if (defined !== undefined) return [caseDifference(coding, defined, url, location)];
    }
    return [ruleIssue(rule, location, notInValueSet(codings, url, strength))];
  };
}

/** A code in the value set only ignoring case, in a code system that compares codes so: in it, with a note. */
function caseDifference(coding: Coding, member: string, url: string, location: string): ValidationIssue {
  const bar = member.indexOf('|');
  return ruleIssue('code-case-difference', location, `code '${String(coding.code)}' is in the value set ${url} as '${member.slice(bar + 1)}': ${member.slice(0, bar)} compares codes ignoring case`);
}

/** The expansion of a bound value set: by canonical URL, or (`#id`) contained in the profile. */
export function expandBound(url: string, profile: StructureDefinition | undefined, expander: ValueSetExpander): ExpansionResult {
  if (!url.startsWith('#')) return expander.expand(url);
  const id = url.slice(1);
  const contained = (profile?.contained ?? []).filter(isValueSet).find((vs) => vs.id === id);
  if (!contained) return { unavailable: `value set ${url} is not contained in ${profile?.url ?? 'the profile'}` };
  return expander.expandValueSet(contained, `${profile?.url ?? ''}${url}`);
}
