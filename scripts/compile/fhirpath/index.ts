/**
 * Compiled FHIRPath invariants: the public side of the compiler.
 *
 *   compileInvariant(expression, context, model)  -> { source } | { unsupported: reason }
 *   buildInvariantModule(invariants, model)       -> one module: the runtime once, a function per distinct
 *                                                    (context, expression), and what did not compile
 *   moduleSource(module)                          -> it as ESM text (for the build to emit)
 *   loadInvariantModule(module)                   -> it in-process: evaluate(context, expression, node, env)
 *   moduleSummary(module)                         -> how many compiled, and the rest with their reasons
 *
 * A compiled function takes the node (a JSON value) and an environment { resource, rootResource, resolve }
 * and gives the invariant's verdict: true (holds: the result is empty or all true), false, or a failure
 * object: { error } (evaluation error: fhirpath.js throws there too) or { fallback } (input the compiled code
 * leaves to the interpreter).
 */
import { Compiler } from './codegen.js';
import { FhirPathModel } from './model.js';
import { RUNTIME_NAMES, RUNTIME_SOURCE } from './runtime.js';
import { parseExpression, Unsupported } from './syntax.js';

export { FhirPathModel } from './model.js';

type RawFunction = (node: unknown, env: InvariantEnv) => unknown;

export type CompiledInvariant = { source: string } | { unsupported: string };

/** One invariant to compile: its constraint key (for reports), expression, and the type context it is evaluated on. */
export interface InvariantSpec {
  key: string;
  expression: string;
  /** The type context of the nodes it is evaluated on: `Patient`, `Patient.contact`, `Quantity`, `dateTime`. */
  context: string;
}

/** What an evaluation gives: the verdict, or why there is none. */
export type InvariantOutcome = boolean | { error: string } | { fallback: string };

/** The environment of an evaluation. `resolve` finds a Reference's target (Bundle entry, contained resource). */
export interface InvariantEnv {
  resource?: unknown;
  rootResource?: unknown;
  resolve?: (reference: string) => unknown;
}

/** Compiles one expression for nodes of a type context, as the source of an expression giving `function (node, env)`, which returns the FHIRPath result. */
export function compileInvariant(expression: string, context: string, model: FhirPathModel): CompiledInvariant {
  try {
    const type = model.contextType(context);
    if (!type) return { unsupported: `unknown context type ${context}` };
    const root = context.split('.')[0];
    const resourceType = model.isResourceType(root) && root !== 'Resource' && root !== 'DomainResource' ? root : undefined;
    const compiler = new Compiler(model, resourceType);
    const val = compiler.compileRoot(parseExpression(expression), type);
    const fn = `function (node, env) {\n  const $c = node === undefined || node === null ? [] : Array.isArray(node) ? node : [node];\n  return ${val.code};\n}`;
    if (compiler.constants.size === 0) return { source: fn };
    // Constants (a choice's property names, type masks) are made once, with the function, in a closure around it.
    const declarations = [...compiler.constants].map(([code, name]) => `${name} = ${code}`).join(', ');
    return { source: `(() => {\n  const ${declarations};\n  return ${fn.replace(/\n/g, '\n  ')};\n})()` };
  } catch (e) {
    if (e instanceof Unsupported) return { unsupported: e.message };
    throw e;
  }
}

export interface InvariantModule {
  /** The module body: the runtime, then `const invariants = { id: function, ... }`. */
  body: string;
  /** Compiled entries by id (`context|expression`). */
  compiled: ReadonlyMap<string, InvariantSpec[]>;
  /** What did not compile, with why. */
  unsupported: Array<InvariantSpec & { reason: string }>;
}

export const invariantId = (context: string, expression: string): string => `${context}|${expression}`;

/** Many invariants as one module; each distinct (context, expression) compiled once. Deterministic: ids in sorted order. */
export function buildInvariantModule(invariants: Iterable<InvariantSpec>, model: FhirPathModel): InvariantModule {
  const byId = new Map<string, InvariantSpec[]>();
  for (const inv of invariants) {
    const id = invariantId(inv.context, inv.expression);
    const list = byId.get(id);
    if (list) list.push(inv);
    else byId.set(id, [inv]);
  }
  const compiled = new Map<string, InvariantSpec[]>();
  const unsupported: InvariantModule['unsupported'] = [];
  const functions: string[] = [];
  for (const id of [...byId.keys()].sort()) {
    const specs = byId.get(id) as InvariantSpec[];
    const result = compileInvariant(specs[0].expression, specs[0].context, model);
    if ('unsupported' in result) {
      for (const s of specs) unsupported.push({ ...s, reason: result.unsupported });
      continue;
    }
    compiled.set(id, specs);
    functions.push(`  ${JSON.stringify(id)}: ${result.source.replace(/\n/g, '\n  ')},`);
  }
  const body = [
    '// Generated: compiled FHIRPath invariants (scripts/compile/fhirpath).',
    `const rt = (() => {${RUNTIME_SOURCE}\nreturn { ${RUNTIME_NAMES.join(', ')} };\n})();`,
    EVALUATE_SOURCE,
    'const invariants = {',
    ...functions,
    '};',
  ].join('\n');
  return { body, compiled, unsupported };
}

/** The verdict of one compiled function on one node (see InvariantOutcome). */
const EVALUATE_SOURCE = `function evaluate(fn, node, env) {
  try {
    return rt.verdict(fn(node, env || {}));
  } catch (e) {
    if (e instanceof rt.Delegate) return { fallback: e.message };
    if (e instanceof rt.FhirPathError) return { error: e.message };
    if (e instanceof RangeError) return { fallback: e.message };
    throw e;
  }
}`;

export type CompiledEvaluator = (node: unknown, env: InvariantEnv) => InvariantOutcome;

/** What an emitted module (moduleSource) exports: its functions by id (`context|expression`) and the verdict of one on a node. */
export interface PrecompiledInvariants {
  invariants: Readonly<Record<string, (node: unknown, env: InvariantEnv) => unknown>>;
  evaluate(fn: (node: unknown, env: InvariantEnv) => unknown, node: unknown, env: InvariantEnv): InvariantOutcome;
}

/**
 * Compiled invariants in-process, one at a time as they are first asked for (a validator compiles what its
 * payloads meet, not every invariant of its definitions): the runtime is instantiated once, each
 * (context, expression) becomes a function over it. Same code as a module's, so the same verdicts.
 */
export function invariantCompiler(model: FhirPathModel): (expression: string, context: string) => CompiledEvaluator | { unsupported: string } {
  let made: { rt: unknown; evaluate: (fn: RawFunction, node: unknown, env: InvariantEnv) => InvariantOutcome } | undefined;
  return (expression, context) => {
    const result = compileInvariant(expression, context, model);
    if ('unsupported' in result) return result;
    made ??= new Function(`const rt = (() => {${RUNTIME_SOURCE}\nreturn { ${RUNTIME_NAMES.join(', ')} };\n})();\n${EVALUATE_SOURCE}\nreturn { rt, evaluate };`)() as NonNullable<typeof made>;
    const { rt, evaluate } = made;
    const fn = new Function('rt', `return ${result.source};`)(rt) as RawFunction;
    return (node, env) => evaluate(fn, node, env);
  };
}

/** The module as ESM text: `invariants` (id -> function) and `evaluate(fn, node, env)`. */
export function moduleSource(module: InvariantModule): string {
  return `${module.body}\nexport { invariants, evaluate };\n`;
}

/**
 * An emitted module (moduleSource's text) made functions in this process, as a classic function body: no
 * module cache stands between a rebuilt file and its reader, and it works the same under any loader.
 */
export function precompiledFromSource(source: string): PrecompiledInvariants {
  const body = source.replace(/\nexport \{ invariants, evaluate \};\n?$/, '');
  if (body === source) throw new Error('not a module of compiled invariants (its export line is missing)');
  return new Function(`${body}\nreturn { invariants, evaluate };`)() as PrecompiledInvariants;
}

export interface LoadedInvariants {
  has(context: string, expression: string): boolean;
  evaluate(context: string, expression: string, node: unknown, env?: InvariantEnv): InvariantOutcome;
  /** The FHIRPath result itself (a collection, or a single value / undefined), for tests. */
  result(context: string, expression: string, node: unknown, env?: InvariantEnv): unknown;
}

/** The module in-process (the same text the build would emit, evaluated here). */
export function loadInvariantModule(module: InvariantModule): LoadedInvariants {
  const made = new Function(`${module.body}\nreturn { invariants, evaluate };`)() as {
    invariants: Record<string, RawFunction>;
    evaluate: (fn: RawFunction, node: unknown, env: InvariantEnv | undefined) => InvariantOutcome;
  };
  const fn = (context: string, expression: string): RawFunction => {
    const f = made.invariants[invariantId(context, expression)];
    if (!f) throw new Error(`not compiled: ${expression} on ${context}`);
    return f;
  };
  return {
    has: (context, expression) => Object.prototype.hasOwnProperty.call(made.invariants, invariantId(context, expression)),
    evaluate: (context, expression, node, env) => made.evaluate(fn(context, expression), node, env),
    result: (context, expression, node, env) => fn(context, expression)(node, env ?? {}),
  };
}

export interface InvariantSummary {
  total: number;
  compiled: number;
  /** The invariants left to the interpreter, with why. */
  unsupported: Array<InvariantSpec & { reason: string }>;
}

/** How many of a module's invariants compiled, and the rest with their reasons (each spec given to buildInvariantModule once). */
export function moduleSummary(module: InvariantModule): InvariantSummary {
  let compiled = 0;
  for (const specs of module.compiled.values()) compiled += specs.length;
  return { total: compiled + module.unsupported.length, compiled, unsupported: module.unsupported };
}
