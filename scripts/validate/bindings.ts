/**
 * Binding checks of the semantic layer: a coded value (code, Coding, CodeableConcept, or a string/uri)
 * against the value set its element binds. `required`: outside the expansion is an error (for a
 * CodeableConcept, one coding in the set is enough); `extensible`/`preferred`: a warning; `example`:
 * nothing. A value set that cannot be expanded gives one information issue, never an error.
 *
 * Where the structure validators already checked the element (`compiled`: the walk is on the elements the
 * compiled schema covers), the required bindings they carry (scripts/terminology/binding-rules.ts) are
 * not checked again.
 */
import type { ElementDefinitionBinding } from '../model/fhir.js';
import { bindingUrl, boundKind, codingsOf, compiledBinding, inExpansion, notInValueSet } from '../terminology/binding-rules.js';
import type { ValueSetExpander } from '../terminology/value-set-expansion.js';
import type { ValidationIssue } from './issues.js';

export function checkBinding(
  binding: ElementDefinitionBinding,
  type: string | undefined,
  value: unknown,
  location: string,
  expander: ValueSetExpander,
  compiled = false,
): ValidationIssue[] {
  if (binding.strength === 'example') return [];
  const url = bindingUrl(binding);
  const kind = boundKind(type);
  if (!url || !kind) return [];
  const codings = codingsOf(kind, value);
  // A CodeableConcept with text only, or a Coding without a code, says nothing to check.
  if (codings.length === 0) return [];
  if (compiled && compiledBinding(binding, type, expander)) return [];
  const result = expander.expand(url);
  if ('unavailable' in result) return [{ severity: 'information', code: 'informational', diagnostics: `binding to ${url} not checked: ${result.unavailable}`, expression: location }];
  if (codings.some((c) => inExpansion(c, result.expansion))) return [];
  const strength = binding.strength ?? 'required';
  return [{ severity: strength === 'required' ? 'error' : 'warning', code: 'code-invalid', diagnostics: notInValueSet(codings, url, strength), expression: location }];
}
