/**
 * The two FHIR JSON rules plain JSON Schema cannot say, as ajv keywords that generate code (so the
 * standalone validators carry them inline and need nothing at run time):
 *
 * - `fhirPrimitive: { type, pattern }` on a primitive value: the value (a string, or a number as JSON
 *   wrote it) matches the anchored regex from the type's StructureDefinition.
 * - `fhirElements: [{ name, props, min, primitive, array }]` on an object: an element with `min >= 1` is
 *   present as any of its properties or their `_` companions; a choice has at most one of its properties;
 *   a repeating primitive's value array and `_` array line up (same length, never null in both at one index,
 *   no null in a lone array).
 *
 * Errors carry `params.check` (`format`, `required`, `choice`, `align`, `null`), `params.element`, and for
 * array problems `params.index`; scripts/validate/structure.ts turns them into issues.
 */
import type { KeywordCxt, KeywordDefinition, KeywordErrorDefinition } from 'ajv';
import { _, and, or, type Code, type Name } from 'ajv/dist/compile/codegen/index.js';
import { usePattern } from 'ajv/dist/vocabularies/code.js';

/** One element an object's `fhirElements` keyword checks. */
export interface ElementRule {
  /** The element's name for messages: `start`, `value[x]`. */
  name: string;
  /** Its JSON properties: one, or one per type of a choice. */
  props: string[];
  min: number;
  /** The properties that hold primitives (and so may have `_` companions). */
  primitive: string[];
  /** True when the element repeats (primitive values and companions are arrays). */
  array: boolean;
}

export interface PrimitiveKeyword {
  type: string;
  pattern: string;
}

/** Errors carry the params the keyword code set (ajv's default error for custom keywords drops them). */
const error: KeywordErrorDefinition = {
  message: ({ keyword }) => _`${'FHIR rule ' + keyword}`,
  params: ({ params }) => {
    const entries = Object.entries(params).filter((entry): entry is [string, Code] => entry[1] !== undefined);
    return entries.length === 0 ? _`{}` : _`{${entries.map(([k, v]) => _`${k}: ${v}`).reduce((a, b) => _`${a}, ${b}`)}}`;
  },
};

const fhirPrimitive: KeywordDefinition = {
  keyword: 'fhirPrimitive',
  schemaType: 'object',
  error,
  code(cxt: KeywordCxt) {
    const { data } = cxt;
    const { type, pattern } = cxt.schema as PrimitiveKeyword;
    const regex = usePattern(cxt, pattern);
    cxt.setParams({ check: _`"format"`, fhirType: _`${type}` });
    cxt.fail(_`(typeof ${data} == "string" || typeof ${data} == "number") && !${regex}.test(String(${data}))`);
  },
};

const fhirElements: KeywordDefinition = {
  keyword: 'fhirElements',
  type: 'object',
  schemaType: 'array',
  error,
  code(cxt: KeywordCxt) {
    const { gen, data } = cxt;
    const prop = (p: string): Code => _`${data}[${p}]`;
    const present = (p: string, primitive: boolean): Code => (primitive ? or(_`${prop(p)} !== undefined`, _`${prop('_' + p)} !== undefined`) : _`${prop(p)} !== undefined`);
    for (const rule of cxt.schema as ElementRule[]) {
      const isPrimitive = (p: string) => rule.primitive.includes(p);
      if (rule.min >= 1) {
        const absent = and(...rule.props.map((p) => _`!(${present(p, isPrimitive(p))})`));
        gen.if(absent, () => cxt.error(false, { check: _`"required"`, element: _`${rule.name}` }));
      }
      if (rule.props.length > 1) {
        const count = rule.props.map((p) => _`(${present(p, isPrimitive(p))} ? 1 : 0)`).reduce((a, b) => _`${a} + ${b}`);
        gen.if(_`${count} > 1`, () => cxt.error(false, { check: _`"choice"`, element: _`${rule.name}` }));
      }
      if (rule.array) for (const p of rule.primitive) alignmentCheck(cxt, prop(p), prop('_' + p), p);
    }
  },
};

/** Value and companion arrays of a repeating primitive line up, with null only as a placeholder. */
function alignmentCheck(cxt: KeywordCxt, values: Code, companions: Code, name: string): void {
  const { gen } = cxt;
  const valuesArray = _`Array.isArray(${values})`;
  const companionsArray = _`Array.isArray(${companions})`;
  gen.if(and(valuesArray, companionsArray, _`${values}.length !== ${companions}.length`), () =>
    cxt.error(false, { check: _`"align"`, element: _`${name}` }),
  );
  gen.if(or(valuesArray, companionsArray), () => {
    const length: Name = gen.const('len', _`Math.max(${valuesArray} ? ${values}.length : 0, ${companionsArray} ? ${companions}.length : 0)`);
    gen.forRange('i', 0, length, (i) => {
      const value = _`(${valuesArray} ? ${values}[${i}] : undefined)`;
      const companion = _`(${companionsArray} ? ${companions}[${i}] : undefined)`;
      gen.if(_`${value} == null && ${companion} == null`, () => cxt.error(false, { check: _`"null"`, element: _`${name}`, index: i }));
    });
  });
}

export const fhirKeywords: readonly KeywordDefinition[] = [fhirPrimitive, fhirElements];
