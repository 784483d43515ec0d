/**
 * What the FHIRPath compiler knows about types, all of it from the element model (StructureDefinitions):
 * the children of a type context with their types and cardinalities, choice elements and their type
 * suffixes, primitive kinds (how a value compares), and the type hierarchy for `is`/`as`/`ofType`.
 */
import type { StructureDefinition } from '../../model/fhir.js';
import { FHIR_TYPE_BASE, upperFirst, type ChildElement, type ElementModel } from '../../resolve/element-model.js';

export type SystemType = 'Boolean' | 'String' | 'Integer' | 'Decimal' | 'Date' | 'DateTime' | 'Time' | 'Quantity';

/**
 * The static type of collection items: a FHIR element (`code`: its type code; `ctx`: the element-model
 * context its children are read in), a System value (literals, function results), a resource whose type
 * is known at run time only, or anything (items of children()/descendants()).
 */
export type FpType = { kind: 'fhir'; code: string; ctx: string } | { kind: 'system'; name: SystemType } | { kind: 'resource' } | { kind: 'any' };

/** How values of a type compare: as strings, numbers, booleans, date/times (with their kind), quantities, objects. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'date' | 'dateTime' | 'instant' | 'time' | 'quantity' | 'object' | 'unknown';

/** A child element as navigation sees it. */
export interface NavChild {
  readonly element: ChildElement;
  /** The item types, in the element's type order (one per choice type). */
  readonly types: FpType[];
  /** Choice elements: the JSON name suffixes (`Quantity`, `String`), in the same order. */
  readonly suffixes: string[] | undefined;
}

const SYSTEM_OF_PRIMITIVE: Record<string, ValueKind> = { string: 'string', uri: 'string', base64Binary: 'string', xhtml: 'string', boolean: 'boolean', integer: 'number', decimal: 'number', date: 'date', dateTime: 'dateTime', instant: 'instant', time: 'time' };

export class FhirPathModel {
  private readonly rootPrimitive = new Map<string, string | undefined>();

  /**
   * `choiceNames`: the names of every choice element of the model (`value`, `effective`, ...), for navigation
   * of items whose type is known only at run time (children(), descendants()); without it such
   * navigation is not compiled.
   */
  constructor(
    readonly elements: ElementModel,
    readonly choiceNames?: ReadonlySet<string>,
  ) {}

  /** A model whose choice names come from a set of StructureDefinitions (those of the core, say). */
  static fromDefinitions(elements: ElementModel, definitions: Iterable<StructureDefinition>): FhirPathModel {
    const names = new Set<string>();
    for (const sd of definitions)
      for (const e of sd.snapshot?.element ?? []) {
        const last = e.path.slice(e.path.lastIndexOf('.') + 1);
        if (last.endsWith('[x]')) names.add(last.slice(0, -3));
      }
    return new FhirPathModel(elements, names);
  }

  /** The type of a node in a context (`Patient`, `Patient.contact`, `string`), undefined when the model does not know it. */
  contextType(ctx: string): FpType | undefined {
    if (ctx.includes('.')) {
      const parent = ctx.slice(0, ctx.lastIndexOf('.'));
      const name = ctx.slice(ctx.lastIndexOf('.') + 1);
      const child = this.elements.children(parent)?.find((c) => c.name === name);
      if (!child || !this.elements.context(ctx)) return undefined;
      return { kind: 'fhir', code: child.types[0] ?? 'BackboneElement', ctx };
    }
    return this.elements.definition(ctx) ? { kind: 'fhir', code: ctx, ctx } : undefined;
  }

  /** The child `name` of a FHIR type; undefined when the type has no such child. */
  child(type: FpType & { kind: 'fhir' }, name: string): NavChild | undefined {
    const element = this.elements.children(type.ctx)?.find((c) => c.name === name);
    if (!element) return undefined;
    if (element.inlineContext) return { element, types: [{ kind: 'fhir', code: element.types[0] ?? 'BackboneElement', ctx: element.inlineContext }], suffixes: undefined };
    // An element holding a resource (contained, Bundle.entry.resource) has the type of the resource it holds, known at run time.
    const types: FpType[] = element.types.map((code) => (this.elements.isResourceSlot(code) ? { kind: 'resource' } : { kind: 'fhir', code, ctx: code }));
    return { element, types, suffixes: element.choice ? element.types.map(upperFirst) : undefined };
  }

  isPrimitive(code: string): boolean {
    return this.elements.isPrimitive(code);
  }

  isResourceType(code: string): boolean {
    return code === 'Resource' || code === 'DomainResource' || this.elements.kindOf(code) === 'resource';
  }

  /** True when type `code` is `name` or derives from it (`code` is a `string`; `Age` is a `Quantity`). */
  derivesFrom(code: string, name: string): boolean {
    const seen = new Set<string>();
    for (let t: string | undefined = code; t && !seen.has(t); t = this.baseOf(t)) {
      if (t === name) return true;
      seen.add(t);
    }
    return false;
  }

  /** Whether a FHIR type code names a type the model knows. */
  knows(code: string): boolean {
    return this.elements.definition(code) !== undefined;
  }

  private baseOf(code: string): string | undefined {
    const base = this.elements.definition(code)?.baseDefinition;
    return base?.startsWith(FHIR_TYPE_BASE) ? base.slice(FHIR_TYPE_BASE.length) : undefined;
  }

  /** How values of a type compare. */
  valueKind(t: FpType): ValueKind {
    if (t.kind === 'system') {
      const kinds: Record<SystemType, ValueKind> = { Boolean: 'boolean', String: 'string', Integer: 'number', Decimal: 'number', Date: 'date', DateTime: 'dateTime', Time: 'time', Quantity: 'quantity' };
      return kinds[t.name];
    }
    if (t.kind !== 'fhir') return t.kind === 'resource' ? 'object' : 'unknown';
    if (this.isPrimitive(t.code)) return SYSTEM_OF_PRIMITIVE[this.primitiveRoot(t.code) ?? ''] ?? 'unknown';
    return this.derivesFrom(t.code, 'Quantity') ? 'quantity' : 'object';
  }

  /** The primitive a primitive type specialises (`code` -> `string`, `positiveInt` -> `integer`, `instant` -> `instant`). */
  private primitiveRoot(code: string): string | undefined {
    if (this.rootPrimitive.has(code)) return this.rootPrimitive.get(code);
    let root: string | undefined;
    for (let t: string | undefined = code; t; t = this.baseOf(t)) {
      if (t in SYSTEM_OF_PRIMITIVE) {
        root = t;
        break;
      }
      if (!this.isPrimitive(t)) break;
    }
    this.rootPrimitive.set(code, root);
    return root;
  }
}

/** The distinct types of a union, in order. */
export function unionTypes(...lists: FpType[][]): FpType[] {
  const out: FpType[] = [];
  const keys = new Set<string>();
  for (const t of lists.flat()) {
    const key = JSON.stringify(t);
    if (!keys.has(key)) {
      keys.add(key);
      out.push(t);
    }
  }
  return out;
}

export const systemType = (name: SystemType): FpType => ({ kind: 'system', name });
