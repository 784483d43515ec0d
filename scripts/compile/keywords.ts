/**
 * FHIR JSON rules as ajv keywords that generate code (so the standalone validators carry them inline and
 * need nothing at run time):
 *
 * - `fhirProperties: { name: schema, ... }` on an object: `properties` + `additionalProperties: false` +
 *   `minProperties: 1` in one loop over the object's own keys. Plain `properties` probes every property the
 *   schema names (an Extension's value[x] alone is over a hundred), and objects from JSON.parse have varied
 *   shapes, so each probe is a slow megamorphic lookup; walking the few keys an object has is an order of
 *   magnitude faster. Errors: `params.check` `unknown` (with `params.property`) or `empty`.
 * - `fhirPrimitive: { type, pattern?, maxLength? }` on a primitive value: the value (a string, or a number
 *   as JSON wrote it) matches the anchored regex from the type's StructureDefinition; a type without one
 *   is a non-empty string of at most `maxLength` UTF-16 code units (a length test, not a regex).
 * - `fhirElements: [{ name, props, min, primitive, array }]` on an object: an element with `min >= 1` is
 *   present as any of its properties or their `_` companions; a choice has at most one of its properties
 *   (counted by `fhirProperties` as it walks the keys, and reported under its name);
 *   a repeating primitive's value array and `_` array line up (same length, never null in both at one index,
 *   no null in a lone array).
 *
 * - `fhirBinding: { url, kind, codes, members }` on a coded value (kind `code`, `Coding` or
 *   `CodeableConcept`): a required binding, its expansion compiled in as Sets (one per value set, shared by
 *   every element bound to it). What counts as a code in the set is scripts/terminology/binding-rules.ts.
 * - `fhirResource: { types }` where an element holds some resource: the resource against the validators
 *   of the profiles it claims (looked up at run time, see below), else of its base type; an unknown or
 *   missing `resourceType` is an error.
 * - `$ref` replaces ajv's own, with a call that builds no context object and no path on success; in a
 *   profile module, a reference to a definition the core module has is a call of the core's function
 *   (`linkRefs`), so a profile module compiles only what the profiles constrain.
 *
 * Errors carry `params.check` (`format`, `required`, `choice`, `align`, `null`, `unknown`, `empty`,
 * `binding`, `resourceType`), `params.element`, for array problems `params.index`, for bindings
 * `params.url` and `params.kind`; scripts/validate/structure.ts turns them into issues.
 *
 * The code generators below use ajv's internals (ajv/dist/compile/..., vocabularies/...), which are not
 * part of its public API and may change in any release: package.json pins ajv to the exact version they
 * were written against. Upgrade it deliberately, with the tests of test/validate/ run.
 */
import type { KeywordCxt, KeywordDefinition, KeywordErrorDefinition } from 'ajv';
import { _, and, getProperty, nil, or, strConcat, stringify, type Code, type Name } from 'ajv/dist/compile/codegen/index.js';
import { resolveRef, SchemaEnv } from 'ajv/dist/compile/index.js';
import ajvNames from 'ajv/dist/compile/names.js';
import { alwaysValidSchema } from 'ajv/dist/compile/util.js';
import { usePattern } from 'ajv/dist/vocabularies/code.js';
import { CLAIMABLE_PROFILES } from './link.js';
import { getValidate } from 'ajv/dist/vocabularies/core/ref.js';
import { NUMBER_TEXT } from '../model/number-text.js';

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

export type PrimitiveKeyword = {
  type: string;
  /** The anchored regex; absent for a type whose StructureDefinition gives none. */
  pattern?: string;
  maxLength?: number;
  /** A type whose JSON value is a number: judged by its text (see below); integer types have a range. */
  number?: boolean;
  min?: number;
  max?: number;
};

/** ajv's names of the generated code's variables (`vErrors`, `errors`, `instancePath`). */
const N = ajvNames.default;

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
    const { type, pattern, maxLength, number } = cxt.schema as PrimitiveKeyword;
    cxt.setParams({ check: _`"format"`, fhirType: _`${type}` });
    if (number) return numberCheck(cxt, pattern);
    if (pattern === undefined) {
      const tooLong = maxLength === undefined ? _`false` : _`${data}.length > ${maxLength}`;
      cxt.fail(_`typeof ${data} == "string" && (${data}.length === 0 || ${tooLong})`);
      return;
    }
    const regex = usePattern(cxt, pattern);
    cxt.fail(_`(typeof ${data} == "string" || typeof ${data} == "number") && !${regex}.test(String(${data}))`);
  },
};

/**
 * A number-typed primitive (decimal, integer, positiveInt, unsignedInt). A number read from text is judged
 * by that text, which the readers keep on its container under the registered symbol of
 * scripts/model/number-text.ts where `String(value)` would not give it back (`1.10`, `1e21`,
 * `2147483648.0`): it must match the type's regex and, for an integer type, lie in its range. A number
 * with no text kept (read back as written, or handed in as a parsed object) must be finite and, for an
 * integer type, an integer in range. The error's params carry the text and range for the message.
 */
function numberCheck(cxt: KeywordCxt, pattern: string | undefined): void {
  const { gen, data, it } = cxt;
  const { min, max } = cxt.schema as PrimitiveKeyword;
  const key = gen.scopeValue('obj', { key: 'fhir number text', ref: NUMBER_TEXT_KEY, code: _`Symbol.for(${NUMBER_TEXT_KEY.description ?? ''})` });
  const kept: Name = gen.let('kept');
  gen.if(_`typeof ${data} == "number" && ${it.parentData} !== undefined && ${it.parentData} !== null`, () => {
    const record: Name = gen.const('record', _`${it.parentData}[${key}]`);
    gen.if(_`${record} !== undefined`, () => gen.assign(kept, _`${record}[${it.parentDataProperty}]`));
  });
  const inRange = (v: Code): Code => and(min === undefined ? _`true` : _`${v} >= ${min}`, max === undefined ? _`true` : _`${v} <= ${max}`);
  const integer = min !== undefined || max !== undefined;
  const regex = pattern === undefined ? undefined : usePattern(cxt, pattern);
  const textOk = and(regex ? _`${regex}.test(${kept})` : _`true`, inRange(_`Number(${kept})`));
  const valueOk = integer ? and(_`Number.isInteger(${data})`, inRange(data)) : _`Number.isFinite(${data})`;
  cxt.setParams({ check: _`"format"`, fhirType: _`${(cxt.schema as PrimitiveKeyword).type}`, text: _`${kept} === undefined ? String(${data}) : ${kept}`, ...(min !== undefined ? { min: _`${min}` } : {}), ...(max !== undefined ? { max: _`${max}` } : {}) });
  const stringBad = regex ? _`typeof ${data} == "string" && !${regex}.test(${data})` : _`false`;
  cxt.fail(or(stringBad, _`typeof ${data} == "number" && !(${kept} === undefined ? ${valueOk} : ${textOk})`));
}

/** The registered symbol of the readers' number texts (scripts/model/number-text.ts), named in the generated code. */
const NUMBER_TEXT_KEY: symbol = NUMBER_TEXT;

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
      if (rule.min >= 1 && rule.props.length === 1) {
        const absent = and(...rule.props.map((p) => _`!(${present(p, isPrimitive(p))})`));
        gen.if(absent, () => cxt.error(false, { check: _`"required"`, element: _`${rule.name}` }));
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

const fhirProperties: KeywordDefinition = {
  keyword: 'fhirProperties',
  type: 'object',
  schemaType: 'object',
  error,
  code(cxt: KeywordCxt) {
    const { gen, data, it } = cxt;
    // Every validator is compiled with allErrors: each branch records its errors and the loop goes on.
    if (!it.allErrors) throw new Error('fhirProperties is compiled for allErrors only');
    const schema = cxt.schema as Record<string, unknown>;
    const props = Object.keys(schema);
    const choices = choiceCounters(cxt);
    const valid = gen.name('valid');
    const count: Name = gen.let('count', 0);
    gen.forIn('key', data, (key) => {
      gen.assign(count, _`${count} + 1`);
      props.forEach((prop, i) => {
        if (i === 0) gen.if(_`${key} === ${prop}`);
        else gen.elseIf(_`${key} === ${prop}`);
        choices.marks.get(prop)?.();
        if (!alwaysValidSchema(it, schema[prop] as boolean | object)) cxt.subschema({ keyword: 'fhirProperties', schemaProp: prop, dataProp: prop }, valid);
      });
      if (props.length > 0) gen.else();
      cxt.error(false, { check: _`"unknown"`, property: key });
      if (props.length > 0) gen.endIf();
    });
    gen.if(_`${count} === 0`, () => cxt.error(false, { check: _`"empty"` }));
    choices.report();
  },
};

/**
 * The choices (`value[x]`) of the object's `fhirElements`, counted in the `fhirProperties` loop over its
 * keys (no second loop): each of a choice's properties, with its `_` companion, marks its type; at most one
 * type may be present and, for `min >= 1`, at least one. The marking code per property, and the checks
 * to emit after the loop.
 */
function choiceCounters(cxt: KeywordCxt): { marks: ReadonlyMap<string, () => void>; report: () => void } {
  const { gen } = cxt;
  const rules = ((cxt.parentSchema as { fhirElements?: ElementRule[] }).fhirElements ?? []).filter((r) => r.props.length > 1);
  const marks = new Map<string, () => void>();
  const checks: Array<() => void> = [];
  for (const rule of rules) {
    const seen: Name = gen.let('seen', -1);
    const types: Name = gen.let('types', 0);
    rule.props.forEach((p, i) => {
      const mark = () => gen.if(_`${seen} !== ${i}`, () => gen.assign(seen, i).assign(types, _`${types} + 1`));
      marks.set(p, mark);
      if (rule.primitive.includes(p)) marks.set('_' + p, mark);
    });
    checks.push(() => {
      gen.if(_`${types} > 1`, () => cxt.error(false, { check: _`"choice"`, element: _`${rule.name}` }));
      if (rule.min >= 1) gen.if(_`${types} === 0`, () => cxt.error(false, { check: _`"required"`, element: _`${rule.name}` }));
    });
  }
  return { marks, report: () => checks.forEach((check) => check()) };
}

/** The schema of `fhirBinding`: a required binding and its expansion (`system|code` members, and codes alone). */
export type BindingKeyword = {
  url: string;
  kind: 'code' | 'Coding' | 'CodeableConcept';
  codes: string[];
  members: string[];
};

const fhirBinding: KeywordDefinition = {
  keyword: 'fhirBinding',
  schemaType: 'object',
  error,
  code(cxt: KeywordCxt) {
    const { gen, data } = cxt;
    const { url, kind, codes, members } = cxt.schema as BindingKeyword;
    const set = (what: string, values: string[]): Name =>
      gen.scopeValue('obj', { key: `fhirBinding ${what} ${url}`, ref: new Set(values), code: _`new Set(${stringify(values)})` });
    const codeSet = set('codes', codes);
    cxt.setParams({ check: _`"binding"`, url: _`${url}`, kind: _`${kind}` });
    if (kind === 'code') {
      cxt.fail(_`typeof ${data} == "string" && !${codeSet}.has(${data})`);
      return;
    }
    const memberSet = set('members', members);
    const inSet = (c: Code): Code => _`(${c}.system === undefined ? ${codeSet}.has(String(${c}.code)) : ${memberSet}.has(${c}.system + "|" + ${c}.code))`;
    const isCoded = (c: Code): Code => _`${c} && typeof ${c} == "object" && !Array.isArray(${c}) && ${c}.code !== undefined`;
    if (kind === 'Coding') {
      cxt.fail(_`${isCoded(data)} && !${inSet(data)}`);
      return;
    }
    // A CodeableConcept: some coding with a code, and none of them in the set.
    gen.if(_`${data} && typeof ${data} == "object" && Array.isArray(${data}.coding)`, () => {
      const coded: Name = gen.let('coded', false);
      const found: Name = gen.let('found', false);
      gen.forOf('coding', _`${data}.coding`, (c) =>
        gen.if(isCoded(c), () => {
          gen.assign(coded, true);
          gen.if(inSet(c), () => gen.assign(found, true).break());
        }),
      );
      gen.if(_`${coded} && !${found}`, () => cxt.error());
    });
  },
};

/** The schema of `fhirResource`: the base resource type names and the `$id` of each one's schema. */
export type ResourceKeyword = {
  types: Record<string, { $ref: string }>;
};


/**
 * `fhirResource: { types }` where an element holds some resource (contained, a Bundle entry's, a
 * Parameters value): the resource is checked with the validator of every profile it claims in
 * `meta.profile` that the linked profiles have (link.ts, `CLAIMABLE_PROFILES`), else with its type's from `types`;
 * a resource whose `resourceType` is missing or names no type there is an error (`params.check`
 * `resourceType`). These are the module's validators, so a nested resource is checked as it would be at
 * the top; the `Resource` validator is this dispatch, and checks top-level resources the same way. A type
 * becomes an index by one Map lookup, an index its validator by a binary tree of integer comparisons,
 * and one call site runs it.
 */
const fhirResource: KeywordDefinition = {
  keyword: 'fhirResource',
  type: 'object',
  schemaType: 'object',
  error,
  code(cxt: KeywordCxt) {
    const { gen, it, data } = cxt;
    const { types } = cxt.schema as ResourceKeyword;
    const entries = Object.entries(types);
    const pairs = entries.map(([k], i): [string, number] => [k, i]);
    const index = gen.scopeValue('obj', { key: `fhirResource ${pairs.map(([k]) => k).join(' ')}`, ref: new Map(pairs), code: _`new Map(${stringify(pairs)})` });
    const validators = entries.map(([, { $ref: id }]) => referencedValidate(cxt, id));
    const pick = (i: Name, fn: Name, from: number, to: number): void => {
      if (to - from === 1) return void gen.assign(fn, validators[from]);
      const mid = (from + to) >> 1;
      gen.if(_`${i} < ${mid}`, () => pick(i, fn, from, mid), () => pick(i, fn, mid, to));
    };
    const call = (fn: Code): void => {
      gen.if(_`!${fn}(${data}, ${emptyContext(cxt)})`, () => adoptErrors(cxt, fn));
    };
    const type: Name = gen.const('type', _`${data}.resourceType`);
    const base: Name = gen.const('base', _`typeof ${type} == "string" ? ${index}.get(${type}) : undefined`);
    cxt.setParams({ check: _`"resourceType"` });
    gen.if(
      _`${base} === undefined`,
      () => cxt.error(),
      () => {
        const claimed: Name = gen.let('claimed', false);
        const meta: Name = gen.const('meta', _`${data}.meta`);
        const profiles: Name = gen.const('profiles', _`${it.validateName}${getProperty(CLAIMABLE_PROFILES)}`);
        gen.if(_`${profiles} && ${meta} && typeof ${meta} == "object" && Array.isArray(${meta}.profile)`, () =>
          gen.forOf('p', _`${meta}.profile`, (p) => {
            const fn: Name = gen.const('claim', _`${profiles}.get(${p})`);
            gen.if(_`${fn} !== undefined`, () => {
              gen.assign(claimed, true);
              call(fn);
            });
          }),
        );
        gen.if(_`!${claimed}`, () => {
          const fn: Name = gen.let('fn');
          pick(base, fn, 0, validators.length);
          call(fn);
        });
      },
    );
  },
};

/**
 * Definitions another module provides, per ajv instance: `$ref` value -> a Code that reaches the function
 * (`core.def_HumanName`). Set by the compiler of a profile module (compile.ts) before it compiles.
 */
const links = new WeakMap<object, ReadonlyMap<string, Code>>();

/** Makes `$ref`s to these definitions calls of functions of another module (see `links`). */
export function linkRefs(ajv: object, refs: ReadonlyMap<string, Code>): void {
  links.set(ajv, refs);
}

/** The function validating against the schema `$ref` names: another module's, or compiled in this one. */
function referencedValidate(cxt: KeywordCxt, ref: string): Code {
  const { gen, it } = cxt;
  const linked = links.get(it.self)?.get(ref);
  // A placeholder at compile time: only the standalone code (`code`) is ever run.
  if (linked) return gen.scopeValue('func', { key: `linked ${ref}`, ref: unlinked, code: linked });
  const target: unknown = resolveRef.call(it.self, it.schemaEnv.root, it.baseId, ref);
  if (!(target instanceof SchemaEnv)) throw new Error(`${ref} is not a compiled schema`);
  return getValidate(cxt, target);
}

function unlinked(): never {
  throw new Error('a linked validator was called in the compiler');
}

/** The context every referenced validator is called with: empty (see `$ref`), one object for all calls. */
const EMPTY_CONTEXT = {};

/**
 * `$ref` with a cheaper call: ajv's own passes every referenced validator a fresh context object and the
 * concatenated instance path of the data (`{ instancePath: instancePath + "/extension/" + i, ... }`), work
 * done on every call although only a failing one uses it. Here the callee gets its data and one shared
 * empty context (a missing one would be defaulted to a fresh `{}` on every call) and reports paths from its
 * own root; a failing call's errors are then prefixed with the caller's path (once per level, on the error
 * path only). Schemas the resolver inlines are inlined as
 * ajv does; nothing here uses `$data`, `parentData` or dynamic anchors, which the context would carry.
 */
const ref: KeywordDefinition = {
  keyword: '$ref',
  schemaType: 'string',
  code(cxt: KeywordCxt) {
    const { gen, it, data } = cxt;
    const ref = cxt.schema as string;
    if (links.get(it.self)?.has(ref)) {
      const validate = referencedValidate(cxt, ref);
      cxt.result(_`${validate}(${data}, ${emptyContext(cxt)})`, undefined, () => adoptErrors(cxt, validate));
      return;
    }
    const target: unknown = resolveRef.call(it.self, it.schemaEnv.root, it.baseId, ref);
    if (target === undefined) throw new Error(`can't resolve reference ${ref} from id ${it.baseId}`);
    if (!(target instanceof SchemaEnv)) {
      const valid = gen.name('valid');
      const schemaName = gen.scopeValue('schema', { ref: target, code: stringify(target) });
      cxt.subschema({ schema: target as object, dataTypes: [], schemaPath: nil, topSchemaRef: schemaName, errSchemaPath: cxt.schema as string }, valid);
      cxt.ok(valid);
      return;
    }
    const validate = getValidate(cxt, target);
    cxt.result(_`${validate}(${data}, ${emptyContext(cxt)})`, undefined, () => adoptErrors(cxt, validate));
  },
};

/** The shared empty context (see `$ref`), a value of the module. */
function emptyContext(cxt: KeywordCxt): Name {
  return cxt.gen.scopeValue('obj', { key: 'fhir empty context', ref: EMPTY_CONTEXT, code: _`{}` });
}

/**
 * Errors a validator keeps at most: a payload of millions of wrong items would otherwise allocate and hold
 * one error object each (gigabytes for 32 MiB), far past the issues anyone is shown (the validator reports
 * 1,000 by default). Past it, a callee's errors are dropped rather than adopted.
 */
export const MAX_KEPT_ERRORS = 10_000;

/**
 * After a failed call of `validate` on this keyword's data: its errors (paths from the callee's root) get
 * this data's path in front, and are adopted as the errors so far or appended to them, as ajv does with its
 * own (up to MAX_KEPT_ERRORS); the callee's `errors` is cleared.
 */
function adoptErrors(cxt: KeywordCxt, validate: Code): void {
  const { gen, it } = cxt;
  const errors: Name = gen.const('errs', _`${validate}.errors`);
  // The errors are this call's now: the callee lets go of them (and of the values they carry), rather
  // than keep them until its next call, by when a collection may have moved them to the old generation.
  gen.assign(_`${validate}.errors`, null);
  gen.if(_`${N.vErrors} === null || ${N.vErrors}.length < ${MAX_KEPT_ERRORS}`, () => {
    const path = strConcat(N.instancePath, it.errorPath);
    gen.forOf('e', errors, (e) => gen.assign(_`${e}.instancePath`, _`${path} + ${e}.instancePath`));
    gen.if(_`${N.vErrors} === null`, () => gen.assign(N.vErrors, errors), () => gen.forOf('e', errors, (e) => gen.code(_`${N.vErrors}.push(${e})`)));
    gen.assign(N.errors, _`${N.vErrors}.length`);
  });
}

export const fhirKeywords: readonly KeywordDefinition[] = [fhirPrimitive, fhirElements, fhirProperties, fhirBinding, fhirResource];

/** Keywords that replace ajv's own (removed before these are added). */
export const replacedKeywords: readonly KeywordDefinition[] = [ref];
