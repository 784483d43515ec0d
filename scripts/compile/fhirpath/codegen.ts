/**
 * The FHIRPath compiler: an expression tree (syntax.ts), typed against the element model (model.ts), as
 * one JavaScript expression over the runtime (runtime.ts, reached as `rt`). Each sub-expression compiles
 * to a `Val`: its code, whether that code yields a collection (an array) or a single item (or undefined for
 * empty), its static item types, and whether its items are FHIR nodes. Types decide what the code does:
 * which JSON property a choice element is read from, how values compare (strings, numbers, date/times by
 * precision, quantities), what `is`/`as`/`ofType` keep. Whatever the types do not settle is Unsupported.
 */
import { FhirPathModel, systemType, unionTypes, type FpType, type ValueKind } from './model.js';
import { coll, single, truth, type CompilerApi, type Scope, type Val } from './values.js';
import { Unsupported, type Expr } from './syntax.js';
import { compileCall } from './functions.js';
import { compileTypeOp } from './type-ops.js';

/** Well-known environment variables of FHIR (STU3) with constant values. */
const CONSTANTS: Record<string, string> = { ucum: 'http://unitsofmeasure.org', sct: 'http://snomed.info/sct', loinc: 'http://loinc.org' };

export class Compiler implements CompilerApi {
  private lambdas = 0;
  /** Constants by their code, named `$k0`, `$k1`...: declared once around the compiled function. */
  readonly constants = new Map<string, string>();

  /** `resourceType`: the resource type %resource is compiled for (undefined: any resource). */
  constructor(
    readonly model: FhirPathModel,
    private readonly resourceType: string | undefined,
  ) {}

  constant(code: string): string {
    let name = this.constants.get(code);
    if (!name) this.constants.set(code, (name = `$k${this.constants.size}`));
    return name;
  }

  /** The names of a choice element's properties per type, and of their `_` companions, as constants. */
  choiceKeys(name: string, suffixes: readonly string[]): string {
    return `${this.constant(JSON.stringify(suffixes.map((s) => name + s)))}, ${this.constant(JSON.stringify(suffixes.map((s) => `_${name}${s}`)))}`;
  }

  /** Compiles an expression on a context type to the body expression of `(node, env) => result`. */
  compileRoot(expr: Expr, context: FpType): Val {
    const root: Val = { code: '$c', form: 'coll', types: [context], nodes: true };
    return this.compile(expr, { self: root, index: undefined, context: root });
  }

  compile(e: Expr, scope: Scope): Val {
    switch (e.k) {
      case 'literal':
        return this.literal(e);
      case 'empty':
        return { code: '[]', form: 'coll', types: [], nodes: false };
      case 'this':
        return scope.self;
      case 'index':
        if (!scope.index) throw new Unsupported('$index outside an iteration');
        return { code: scope.index, form: 'one', types: [systemType('Integer')], nodes: false };
      case 'variable':
        return this.variable(e.name, scope);
      case 'member':
        return this.member(e.on ? this.compile(e.on, scope) : scope.self, e.name, e.on === undefined);
      case 'call':
        return compileCall(this, e.name, e.args, e.on ? this.compile(e.on, scope) : scope.self, scope);
      case 'binary':
        return this.binary(e.op, e.left, e.right, scope);
      case 'polarity': {
        const v = this.compile(e.operand, scope);
        if (e.op === '+') return v;
        if (e.operand.k === 'literal' && typeof e.operand.value === 'number') return { ...v, code: `(-${v.code})` };
        throw new Unsupported('negation of a non-literal');
      }
      case 'type':
        return compileTypeOp(this, e.op, this.compile(e.operand, scope), e.type);
      case 'indexer': {
        const on = this.compile(e.on, scope);
        const index = this.compile(e.index, scope);
        return { code: `${coll(on)}[${single(index)}]`, form: 'one', types: on.types, nodes: on.nodes };
      }
    }
  }

  /** A nested scope for an iteration (where, select, all, exists): `$this` is one item of `input`, `$index` its position. */
  iteration(input: Val, scope: Scope, body: (inner: Scope) => Val): { params: string; body: Val } {
    const n = ++this.lambdas;
    const self: Val = { code: `t${n}`, form: 'one', types: input.types, nodes: input.nodes };
    return { params: `(t${n}, i${n})`, body: body({ self, index: `i${n}`, context: scope.context }) };
  }

  /** A nested scope whose `$this` is the whole input (iif). */
  withSelf(input: Val, scope: Scope): Scope {
    return { self: input, index: scope.index, context: scope.context };
  }

  private literal(e: Expr & { k: 'literal' }): Val {
    if (e.type === 'Time') throw new Unsupported('time literals');
    return { code: JSON.stringify(e.value), form: 'one', types: [systemType(e.type)], nodes: false };
  }

  private variable(name: string, scope: Scope): Val {
    if (name === 'context') return scope.context;
    if (name === 'resource' || name === 'rootResource') {
      const env = name === 'resource' ? 'env.resource' : '(env.rootResource ?? env.resource)';
      const type = this.resourceType && this.model.contextType(this.resourceType);
      if (type) return { code: `rt.resource(${env}, ${JSON.stringify(this.resourceType)})`, form: 'coll', types: [type], nodes: true };
      return { code: `rt.resource(${env}, undefined)`, form: 'coll', types: [{ kind: 'resource' }], nodes: true };
    }
    if (name in CONSTANTS) return { code: JSON.stringify(CONSTANTS[name]), form: 'one', types: [systemType('String')], nodes: false };
    const vs = /^(vs|ext)-(.+)$/.exec(name);
    if (vs) {
      const url = `http://hl7.org/fhir/${vs[1] === 'vs' ? 'ValueSet' : 'StructureDefinition'}/${vs[2]}`;
      return { code: JSON.stringify(url), form: 'one', types: [systemType('String')], nodes: false };
    }
    throw new Unsupported(`environment variable %${name}`);
  }

  /** Navigation to a child by name, typed by the input's types. */
  member(input: Val, name: string, atRoot: boolean): Val {
    if (atRoot && /^[A-Z]/.test(name) && input.types.length > 0 && input.types.every((t) => t.kind === 'fhir' && this.model.derivesFrom(t.code, name))) return input;
    const types: FpType[][] = [];
    let choice: { suffixes: string[] } | undefined;
    let plain = false;
    for (const t of input.types) {
      const nav = this.navigate(t, name);
      if (nav.choice) {
        if (choice && choice.suffixes.join() !== nav.choice.join()) throw new Unsupported(`choice element ${name} differs between the input's types`);
        choice = { suffixes: nav.choice };
      } else plain = true;
      types.push(nav.types);
    }
    if (choice && plain) throw new Unsupported(`${name} is a choice element for some of the input's types only`);
    const out = unionTypes(...types);
    if (choice) return { code: `rt.navChoice(${coll(input)}, ${this.choiceKeys(name, choice.suffixes)})`, form: 'coll', types: out, nodes: true, choice: { input, name, suffixes: choice.suffixes } };
    const navArgs = `${coll(input)}, ${JSON.stringify(name)}, ${JSON.stringify(`_${name}`)}`;
    return { code: `rt.nav(${navArgs})`, form: 'coll', types: out, nodes: true, navArgs };
  }

  private navigate(t: FpType, name: string): { types: FpType[]; choice?: string[] } {
    const any: FpType[] = [{ kind: 'any' }];
    if (t.kind === 'system') throw new Unsupported(`navigation to ${name} on a System value`);
    if (t.kind === 'any') {
      if (!this.model.choiceNames || this.model.choiceNames.has(name)) throw new Unsupported(`navigation to ${name} on items of unknown type (it may be a choice element)`);
      return { types: any };
    }
    if (t.kind === 'resource') {
      const child = this.model.child({ kind: 'fhir', code: 'DomainResource', ctx: 'DomainResource' }, name);
      if (!child) throw new Unsupported(`navigation to ${name} on a resource whose type is known at run time only`);
      return { types: child.types };
    }
    if (this.model.isPrimitive(t.code)) {
      if (name === 'id') return { types: [{ kind: 'fhir', code: 'string', ctx: 'string' }] };
      if (name === 'extension') return { types: [{ kind: 'fhir', code: 'Extension', ctx: 'Extension' }] };
      return { types: [] };
    }
    const child = this.model.child(t, name);
    // A name the type does not define is still read from the JSON (as fhirpath.js does), its items untyped.
    if (!child) return { types: any };
    if (child.suffixes) return { types: child.types, choice: child.suffixes };
    return { types: child.types };
  }

  private binary(op: string, l: Expr, r: Expr, scope: Scope): Val {
    const left = this.compile(l, scope);
    const right = this.compile(r, scope);
    const bool = (code: string): Val => ({ code, form: 'one', types: [systemType('Boolean')], nodes: false });
    switch (op) {
      case 'and':
      case 'or':
      case 'xor':
      case 'implies':
        return bool(`rt.${op}(${truth(left)}, ${truth(right)})`);
      case '=':
        return bool(`rt.eq(${coll(left)}, ${coll(right)}, ${this.eqKinds(left, right)}, ${left.nodes && right.nodes})`);
      case '!=':
        return bool(`rt.neg(rt.eq(${coll(left)}, ${coll(right)}, ${this.eqKinds(left, right)}, ${left.nodes && right.nodes}))`);
      case '~':
        return bool(`rt.equiv(${coll(left)}, ${coll(right)}, ${this.eqKinds(left, right)})`);
      case '!~':
        return bool(`!rt.equiv(${coll(left)}, ${coll(right)}, ${this.eqKinds(left, right)})`);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return bool(`rt.ord(rt.cmp(${coll(left)}, ${coll(right)}, ${this.orderKinds(left, right)}), ${['<', '<=', '>', '>='].indexOf(op)})`);
      case '|':
        return { code: `rt.union(${coll(left)}, ${coll(right)}, ${this.sameKind(left, right)}, ${left.nodes && right.nodes})`, form: 'coll', types: unionTypes(left.types, right.types), nodes: left.nodes && right.nodes };
      case 'in':
        return bool(`rt.member(${coll(left)}, ${coll(right)}, ${this.eqKinds(left, right)}, ${left.nodes && right.nodes})`);
      case 'contains':
        return bool(`rt.member(${coll(right)}, ${coll(left)}, ${this.eqKinds(right, left)}, ${left.nodes && right.nodes})`);
      case '&':
        return { code: `rt.concat(rt.str(${coll(left)}, "'&'"), rt.str(${coll(right)}, "'&'"))`, form: 'one', types: [systemType('String')], nodes: false };
      case '+':
      case '-':
        return this.arithmetic(op, left, right);
      default:
        throw new Unsupported(`operator ${op}`);
    }
  }

  /** `+` on strings (concatenation) or integers; decimal and date arithmetic are left to the interpreter. */
  private arithmetic(op: '+' | '-', left: Val, right: Val): Val {
    if (op === '-') throw new Unsupported("operator '-'");
    const kinds = [...this.kinds(left), ...this.kinds(right)];
    if (kinds.length > 0 && kinds.every((k) => k === 'string')) return { code: `rt.plus(${coll(left)}, ${coll(right)}, 'string')`, form: 'one', types: [systemType('String')], nodes: false };
    const integer = (t: FpType) => (t.kind === 'system' && t.name === 'Integer') || (t.kind === 'fhir' && this.model.valueKind(t) === 'number' && !this.model.derivesFrom(t.code, 'decimal'));
    if (![...left.types, ...right.types].every(integer)) throw new Unsupported("'+' on other values than strings or integers");
    return { code: `rt.plus(${coll(left)}, ${coll(right)}, 'number')`, form: 'one', types: [systemType('Integer')], nodes: false };
  }

  /** The value kinds of a value's items. */
  kinds(v: Val): ValueKind[] {
    return [...new Set(v.types.map((t) => this.model.valueKind(t)))];
  }

  /** The runtime kind argument for equality of one side: its date/time kind, or 0. */
  private eqKind(v: Val): string {
    const kinds = this.kinds(v);
    if (kinds.some((k) => k === 'quantity' || k === 'time')) throw new Unsupported('equality of quantities or times (unit conversion is the interpreter\'s)');
    const dates = kinds.filter((k) => k === 'date' || k === 'dateTime' || k === 'instant');
    if (dates.length === 0) return '0';
    if (dates.length > 1 || kinds.length > 1) throw new Unsupported('equality on items of date/time and other types');
    return JSON.stringify(dates[0]);
  }

  eqKinds(l: Val, r: Val): string {
    return `${this.eqKind(l)}, ${this.eqKind(r)}`;
  }

  /** One kind for both sides (distinct, union): the same date/time kind, or 0. */
  sameKind(l: Val, r: Val): string {
    const a = this.eqKind(l);
    const b = this.eqKind(r);
    if (a !== b && l.types.length > 0 && r.types.length > 0) throw new Unsupported('a union of date/time and other values');
    return l.types.length > 0 ? a : b;
  }

  private orderKinds(l: Val, r: Val): string {
    const kind = (v: Val): string => {
      const kinds = this.kinds(v);
      if (kinds.length !== 1) throw new Unsupported('comparison of items of several types');
      const k = kinds[0];
      if (k === 'date' || k === 'dateTime' || k === 'instant' || k === 'quantity') return JSON.stringify(k);
      if (k === 'string' || k === 'number' || k === 'boolean') return '0';
      throw new Unsupported(`comparison of ${k} values`);
    };
    return `${kind(l)}, ${kind(r)}`;
  }
}
