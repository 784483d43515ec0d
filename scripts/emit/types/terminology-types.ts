/**
 * ValueSet and CodeSystem types. A ValueSet becomes a literal union of its expanded codes (written by
 * json-schema-to-typescript from an `enum` schema, with the value set's description and URL as JSDoc);
 * an extensible binding adds `(string & {})`, so other strings stay legal while editors still offer the
 * codes. A project CodeSystem becomes a `const` object code -> display (and a type of its codes).
 *
 * Expansion: scripts/terminology/value-set-expansion.ts (project value sets from their compose, others from
 * the published expansion when one is given, else their compose). A value set that cannot be expanded, or
 * expands to more than {@link MAX_UNION_CODES} codes, gives no type: the element stays `string`.
 */
import { compile } from 'json-schema-to-typescript';
import type { Diagnostics } from '../../diagnostics/diagnostics.js';
import type { CodeSystem, CodeSystemConcept, ElementDefinitionBinding, ValueSet } from '../../model/fhir.js';
import { stripVersion, type DefinitionResolver } from '../../resolve/resolver.js';
import type { ValueSetExpander } from '../../terminology/value-set-expansion.js';
import { compareStrings, jsDoc, NameRegistry, propertyKey, terminologyTypeName } from './naming.js';
import { errorMessage } from '../../util/values.js';

/** Larger expansions are typed `string`: a union that large helps no editor and slows the compiler. */
export const MAX_UNION_CODES = 500;

/** A bound code: its TypeScript type, and the codes a guard checks (required bindings only). */
export interface BoundCode {
  readonly ts: string;
  readonly codes: readonly string[] | undefined;
}

interface ValueSetType {
  readonly url: string;
  readonly name: string;
  readonly codes: readonly string[];
  readonly valueSet: ValueSet | undefined;
}

/** A project value set that gives no union: typed `string`, with the reason in its JSDoc. */
interface OpaqueValueSet {
  readonly url: string;
  readonly name: string;
  readonly reason: string;
  readonly valueSet: ValueSet | undefined;
}

export class TerminologyTypes {
  private readonly valueSets = new Map<string, ValueSetType | null>();
  private readonly opaque = new Map<string, OpaqueValueSet>();

  constructor(
    private readonly resolver: DefinitionResolver,
    private readonly expander: ValueSetExpander,
    private readonly names: NameRegistry,
  ) {}

  /** The type name of a value set's codes (registering it), undefined when it cannot be typed. */
  valueSetType(url: string): string | undefined {
    const key = stripVersion(url);
    let entry = this.valueSets.get(key);
    if (entry === undefined) {
      entry = this.build(key);
      this.valueSets.set(key, entry);
    }
    return entry?.name;
  }

  /**
   * A project value set's type: its union, or (one that cannot be expanded, e.g. a SNOMED CT refset
   * filter, or is too large) `string` under the value set's name, so every project value set has a type.
   */
  projectValueSet(url: string): string {
    const typed = this.valueSetType(url);
    if (typed) return typed;
    const key = stripVersion(url);
    const existing = this.opaque.get(key);
    if (existing) return existing.name;
    const result = this.expander.expand(key);
    const reason = 'unavailable' in result ? result.unavailable : `its expansion has ${result.expansion.codes.size} codes (types stop at ${MAX_UNION_CODES})`;
    const valueSet = this.resolver.valueSet(key);
    const entry = { url: key, name: this.names.name(`ValueSet ${key}`, terminologyTypeName('ValueSet', valueSet?.name, key)), reason, valueSet };
    this.opaque.set(key, entry);
    return entry.name;
  }

  /** A code bound by `binding`: its TypeScript type, and (required bindings) the codes a guard checks. */
  boundCode(binding: ElementDefinitionBinding | undefined): BoundCode | undefined {
    const ts = this.bindingType(binding);
    if (!ts || !binding) return undefined;
    if (binding.strength !== 'required') return { ts, codes: undefined };
    const url = binding.valueSetUri ?? binding.valueSetReference?.reference;
    return { ts, codes: url ? this.valueSets.get(stripVersion(url))?.codes : undefined };
  }

  /**
   * The TypeScript type of a code bound by `binding`: the value set's type for `required`, the type or
   * any string for `extensible`; undefined for weaker bindings or a value set that cannot be typed.
   */
  bindingType(binding: ElementDefinitionBinding | undefined): string | undefined {
    if (!binding || (binding.strength !== 'required' && binding.strength !== 'extensible')) return undefined;
    const url = binding.valueSetUri ?? binding.valueSetReference?.reference;
    const name = url ? this.valueSetType(url) : undefined;
    if (!name) return undefined;
    return binding.strength === 'required' ? name : `${name} | (string & {})`;
  }

  private build(url: string): ValueSetType | null {
    const result = this.expander.expand(url);
    if ('unavailable' in result) return null;
    const codes = [...result.expansion.codes].sort(compareStrings);
    if (codes.length === 0 || codes.length > MAX_UNION_CODES) return null;
    const valueSet = this.resolver.valueSet(url);
    return { url, name: this.names.name(`ValueSet ${url}`, terminologyTypeName('ValueSet', valueSet?.name, url)), codes, valueSet };
  }

  /**
   * Every value set typed so far, as declarations (sorted by name), through json-schema-to-typescript.
   * Should it fail on one, that union is written directly and the failure reported as a warning.
   */
  async valueSetDeclarations(diagnostics: Diagnostics): Promise<string> {
    const out: Array<{ name: string; text: string }> = [];
    for (const e of this.opaque.values()) {
      const doc = [e.valueSet?.title ?? e.valueSet?.name, e.valueSet?.description, e.url, `Not expanded at build time: ${e.reason}; its codes are typed \`string\`.`];
      out.push({ name: e.name, text: [...jsDoc(doc), `export type ${e.name} = string;`, ''].join('\n') });
    }
    for (const e of this.valueSets.values()) {
      if (!e) continue;
      const description = [e.valueSet?.title ?? e.valueSet?.name, e.valueSet?.description, e.url].filter((p): p is string => !!p?.trim());
      const schema = { description: [...new Set(description.map((p) => p.trim()))].join('\n\n').replace(/\*\//g, '*\\/'), enum: [...e.codes] };
      let declaration: string;
      try {
        declaration = await compile(schema, e.name, { bannerComment: '', format: false, additionalProperties: false, strictIndexSignatures: true });
      } catch (err) {
        diagnostics.warning('types.value-set', `json-schema-to-typescript failed on ${e.url} (${errorMessage(err)}); its union is written directly`);
        declaration = [...jsDoc(schema.description.split('\n\n')), `export type ${e.name} = (${e.codes.map((c) => JSON.stringify(c)).join(' | ')})`, ''].join('\n');
      }
      out.push({ name: e.name, text: declaration.replace(/[ \t]+$/gm, '') });
    }
    return out.sort((a, b) => compareStrings(a.name, b.name)).map((d) => d.text).join('\n');
  }

}

/** A CodeSystem as a const object (code -> display) with a type of its codes; concepts nested in concepts flattened. */
export function codeSystemDeclarations(codeSystems: readonly CodeSystem[], names: NameRegistry): { js: string[]; dts: string[] } {
  const js: string[] = [];
  const dts: string[] = [];
  for (const cs of [...codeSystems].sort((a, b) => compareStrings(a.url ?? '', b.url ?? ''))) {
    if (!cs.url) continue;
    const name = names.name(`CodeSystem ${cs.url}`, terminologyTypeName('CodeSystem', cs.name, cs.url));
    const concepts: CodeSystemConcept[] = [];
    const walk = (list: readonly CodeSystemConcept[] | undefined) => {
      for (const c of list ?? []) {
        concepts.push(c);
        walk(c.concept);
      }
    };
    walk(cs.concept);
    const entries = concepts.map((c) => `  ${propertyKey(c.code)}: ${JSON.stringify(c.display ?? c.code)},`);
    const doc = jsDoc([cs.title ?? cs.name, cs.description, cs.url]);
    js.push(...doc, `export const ${name} = Object.freeze({`, ...entries, '});', '');
    dts.push(...doc, `export declare const ${name}: {`, ...entries.map((e) => e.replace(/^ {2}/, '  readonly ').replace(/,$/, ';')), '};', ...jsDoc([`A code of ${cs.url}.`]), `export type ${name}Code = keyof typeof ${name};`, '');
  }
  return { js, dts };
}
