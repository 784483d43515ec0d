/**
 * The element model: the project's single source of truth for FHIR structure. Everything it knows
 * comes from the snapshots of StructureDefinitions given by a type lookup (the base types of
 * hl7.fhir.r3.core); nothing about FHIR structure is written down by hand.
 *
 * The model answers questions about a *type context*: the name of a type (`Patient`, `HumanName`,
 * `string`), or the path of an element with inline children inside a type (`Patient.contact`,
 * `Timing.repeat`), which is also how a `contentReference` target (`Questionnaire.item`) is named.
 * For a context it lists the child elements in definition order, with their JSON names,
 * cardinalities, type codes and XML form, and it resolves a concrete property name
 * (`valueCodeableConcept`) to its element (`value[x]`) and type (`CodeableConcept`).
 * Contexts are built on first use and cached.
 */
import type { ElementDefinition, ElementDefinitionBinding, StructureDefinition } from '../model/fhir.js';
import type { DefinitionSource } from './resolver.js';

/** Finds the StructureDefinition that defines a type code (`Patient`, `HumanName`, `boolean`, `Age`). */
export type TypeLookup = (typeName: string) => StructureDefinition | undefined;

/** How a primitive's value is written in JSON. */
export type JsonPrimitiveType = 'boolean' | 'number' | 'string';

/** The canonical base of type codes: a type code `X` is defined by `<base>X`. */
export const FHIR_TYPE_BASE = 'http://hl7.org/fhir/StructureDefinition/';
const JSON_TYPE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-json-type';

/** One child element of a type context. */
export interface ChildElement {
  /** The element's path in its defining StructureDefinition, e.g. `Patient.contact`, `Extension.value[x]`. */
  readonly path: string;
  /** The JSON property name without `[x]`: `contact`, `value`. */
  readonly name: string;
  readonly min: number;
  readonly max: string;
  /** True when the element's maximum (its base maximum where the snapshot gives one) is not `1`: the JSON property is an array. */
  readonly repeats: boolean;
  /** The distinct type codes, in definition order; empty for a contentReference or a primitive's own value. */
  readonly types: readonly string[];
  /** True for a choice element (`value[x]`): its JSON name carries the type (`valueString`). */
  readonly choice: boolean;
  /** True when XML carries the element as an attribute (`representation: xmlAttr`: `id` of elements, `Extension.url`, a primitive's `value`). */
  readonly xmlAttribute: boolean;
  /** True when the element is XHTML (`representation: xhtml`). */
  readonly xhtml: boolean;
  /** The context of the element's children when they are inline (backbone elements) or come from a contentReference. */
  readonly inlineContext: string | undefined;
  /** Position among its siblings (definition order). */
  readonly index: number;
  /** The element's binding in its defining StructureDefinition. */
  readonly binding: ElementDefinitionBinding | undefined;
}

/** A concrete JSON property name resolved against a context. */
export interface ResolvedProperty {
  /** The concrete property name (`valueCodeableConcept`, `contact`). */
  readonly property: string;
  readonly element: ChildElement;
  /** The concrete type code; undefined for an element without a type (contentReference, a primitive's value). */
  readonly type: string | undefined;
  /** The context the property's content is read in: the inline/contentReference context, else the type code. */
  readonly context: string | undefined;
  /** The shape of the property's value (see {@link ContentKind}). */
  readonly content: ContentKind;
}

/**
 * The shape of a property's value: `primitive` (a JSON primitive, with `_name` for id/extensions;
 * also a primitive type's own `value`), `xhtml` (an XHTML string), `resource` (a whole resource
 * with its `resourceType`), `complex` (an object read in the property's context).
 */
export type ContentKind = 'primitive' | 'xhtml' | 'resource' | 'complex';

/** What a primitive type is. */
export interface PrimitiveInfo {
  readonly jsonType: JsonPrimitiveType;
  /** True for `xhtml`: the value is an XHTML fragment (the value element's representation is `xhtml`). */
  readonly xhtml: boolean;
}

/** The children of one type context. */
export interface TypeContext {
  /** The context key: `Patient`, `Patient.contact`. */
  readonly key: string;
  /** The type whose StructureDefinition defines the context (`Patient` for `Patient.contact`). */
  readonly typeName: string;
  readonly definition: StructureDefinition;
  /** Child elements in definition order. */
  readonly children: readonly ChildElement[];
  /** Set when the context is a primitive type. */
  readonly primitive: PrimitiveInfo | undefined;
  /** Every JSON property name the context accepts (choice elements once per type). */
  readonly properties: ReadonlyMap<string, ResolvedProperty>;
}

/** Children grouped by parent path, for one StructureDefinition snapshot. */
interface SnapshotIndex {
  rootPath: string;
  byParent: Map<string, ElementDefinition[]>;
}

export class ElementModel {
  private readonly contexts = new Map<string, TypeContext | null>();
  private readonly indexes = new WeakMap<StructureDefinition, SnapshotIndex>();
  private readonly primitives = new Map<string, PrimitiveInfo | null>();
  private readonly resourceTypes = new Map<string, boolean>();

  constructor(private readonly lookup: TypeLookup) {}

  /** A model over a definition source: a type code resolves by type name, then by its canonical URL (`<FHIR_TYPE_BASE><code>`). */
  static fromSource(source: DefinitionSource): ElementModel {
    return new ElementModel(
      (name) =>
        source.byTypeName(name) ?? (source.byUrl(FHIR_TYPE_BASE + name, 'StructureDefinition') as StructureDefinition | undefined),
    );
  }

  /** The StructureDefinition that defines a type code. */
  definition(typeName: string): StructureDefinition | undefined {
    return this.lookup(typeName);
  }

  /** The `kind` of a type (`primitive-type`, `complex-type`, `resource`, `logical`), undefined when unknown. */
  kindOf(typeName: string): StructureDefinition['kind'] | undefined {
    return this.lookup(typeName)?.kind;
  }

  isPrimitive(typeName: string): boolean {
    return this.primitive(typeName) !== undefined;
  }

  /** True for a concrete resource type (`Patient`, not `Resource`/`DomainResource`). */
  isResourceType(typeName: string): boolean {
    const known = this.resourceTypes.get(typeName);
    if (known !== undefined) return known;
    const sd = this.lookup(typeName);
    if (!sd) return false; // not remembered: names from payloads must not grow the cache
    const is = sd.kind === 'resource' && !sd.abstract && sd.type === typeName;
    this.resourceTypes.set(typeName, is);
    return is;
  }

  /** True when an element of this type holds a whole resource (`Resource`, `DomainResource`, or a resource type). */
  isResourceSlot(typeName: string): boolean {
    return this.kindOf(typeName) === 'resource';
  }

  /** How a primitive type is written in JSON (from the json-type extension on its value element), undefined for a non-primitive. */
  primitive(typeName: string): PrimitiveInfo | undefined {
    let info = this.primitives.get(typeName);
    if (info === undefined) {
      info = this.buildPrimitive(typeName);
      this.primitives.set(typeName, info);
    }
    return info ?? undefined;
  }

  /** The JSON type of a primitive's value, undefined for a non-primitive. */
  primitiveJsonType(typeName: string): JsonPrimitiveType | undefined {
    return this.primitive(typeName)?.jsonType;
  }

  /** A type context by key (`Patient`, `Patient.contact`, `Questionnaire.item`), undefined when the type or path is unknown. */
  context(key: string): TypeContext | undefined {
    let ctx = this.contexts.get(key);
    if (ctx === undefined) {
      ctx = this.buildContext(key);
      this.contexts.set(key, ctx);
    }
    return ctx ?? undefined;
  }

  /** The child elements of a context, in definition order. */
  children(key: string): readonly ChildElement[] | undefined {
    return this.context(key)?.children;
  }

  /** Resolves a concrete JSON property name in a context: `valueCodeableConcept` -> `value[x]` as `CodeableConcept`. */
  property(key: string, property: string): ResolvedProperty | undefined {
    return this.context(key)?.properties.get(property);
  }

  private buildPrimitive(typeName: string): PrimitiveInfo | null {
    const sd = this.lookup(typeName);
    if (!sd || sd.kind !== 'primitive-type') return null;
    const index = this.snapshotIndex(sd);
    const valueElement = index?.byParent.get(index.rootPath)?.find((e) => e.path === `${index.rootPath}.value`);
    return { jsonType: jsonTypeOf(valueElement), xhtml: valueElement?.representation?.includes('xhtml') ?? false };
  }

  private snapshotIndex(sd: StructureDefinition): SnapshotIndex | undefined {
    let index = this.indexes.get(sd);
    if (index) return index;
    const elements = sd.snapshot?.element;
    if (!elements || elements.length === 0) return undefined;
    const rootPath = elements[0].path;
    const byParent = new Map<string, ElementDefinition[]>();
    const seen = new Set<string>();
    for (const e of elements) {
      // Slices (and anything repeating a path already seen) restate the base element: keep the first.
      if (e.sliceName !== undefined || seen.has(e.path)) continue;
      seen.add(e.path);
      const dot = e.path.lastIndexOf('.');
      if (dot < 0) continue;
      const parent = e.path.slice(0, dot);
      let list = byParent.get(parent);
      if (!list) byParent.set(parent, (list = []));
      list.push(e);
    }
    index = { rootPath, byParent };
    this.indexes.set(sd, index);
    return index;
  }

  private buildContext(key: string): TypeContext | null {
    const dot = key.indexOf('.');
    const typeName = dot < 0 ? key : key.slice(0, dot);
    const sd = this.lookup(typeName);
    if (!sd) return null;
    const index = this.snapshotIndex(sd);
    if (!index) return null;
    const path = dot < 0 ? index.rootPath : index.rootPath + key.slice(dot);
    const defs = index.byParent.get(path);
    if (!defs) {
      // A known type with no children (or an inline path that does not exist).
      if (dot >= 0) return null;
    }
    const children: ChildElement[] = [];
    const properties = new Map<string, ResolvedProperty>();
    for (const def of defs ?? []) {
      const child = this.childElement(def, typeName, index, children.length);
      children.push(child);
      const add = (property: string, type: string | undefined) =>
        properties.set(property, { property, element: child, type, context: child.inlineContext ?? type, content: this.contentKind(child, type) });
      if (child.choice) for (const type of child.types) add(child.name + upperFirst(type), type);
      else add(child.name, child.types[0]);
    }
    const primitive = dot < 0 ? this.primitive(typeName) : undefined;
    return { key, typeName, definition: sd, children, primitive, properties };
  }

  private contentKind(element: ChildElement, type: string | undefined): ContentKind {
    if (type === undefined) return element.inlineContext === undefined ? 'primitive' : 'complex';
    const primitive = this.primitive(type);
    if (primitive) return primitive.xhtml ? 'xhtml' : 'primitive';
    return this.kindOf(type) === 'resource' ? 'resource' : 'complex';
  }

  private childElement(def: ElementDefinition, typeName: string, index: SnapshotIndex, position: number): ChildElement {
    const last = def.path.slice(def.path.lastIndexOf('.') + 1);
    const choice = last.endsWith('[x]');
    const types: string[] = [];
    for (const t of def.type ?? []) if (typeof t.code === 'string' && !types.includes(t.code)) types.push(t.code);
    const max = def.max ?? '1';
    let inlineContext: string | undefined;
    if (def.contentReference) {
      const ref = def.contentReference.slice(def.contentReference.indexOf('#') + 1);
      inlineContext = ref.startsWith(index.rootPath) ? typeName + ref.slice(index.rootPath.length) : ref;
    } else if (!choice && index.byParent.has(def.path)) {
      inlineContext = typeName + def.path.slice(index.rootPath.length);
    }
    return {
      path: def.path,
      name: choice ? last.slice(0, -3) : last,
      min: def.min ?? 0,
      max,
      repeats: (def.base?.max ?? max) !== '1',
      types,
      choice,
      xmlAttribute: def.representation?.includes('xmlAttr') ?? false,
      xhtml: def.representation?.includes('xhtml') ?? false,
      inlineContext,
      index: position,
      binding: def.binding,
    };
  }
}

/** The JSON type from the json-type extension on the (code-less) type of a primitive's value element. */
function jsonTypeOf(valueElement: ElementDefinition | undefined): JsonPrimitiveType {
  for (const t of valueElement?.type ?? []) {
    const codeMeta = (t as unknown as Record<string, unknown>)['_code'];
    const extensions = isRecord(codeMeta) && Array.isArray(codeMeta.extension) ? codeMeta.extension : [];
    for (const ext of [...extensions, ...(t.extension ?? [])]) {
      if (!isRecord(ext) || ext.url !== JSON_TYPE_EXTENSION) continue;
      const v = ext.valueString;
      if (v === 'boolean' || v === 'number' || v === 'string') return v;
    }
  }
  return 'string';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `codeableConcept` -> `CodeableConcept`: how a type code becomes a choice suffix. */
export function upperFirst(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}
