/**
 * JSON Schemas for FHIR primitive values, read from each primitive type's StructureDefinition: the JSON
 * type from the element model (json-type extension), the lexical form from the `structuredefinition-regex`
 * extension on the type of the `<type>.value` element, and `maxLength` from that element.
 *
 * STU3 gives no regex for `string`, `markdown`, `uri`, `base64Binary`, `xhtml` and `boolean`: those are
 * checked for their JSON type only (plus the FHIR JSON rule that a string is never empty), nothing is
 * invented for them.
 */
import { fieldsOf, type ElementDefinition } from '../model/fhir.js';
import type { ElementModel } from '../resolve/element-model.js';
import type { JsonSchema } from './schema-types.js';

const REGEX_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-regex';

/**
 * Regexes as the SDs give them that backtrack exponentially in a JavaScript (backtracking) engine, each
 * with an equivalent linear-time form. `code`'s `[^\s]+([\s]?[^\s]+)*` takes seconds on 30 characters
 * followed by a space; the same language is "non-space runs separated by single whitespace characters",
 * and written with the separator required (not optional) between runs, each run can end only one way, so
 * a failing match gives up each character once. A regex
 * not listed here is used as the SD gives it; test/validate/primitive-regex.test.ts probes every SD
 * regex for catastrophic backtracking, so a new one cannot slip in unnoticed.
 */
const LINEAR_FORMS: ReadonlyMap<string, string> = new Map([['[^\\s]+([\\s]?[^\\s]+)*', '[^\\s]+(?:[\\s][^\\s]+)*']]);

/**
 * The value ranges of STU3's integer types, as the datatypes page states them (integer: a signed 32-bit
 * integer; positiveInt: 1 to 2,147,483,647; unsignedInt: 0 to 2,147,483,647). The StructureDefinitions
 * give integer's bounds as minValueInteger/maxValueInteger on its value element, which win where present;
 * positiveInt's and unsignedInt's carry none.
 */
const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  integer: [-2147483648, 2147483647],
  positiveInt: [1, 2147483647],
  unsignedInt: [0, 2147483647],
};

/** What the SD says about a primitive's lexical form. */
export interface PrimitiveRule {
  readonly type: string;
  readonly jsonType: 'boolean' | 'number' | 'string';
  /** The SD's regex (unanchored, as written there), undefined when the SD has none. */
  readonly regex: string | undefined;
  readonly maxLength: number | undefined;
  /** For integer types: the smallest and largest value. */
  readonly min?: number;
  readonly max?: number;
}

/** The rule for a primitive type, from its StructureDefinition; undefined for a non-primitive. */
export function primitiveRule(model: ElementModel, type: string): PrimitiveRule | undefined {
  const info = model.primitive(type);
  const sd = model.definition(type);
  if (!info || !sd) return undefined;
  const value = sd.snapshot?.element.find((e) => e.path === `${sd.type}.value`);
  const range = INTEGER_RANGES[type];
  const min = typeof value?.minValueInteger === 'number' ? value.minValueInteger : range?.[0];
  const max = typeof value?.maxValueInteger === 'number' ? value.maxValueInteger : range?.[1];
  return { type, jsonType: info.jsonType, regex: regexOf(value), maxLength: value?.maxLength, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

function regexOf(value: ElementDefinition | undefined): string | undefined {
  for (const t of value?.type ?? []) {
    for (const ext of t.extension ?? []) {
      const v = fieldsOf(ext).valueString;
      if (ext.url === REGEX_EXTENSION && typeof v === 'string') return v;
    }
  }
  return undefined;
}

/** The anchored pattern a value must match in full (the SD regex, in its linear form where it needs one). */
export function anchoredPattern(regex: string): string {
  return `^(?:${LINEAR_FORMS.get(regex) ?? regex})$`;
}

/**
 * The schema of a primitive's JSON value; `nullable` for an item of a repeating primitive, where `null`
 * holds the place of a value that only has extensions (`_given: [null, {...}]`).
 */
export function primitiveSchema(rule: PrimitiveRule, nullable: boolean): JsonSchema {
  const schema: JsonSchema = { type: nullable ? [rule.jsonType, 'null'] : rule.jsonType };
  if (rule.jsonType === 'boolean') return schema;
  // The SD's regex where there is one; else non-empty (FHIR JSON) and at most maxLength code units. Numbers
  // are judged by the text they were written with (scripts/model/number-text.ts), and integers by range.
  const range = rule.min !== undefined || rule.max !== undefined ? { ...(rule.min !== undefined ? { min: rule.min } : {}), ...(rule.max !== undefined ? { max: rule.max } : {}) } : {};
  const number = rule.jsonType === 'number' ? { number: true, ...range } : {};
  schema.fhirPrimitive = rule.regex
    ? { type: rule.type, pattern: anchoredPattern(rule.regex), ...number }
    : { type: rule.type, ...(rule.maxLength !== undefined ? { maxLength: rule.maxLength } : {}), ...number };
  return schema;
}
