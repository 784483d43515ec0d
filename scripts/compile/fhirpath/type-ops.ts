/**
 * Type operations (`is`, `as`, `ofType`), settled at compile time where the static types allow: a choice
 * element's type comes from its JSON name (`valueQuantity`), a FHIR node's from the element model, a
 * System value's from what produced it, a resource's from its `resourceType` at run time.
 */
import { coll, type CompilerApi as Compiler, type Val } from './values.js';
import type { FpType } from './model.js';
import { systemType } from './model.js';
import { Unsupported, type TypeName } from './syntax.js';

const SYSTEM_TYPES = new Set(['Boolean', 'String', 'Integer', 'Decimal', 'Date', 'DateTime', 'Time', 'Quantity']);

export function compileTypeOp(c: Compiler, op: 'is' | 'as' | 'ofType', input: Val, type: TypeName): Val {
  checkKnown(c, type);
  if (input.choice) {
    const { input: from, name, suffixes } = input.choice;
    const mask = c.constant(JSON.stringify(input.types.map((t) => matches(c, t, type) === true)));
    const tagged = `rt.choiceTagged(${coll(from)}, ${c.choiceKeys(name, suffixes)})`;
    const kept = input.types.filter((t) => matches(c, t, type) === true);
    if (op === 'is') return { code: `rt.taggedIs(${tagged}, ${mask})`, form: 'one', types: [systemType('Boolean')], nodes: false };
    return { code: `rt.tagged${op === 'as' ? 'As' : 'OfType'}(${tagged}, ${mask})`, form: 'coll', types: kept, nodes: true };
  }
  const verdicts = input.types.map((t) => matches(c, t, type));
  if (verdicts.length > 0 && verdicts.every((v) => v === 'resource')) return resourceTypeOp(op, input, type);
  const statics = [...new Set(verdicts)];
  if (statics.length > 1 || statics.some((v) => v === 'resource' || v === undefined)) throw new Unsupported(`${op} ${type.name} on items whose types the compiler cannot tell apart`);
  const verdict = statics.length === 0 ? false : (statics[0] as boolean);
  const kept = verdict ? input.types : [];
  if (op === 'is') return { code: `rt.isConst(${coll(input)}, ${verdict})`, form: 'one', types: [systemType('Boolean')], nodes: false };
  if (op === 'as') return { code: `rt.asConst(${coll(input)}, ${verdict})`, form: 'coll', types: kept, nodes: input.nodes };
  return { code: verdict ? coll(input) : '[]', form: 'coll', types: kept, nodes: input.nodes };
}

/** Type tests on resources typed at run time: a concrete resource type by `resourceType`, `Resource` by having one. */
function resourceTypeOp(op: 'is' | 'as' | 'ofType', input: Val, type: TypeName): Val {
  const name = type.name === 'Resource' ? 'undefined' : JSON.stringify(type.name);
  const test = (x: string) => `rt.isResource(${x}, ${name})`;
  const types: FpType[] = [{ kind: 'resource' }];
  if (op === 'ofType') return { code: `${coll(input)}.filter((x) => ${test('x')})`, form: 'coll', types, nodes: true };
  const fn = op === 'is' ? 'isConst' : 'asConst';
  const code = `((c) => rt.${fn}(c, c.length === 1 && ${test('c[0]')}))(${coll(input)})`;
  return op === 'is' ? { code, form: 'one', types: [systemType('Boolean')], nodes: false } : { code, form: 'coll', types, nodes: true };
}

/** A type specifier must name a FHIR type or a System type (fhirpath.js rejects other names). */
function checkKnown(c: Compiler, type: TypeName): void {
  const fhir = type.namespace !== 'System' && c.model.knows(type.name);
  const system = type.namespace !== 'FHIR' && SYSTEM_TYPES.has(type.name);
  if (!fhir && !system) throw new Unsupported(`unknown type ${type.namespace ? `${type.namespace}.` : ''}${type.name}`);
}

/**
 * Whether items of a static type are of the named type: true or false when the compiler knows,
 * 'resource' when a resource's runtime type decides, undefined when nothing does.
 */
function matches(c: Compiler, t: FpType, type: TypeName): boolean | 'resource' | undefined {
  if (t.kind === 'system') return type.namespace !== 'FHIR' && t.name === type.name;
  if (t.kind === 'fhir') return type.namespace !== 'System' && c.model.derivesFrom(t.code, type.name);
  if (t.kind === 'resource') {
    if (type.namespace === 'System') return false;
    if (type.name === 'Resource' || (c.model.isResourceType(type.name) && type.name !== 'DomainResource')) return 'resource';
    return c.model.knows(type.name) && !c.model.isResourceType(type.name) ? false : undefined;
  }
  return undefined;
}
