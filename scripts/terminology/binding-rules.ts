/**
 * What a binding means for a value, shared by the two places that check bindings: the compiled structure
 * validators (required bindings whose value set expands at build time, emitted as the `fhirBinding`
 * keyword) and the semantic layer (everything else: extensible and preferred bindings, value sets that do
 * not expand, bindings inside slices, extensions and type profiles). Both word their issues here, so the
 * same problem reads the same whichever layer finds it.
 *
 * A coded value is a `code` (or a string or uri bound like one), a Coding, or a CodeableConcept. Only
 * codings with a code say anything; one coding of a CodeableConcept in the value set is enough. A coding
 * without a system is matched on its code alone.
 */
import type { Coding, ElementDefinitionBinding } from '../model/fhir.js';
import type { Expansion, ValueSetExpander } from './value-set-expansion.js';
import { isObject } from '../util/values.js';

/** How a bound element carries its codes. */
export type BoundKind = 'code' | 'Coding' | 'CodeableConcept';

const KINDS: Readonly<Record<string, BoundKind>> = { code: 'code', string: 'code', uri: 'code', Coding: 'Coding', CodeableConcept: 'CodeableConcept' };

/** The kind of a bound element of this type, undefined for a type a binding says nothing about. */
export function boundKind(type: string | undefined): BoundKind | undefined {
  return type !== undefined && Object.hasOwn(KINDS, type) ? KINDS[type] : undefined;
}

export function bindingUrl(binding: ElementDefinitionBinding): string | undefined {
  return binding.valueSetUri ?? binding.valueSetReference?.reference;
}

/** The codings of a value that carry a code (none for a CodeableConcept with text only). */
export function codingsOf(kind: BoundKind, value: unknown): Coding[] {
  if (kind === 'code') return typeof value === 'string' ? [{ code: value }] : [];
  if (!isObject(value)) return [];
  const codings = kind === 'Coding' ? [value] : Array.isArray(value.coding) ? (value.coding as unknown[]) : [];
  return codings.filter((c): c is Coding => isObject(c) && c.code !== undefined);
}

export function inExpansion(coding: Coding, expansion: Expansion): boolean {
  return coding.system === undefined ? expansion.codes.has(String(coding.code)) : expansion.members.has(`${coding.system}|${coding.code}`);
}

/**
 * The member (`system|code`) as the value set defines it, when a coding is in it only ignoring case and
 * its code system compares codes ignoring case (Expansion.anyCase); undefined otherwise.
 */
export function inExpansionAnyCase(coding: Coding, expansion: Expansion): string | undefined {
  const anyCase = expansion.anyCase;
  if (!anyCase) return undefined;
  const code = String(coding.code).toLowerCase();
  return coding.system === undefined ? anyCase.codes.get(code) : anyCase.members.get(`${coding.system}|${code}`);
}

/** `http://loinc.org|1234-5, 'draft'`: the codings as an issue shows them. */
export function showCodings(codings: readonly Coding[]): string {
  return codings.map((c) => (c.system ? `${c.system}|${c.code}` : `'${c.code}'`)).join(', ');
}

/** The diagnostics of codings outside the value set of a binding of this strength. */
export function notInValueSet(codings: readonly Coding[], url: string, strength: string): string {
  return `${showCodings(codings)} is not in the ${strength} value set ${url}`;
}

/** A required binding the structure validators carry compiled. */
export interface CompiledBinding {
  url: string;
  kind: BoundKind;
  expansion: Expansion;
}

/**
 * The binding as the structure validators check it: a required binding on a coded type whose value set
 * expands. Undefined otherwise: the semantic layer checks it (or says it cannot).
 */
export function compiledBinding(binding: ElementDefinitionBinding | undefined, type: string | undefined, expander: ValueSetExpander): CompiledBinding | undefined {
  if (binding?.strength !== 'required') return undefined;
  const kind = boundKind(type);
  const url = bindingUrl(binding);
  if (!kind || !url) return undefined;
  const result = expander.expand(url);
  // Codes of a system that ignores case are compared by the semantic layer, which says when only the case differs.
  return 'expansion' in result && !result.expansion.anyCase ? { url, kind, expansion: result.expansion } : undefined;
}

