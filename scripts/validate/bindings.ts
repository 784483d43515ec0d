/**
 * Binding checks: a coded value (code, Coding, CodeableConcept, or a string/uri) against the value set its
 * element binds. `required`: outside the expansion is an error (for a CodeableConcept, one coding in the set
 * is enough); `extensible`/`preferred`: a warning; `example`: nothing. A value set that cannot be expanded
 * gives one information issue, never an error.
 */
import type { Coding, ElementDefinitionBinding } from '../model/fhir.js';
import type { ValidationIssue } from './issues.js';
import type { ValueSetExpander } from './value-set-expansion.js';

export function bindingUrl(binding: ElementDefinitionBinding): string | undefined {
  return binding.valueSetUri ?? binding.valueSetReference?.reference;
}

const STRING_TYPES = new Set(['code', 'string', 'uri']);

export function checkBinding(binding: ElementDefinitionBinding, type: string | undefined, value: unknown, location: string, expander: ValueSetExpander): ValidationIssue[] {
  if (binding.strength === 'example') return [];
  const url = bindingUrl(binding);
  if (!url) return [];
  let codings: Coding[];
  if (type !== undefined && STRING_TYPES.has(type)) {
    if (typeof value !== 'string') return [];
    codings = [{ code: value }];
  } else if (type === 'Coding') codings = isObject(value) ? [value as Coding] : [];
  else if (type === 'CodeableConcept') {
    if (!isObject(value)) return [];
    codings = Array.isArray(value.coding) ? (value.coding as Coding[]) : [];
  } else return [];
  codings = codings.filter((c) => c.code !== undefined);
  // A CodeableConcept with text only, or a Coding without a code, says nothing to check.
  if (codings.length === 0) return [];
  const result = expander.expand(url);
  if ('unavailable' in result) return [{ severity: 'information', code: 'informational', diagnostics: `binding to ${url} not checked: ${result.unavailable}`, expression: location }];
  const inSet = (c: Coding) => (c.system === undefined ? result.expansion.codes.has(c.code as string) : result.expansion.members.has(`${c.system}|${c.code}`));
  if (codings.some(inSet)) return [];
  const shown = codings.map((c) => (c.system ? `${c.system}|${c.code}` : `'${c.code}'`)).join(', ');
  if (binding.strength === 'required')
    return [{ severity: 'error', code: 'code-invalid', diagnostics: `${shown} is not in the required value set ${url}`, expression: location }];
  return [{ severity: 'warning', code: 'code-invalid', diagnostics: `${shown} is not in the ${binding.strength} value set ${url}`, expression: location }];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
