/**
 * The FHIRPath functions the compiler takes, each as code over its input and arguments. The table is the
 * compiled subset: a function missing here (memberOf, conformsTo, htmlChecks, aggregate, ...) makes the
 * expression Unsupported, and the caller evaluates it with the interpreter.
 */
import { coll, type CompilerApi as Compiler, type Scope, type Val } from './values.js';
import { systemType, unionTypes, type FpType } from './model.js';
import { compileTypeOp } from './type-ops.js';
import { typeArgument, Unsupported, type Expr } from './syntax.js';

type FunctionCompiler = (c: Compiler, input: Val, args: Expr[], scope: Scope) => Val;

const BOOLEAN = [systemType('Boolean')];
const boolean = (code: string): Val => ({ code, form: 'one', types: BOOLEAN, nodes: false });
const integer = (code: string): Val => ({ code, form: 'one', types: [systemType('Integer')], nodes: false });
const string = (code: string): Val => ({ code, form: 'one', types: [systemType('String')], nodes: false });
const same = (input: Val, code: string, form: Val['form'] = 'coll'): Val => ({ code, form, types: input.types, nodes: input.nodes });

/** An argument evaluated in the scope of the call (not per item): `substring(1)`, `startsWith('#')`. */
function arg(c: Compiler, args: Expr[], i: number, scope: Scope): Val {
  const a = args[i];
  if (!a) throw new Unsupported('missing argument');
  return c.compile(a, scope);
}

/** A criterion per item, as the body of `(t, i) => ...`. */
function lambda(c: Compiler, input: Val, e: Expr | undefined, scope: Scope, as: (v: Val) => string): string {
  if (!e) throw new Unsupported('missing argument');
  const { params, body } = c.iteration(input, scope, (inner) => c.compile(e, inner));
  return `${params} => ${as(body)}`;
}

/** where()'s test of a criterion's result (see rt.crit). */
function criterion(c: Compiler, v: Val): string {
  if (v.form === 'one' && !v.nodes && v.types.length === 1 && v.types[0].kind === 'system' && v.types[0].name === 'Boolean') return `(${v.code}) === true`;
  const booleanNodes = v.nodes && v.types.length > 0 && v.types.every((t) => t.kind === 'fhir' && c.model.valueKind(t) === 'boolean');
  return `rt.crit(${coll(v)}, ${v.nodes}, ${booleanNodes})`;
}

/** A string function: its input as one String (undefined for empty), then `body` on it. */
function stringFn(what: string, result: (s: string, args: string[]) => string, type: 'String' | 'Boolean' | 'Integer', arity: number[]): FunctionCompiler {
  return (c, input, args, scope) => {
    if (!arity.includes(args.length)) throw new Unsupported(`${what} with ${args.length} arguments`);
    const argCodes = args.map((_, i) => {
      const a = arg(c, args, i, scope);
      const integerArg = what === 'substring()';
      return integerArg ? `rt.one(${coll(a)}, ${JSON.stringify(what)})` : `rt.strOpt(${coll(a)}, ${JSON.stringify(what)})`;
    });
    const code = `((s, a) => (s === undefined || a.includes(undefined) ? undefined : ${result('s', args.map((_, i) => `a[${i}]`))}))(rt.str(${coll(input)}, ${JSON.stringify(what)}), [${argCodes.join(', ')}])`;
    return { code, form: 'one', types: [systemType(type)], nodes: false };
  };
}

const noArgs =
  (f: (c: Compiler, input: Val) => Val): FunctionCompiler =>
  (c, input, args) => {
    if (args.length > 0) throw new Unsupported('unexpected arguments');
    return f(c, input);
  };

const FUNCTIONS: Record<string, FunctionCompiler> = {
  empty: noArgs((_, v) => boolean(v.form === 'one' ? `(${v.code}) === undefined` : v.navArgs !== undefined ? `rt.navCount(${v.navArgs}) === 0` : `${v.code}.length === 0`)),
  exists: (c, v, args, scope) => {
    if (args.length === 0) return boolean(v.form === 'one' ? `(${v.code}) !== undefined` : v.navArgs !== undefined ? `rt.navCount(${v.navArgs}) > 0` : `${v.code}.length > 0`);
    return boolean(`${coll(v)}.filter(${lambda(c, v, args[0], scope, (b) => criterion(c, b))}).length > 0`);
  },
  all: (c, v, args, scope) => boolean(`${coll(v)}.every(${lambda(c, v, args[0], scope, (b) => `rt.allTrue(${coll(b)})`)})`),
  count: noArgs((_, v) => integer(v.navArgs !== undefined ? `rt.navCount(${v.navArgs})` : `${coll(v)}.length`)),
  distinct: noArgs((c, v) => same(v, `rt.distinct(${coll(v)}, ${c.sameKind(v, v)}, ${v.nodes})`)),
  isDistinct: noArgs((c, v) => boolean(`rt.isDistinct(${coll(v)}, ${c.sameKind(v, v)}, ${v.nodes})`)),
  where: (c, v, args, scope) => same(v, `${coll(v)}.filter(${lambda(c, v, args[0], scope, (b) => criterion(c, b))})`),
  select: (c, v, args, scope) => {
    if (!args[0]) throw new Unsupported('select() without an argument');
    const { params, body } = c.iteration(v, scope, (inner) => c.compile(args[0], inner));
    return { code: `${coll(v)}.flatMap(${params} => ${coll(body)})`, form: 'coll', types: body.types, nodes: body.nodes };
  },
  first: noArgs((_, v) => same(v, `${coll(v)}[0]`, 'one')),
  last: noArgs((_, v) => same(v, `rt.last(${coll(v)})`, 'one')),
  tail: noArgs((_, v) => same(v, `${coll(v)}.slice(1)`)),
  single: noArgs((_, v) => same(v, `rt.single(${coll(v)})`, 'one')),
  not: noArgs((_, v) => boolean(v.form === 'one' && !v.nodes && v.types.every((t) => t.kind === 'system' && t.name === 'Boolean') ? `rt.neg(${v.code})` : `rt.not(${coll(v)})`)),
  iif: (c, v, args, scope) => {
    if (args.length < 2 || args.length > 3) throw new Unsupported('iif() arity');
    const inner = c.withSelf(v, scope);
    const cond = c.compile(args[0], inner);
    const yes = c.compile(args[1], inner);
    const no = args[2] ? c.compile(args[2], inner) : undefined;
    const test = `rt.allTrue(${coll(cond)})`;
    return { code: `(${test} ? ${coll(yes)} : ${no ? coll(no) : '[]'})`, form: 'coll', types: unionTypes(yes.types, no?.types ?? []), nodes: yes.nodes && (no?.nodes ?? true) };
  },
  trace: (c, v, args, scope) => {
    if (args.length === 0 || args.length > 2) throw new Unsupported('trace() arity');
    arg(c, args, 0, scope);
    if (args.length === 2) {
      const projected = c.compile(args[1], c.withSelf(v, scope));
      return same(v, `((x) => (void ${coll(projected)}, x))(${coll(v)})`);
    }
    return v;
  },
  hasValue: noArgs((c, v) => boolean(`rt.hasValue(${coll(v)}, ${primitiveTypes(c, v.types)})`)),
  children: noArgs((_, v) => ({ code: `rt.children(${coll(v)})`, form: 'coll', types: [{ kind: 'any' }], nodes: true })),
  descendants: noArgs((_, v) => ({ code: `rt.descendants(${coll(v)})`, form: 'coll', types: [{ kind: 'any' }], nodes: true })),
  ofType: (c, v, args) => compileTypeOp(c, 'ofType', v, oneTypeArgument(args)),
  is: (c, v, args) => compileTypeOp(c, 'is', v, oneTypeArgument(args)),
  as: (c, v, args) => compileTypeOp(c, 'as', v, oneTypeArgument(args)),
  resolve: noArgs((c, v) => {
    if (!v.types.every((t) => t.kind === 'fhir' && c.model.derivesFrom(t.code, 'Reference'))) throw new Unsupported('resolve() on other values than References');
    return { code: `rt.resolve(${coll(v)}, env)`, form: 'coll', types: [{ kind: 'resource' }], nodes: true };
  }),
  toInteger: noArgs((_, v) => integer(`rt.toInteger(${coll(v)})`)),
  toString: noArgs((c, v) => {
    if (c.kinds(v).some((k) => k === 'object' || k === 'quantity' || k === 'unknown')) throw new Unsupported('toString() on complex values');
    return string(`rt.toStr(${coll(v)})`);
  }),
  length: stringFn('length()', (s) => `${s}.length`, 'Integer', [0]),
  startsWith: stringFn('startsWith()', (s, [a]) => `${s}.startsWith(${a})`, 'Boolean', [1]),
  endsWith: stringFn('endsWith()', (s, [a]) => `${s}.endsWith(${a})`, 'Boolean', [1]),
  contains: stringFn('contains()', (s, [a]) => `${s}.includes(${a})`, 'Boolean', [1]),
  matches: stringFn('matches()', (s, [a]) => `rt.matches(${s}, ${a})`, 'Boolean', [1]),
  upper: stringFn('upper()', (s) => `${s}.toUpperCase()`, 'String', [0]),
  lower: stringFn('lower()', (s) => `${s}.toLowerCase()`, 'String', [0]),
  indexOf: stringFn('indexOf()', (s, [a]) => `${s}.indexOf(${a})`, 'Integer', [1]),
  substring: stringFn('substring()', (s, [a, b]) => `rt.substring(${s}, ${a}, ${b ?? 'undefined'})`, 'String', [1, 2]),
};

function oneTypeArgument(args: Expr[]) {
  if (args.length !== 1) throw new Unsupported('a type function takes one type');
  return typeArgument(args[0]);
}

/** hasValue()'s static knowledge: true when every type is primitive, false when none is, undefined when mixed or unknown. */
function primitiveTypes(c: Compiler, types: FpType[]): string {
  const prim = types.map((t) => (t.kind === 'system' ? true : t.kind === 'fhir' ? c.model.isPrimitive(t.code) : t.kind === 'resource' ? false : undefined));
  if (prim.length > 0 && prim.every((p) => p === true)) return 'true';
  if (prim.length > 0 && prim.every((p) => p === false)) return 'false';
  return 'undefined';
}

export function compileCall(c: Compiler, name: string, args: Expr[], input: Val, scope: Scope): Val {
  const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) throw new Unsupported(`function ${name}()`);
  return fn(c, input, args, scope);
}

