/**
 * What the parts of the FHIRPath compiler share: the compiled form of a sub-expression (`Val`), the scope
 * it is compiled in, the compiler's interface as functions and type operations see it, and the conversions
 * of a value's code to a collection, one item or a three-valued Boolean.
 */
import type { FhirPathModel, FpType, ValueKind } from './model.js';
import type { Expr } from './syntax.js';

export interface Val {
  code: string;
  form: 'coll' | 'one';
  types: FpType[];
  /** Items are FHIR nodes (navigated from the input), not System values. */
  nodes: boolean;
  /** Set when the value is a choice element's navigation, for type operations to read the type from the JSON name. */
  choice?: { input: Val; name: string; suffixes: string[] };
  /** Set when the value is a plain navigation, `rt.nav(<navArgs>)`: count(), empty() and exists() ask rt.navCount the same, without the collection. */
  navArgs?: string;
}

export interface Scope {
  self: Val;
  index: string | undefined;
  /** The context node's collection (%context). */
  context: Val;
}

/** The compiler as the function table and the type operations use it. */
export interface CompilerApi {
  readonly model: FhirPathModel;
  compile(e: Expr, scope: Scope): Val;
  iteration(input: Val, scope: Scope, body: (inner: Scope) => Val): { params: string; body: Val };
  withSelf(input: Val, scope: Scope): Scope;
  kinds(v: Val): ValueKind[];
  sameKind(l: Val, r: Val): string;
  /** A constant of the compiled function (an array literal), made once with it rather than at every call: its name. */
  constant(code: string): string;
  /** A choice element's property names per type and their `_` companions, as two constants: `$k0, $k1`. */
  choiceKeys(name: string, suffixes: readonly string[]): string;
}

/** The code of a value as a collection. */
export function coll(v: Val): string {
  return v.form === 'coll' ? v.code : `rt.c1(${v.code})`;
}

/** The code of a value as one item (or undefined), failing on several. */
export function single(v: Val): string {
  return v.form === 'one' ? v.code : `rt.single(${v.code})`;
}

/** The code of a value as a three-valued Boolean (true, false, undefined for empty), by singleton evaluation. */
export function truth(v: Val): string {
  if (v.form === 'one' && v.types.length === 1 && v.types[0].kind === 'system' && v.types[0].name === 'Boolean') return v.code;
  return `rt.bool(${coll(v)})`;
}
