/**
 * JSON Schemas (draft-07, with the FHIR keywords of keywords.ts) for FHIR JSON, generated from the element model (base types) and a profile's
 * snapshot (what the profile constrains). Pure: no I/O, same input -> same schemas.
 *
 * Layout: one shared schema (`TYPES_SCHEMA_ID`) with a `$defs` entry per primitive, datatype, backbone
 * element and resource type reached; one schema per profile (`$id` = its URL) whose own `$defs` hold only
 * the nested elements the profile really constrains (`Patient.identifier` when it makes `system` required);
 * a base resource type is its shared definition.
 *
 * Rules: known properties only, and at least one (`fhirProperties`); `resourceType` fixed; arrays exactly where the base repeats, with
 * min/max from the profile; primitives as the SD regexes say, with `_` companions where a primitive is
 * (null placeholders aligned, see keywords.ts); no empty objects, arrays or strings; a choice names its
 * type and appears once; `Resource`-typed elements hold "some resource" (a known `resourceType`), checked
 * with the validator of each profile it claims that the module has, else of its base type
 * (`fhirResource`, which also reports a missing or unknown `resourceType`; the profiles are linked at run time). Required bindings whose
 * value set expands are checked here (`fhirBinding`), the rest by the semantic layer. Slices are left to
 * the semantic layer: a sliced element is checked with its entry's constraints only. A fixed/pattern
 * primitive is a `const`; a fixed/pattern complex value is a partial match (every property it gives,
 * recursively; every array item it gives matched by some item).
 */
import type { ElementDefinition, JsonValue, StructureDefinition } from '../model/fhir.js';
import { fixedOrPattern } from '../model/fhir.js';
import { upperFirst, type ChildElement, type ElementModel } from '../resolve/element-model.js';
import { compiledBinding } from '../terminology/binding-rules.js';
import type { ValueSetExpander } from '../terminology/value-set-expansion.js';
import type { BindingKeyword, ElementRule, ResourceKeyword } from './keywords.js';
import { primitiveRule, primitiveSchema } from './primitive-schemas.js';
import { defKeys, escapePointer, typeRef, TYPES_SCHEMA_ID, type JsonSchema } from './schema-types.js';
import { isObject } from '../util/values.js';

/** A profile's snapshot, indexed by parent path, slices (and what is beneath them) left out. */
interface ProfileScope {
  url: string;
  byParent: Map<string, ElementDefinition[]>;
  defs: Map<string, JsonSchema>;
}

type PropertySchema = JsonSchema | false;

export class JsonSchemaBuilder {
  private readonly defs = new Map<string, JsonSchema>();

  /** `expander`: expands the value sets of required bindings, compiled in as `fhirBinding` (none without it). */
  constructor(
    private readonly model: ElementModel,
    private readonly expander?: ValueSetExpander,
  ) {}

  /** The schema of a profile (a StructureDefinition with a snapshot) on a resource type. */
  profileSchema(sd: StructureDefinition): JsonSchema {
    const scope: ProfileScope = { url: sd.url, byParent: indexSnapshot(sd.snapshot?.element ?? []), defs: new Map() };
    const rootPath = sd.snapshot?.element[0]?.path ?? sd.type;
    const root = this.objectSchema(sd.type, scope, rootPath);
    const defs = sortedObject(scope.defs);
    return { $id: sd.url, ...root, ...(Object.keys(defs).length ? { $defs: defs } : {}) };
  }

  /** The `$ref` of a base resource type's definition (`Bundle`) in the shared schema, the definition built if new. */
  baseRef(type: string): string {
    return this.ref(type).$ref as string;
  }

  /**
   * The shared schema with every definition built so far (call after the profile and base schemas).
   * `types` (base resource type name -> `$id`): the validators "some resource" dispatches to by type
   * (`fhirResource`); the profiles it may claim are linked at run time.
   */
  typesSchema(types: ReadonlyMap<string, string>): JsonSchema {
    const anyResource = this.defs.get(defKeys.anyResource);
    if (anyResource) {
      // Each a `$ref` (read by the keyword, not compiled as a subschema), which also keeps ajv from inlining "some resource".
      const refs = Object.fromEntries([...types].sort(([a], [b]) => compare(a, b)).map(([key, id]) => [key, { $ref: id }]));
      const dispatch: ResourceKeyword = { types: refs };
      this.defs.set(defKeys.anyResource, { type: 'object', fhirResource: dispatch });
    }
    return { $id: TYPES_SCHEMA_ID, $defs: sortedObject(this.defs) };
  }

  private ref(key: string): JsonSchema {
    if (!this.defs.has(key)) {
      this.defs.set(key, {}); // placeholder while building: types refer to themselves (Extension.extension)
      this.defs.set(key, this.buildDef(key));
    }
    return typeRef(key);
  }

  private buildDef(key: string): JsonSchema {
    if (key === defKeys.anyResource) return { type: 'object' }; // its fhirResource dispatch is added by typesSchema
    const nullable = key.endsWith('|null');
    const base = nullable ? key.slice(0, -'|null'.length) : key;
    if (base.startsWith('_')) {
      const schema = this.objectSchema(base.slice(1), undefined, undefined, ['value']);
      return nullable ? { ...schema, type: ['object', 'null'] } : schema;
    }
    const rule = primitiveRule(this.model, base);
    if (rule) return primitiveSchema(rule, nullable);
    return this.objectSchema(key, undefined, undefined);
  }

  /** The object schema of a type context, with a profile's constraints when `scope`/`path` are given. */
  private objectSchema(contextKey: string, scope: ProfileScope | undefined, path: string | undefined, skip: readonly string[] = []): JsonSchema {
    const properties: Record<string, PropertySchema> = {};
    const required: string[] = [];
    const rules: ElementRule[] = [];
    if (!contextKey.includes('.') && this.model.isResourceType(contextKey)) {
      properties.resourceType = { const: contextKey };
      required.push('resourceType');
    }
    for (const child of this.model.children(contextKey) ?? []) {
      if (skip.includes(child.name)) continue;
      const elements = scope && path ? matchingElements(scope, path, child) : [];
      this.addElement(contextKey, child, elements, scope, properties, required, rules);
    }
    const schema: JsonSchema = { type: 'object', fhirProperties: properties };
    if (required.length) schema.required = required;
    if (rules.length) schema.fhirElements = rules.map((r) => ({ ...r }));
    return schema;
  }

  private addElement(
    contextKey: string,
    child: ChildElement,
    elements: ElementDefinition[],
    scope: ProfileScope | undefined,
    properties: Record<string, PropertySchema>,
    required: string[],
    rules: ElementRule[],
  ): void {
    const primary = elements[0];
    const min = primary?.min ?? child.min;
    const max = primary?.max ?? child.max;
    const types = allowedTypes(child, elements);
    const props: string[] = [];
    const primitive: string[] = [];
    for (const type of types) {
      const prop = child.choice ? child.name + upperFirst(type) : child.name;
      const resolved = this.model.property(contextKey, prop);
      if (!resolved) continue;
      props.push(prop);
      const isPrimitive = resolved.content === 'primitive' && resolved.type !== undefined;
      const companion = isPrimitive && !child.xmlAttribute;
      if (companion) primitive.push(prop);
      if (max === '0') {
        properties[prop] = false;
        if (companion) properties['_' + prop] = false;
        continue;
      }
      const element = elements.find((e) => e.path.endsWith('.' + prop)) ?? primary;
      const binding = this.bindingKeyword(element ? element.binding : child.binding, resolved.type);
      const value = this.valueSchema(resolved.content, resolved.type, resolved.context, element, scope, child.repeats);
      const item = binding ? { ...value, fhirBinding: binding } : value;
      properties[prop] = child.repeats ? arraySchema(item, min, max) : item;
      if (companion && resolved.type) {
        const companionItem = this.ref(child.repeats ? defKeys.nullableCompanion(resolved.type) : defKeys.companion(resolved.type));
        properties['_' + prop] = child.repeats ? arraySchema(companionItem, 0, '*') : companionItem;
      }
    }
    if (max === '0' || props.length === 0) return;
    const needsRule = (min >= 1 && (primitive.length > 0 || props.length > 1)) || props.length > 1 || (child.repeats && primitive.length > 0);
    if (needsRule) rules.push({ name: child.choice ? `${child.name}[x]` : child.name, props, min, primitive, array: child.repeats });
    else if (min >= 1) required.push(props[0]);
  }

  private valueSchema(
    content: string,
    type: string | undefined,
    context: string | undefined,
    element: ElementDefinition | undefined,
    scope: ProfileScope | undefined,
    repeats: boolean,
  ): JsonSchema {
    const fixed = element ? fixedOrPattern(element) : undefined;
    if (content === 'resource') return this.ref(defKeys.anyResource);
    if (content === 'primitive' || content === 'xhtml') {
      if (!type) return {};
      const ref = this.ref(repeats ? defKeys.nullable(type) : type);
      return fixed !== undefined && !isObject(fixed.value) ? { ...ref, const: fixed.value } : ref;
    }
    if (!context) return {};
    const ref = scope && element && scope.byParent.has(element.path) && !element.path.endsWith('[x]') ? this.profileDef(scope, context, element.path) : this.ref(context);
    return fixed !== undefined ? { ...ref, ...partialMatch(fixed.value) } : ref;
  }

  /** The `fhirBinding` keyword of a required binding whose value set expands, on a coded type. */
  private bindingKeyword(binding: ElementDefinition['binding'], type: string | undefined): BindingKeyword | undefined {
    const compiled = this.expander && compiledBinding(binding, type, this.expander);
    if (!compiled) return undefined;
    const { url, kind, expansion } = compiled;
    return { url, kind, codes: [...expansion.codes].sort(compare), members: kind === 'code' ? [] : [...expansion.members].sort(compare) };
  }

  /** A profile-specific definition for a constrained nested element, or the shared one when the profile changes nothing there. */
  private profileDef(scope: ProfileScope, contextKey: string, path: string): JsonSchema {
    const own = { $ref: `${scope.url}#/$defs/${escapePointer(path)}` };
    if (scope.defs.has(path)) return own;
    scope.defs.set(path, {});
    const schema = this.objectSchema(contextKey, scope, path);
    const shared = this.ref(contextKey);
    if (JSON.stringify(schema) === JSON.stringify(this.defs.get(contextKey))) {
      scope.defs.delete(path);
      return shared;
    }
    scope.defs.set(path, schema);
    return own;
  }
}

/** The snapshot's elements by parent path, without slices or anything beneath a slice. */
function indexSnapshot(elements: readonly ElementDefinition[]): Map<string, ElementDefinition[]> {
  const byParent = new Map<string, ElementDefinition[]>();
  const sliceIds: string[] = [];
  for (const e of elements) {
    const id = e.id ?? e.path;
    if (sliceIds.some((s) => id.startsWith(s + '.'))) continue;
    if (e.sliceName !== undefined) {
      sliceIds.push(id);
      continue;
    }
    const dot = e.path.lastIndexOf('.');
    if (dot < 0) continue;
    const parent = e.path.slice(0, dot);
    let list = byParent.get(parent);
    if (!list) byParent.set(parent, (list = []));
    list.push(e);
  }
  return byParent;
}

/** The profile elements for a model child under `path`: `name`, `name[x]`, or renamed choices (`valueCode`). */
function matchingElements(scope: ProfileScope, path: string, child: ChildElement): ElementDefinition[] {
  return (scope.byParent.get(path) ?? []).filter((e) => {
    const last = e.path.slice(path.length + 1);
    if (!child.choice) return last === child.name;
    return last === `${child.name}[x]` || child.types.some((t) => last === child.name + upperFirst(t));
  });
}

/** The child's types the profile still allows (all of them when the profile says nothing). */
function allowedTypes(child: ChildElement, elements: ElementDefinition[]): string[] {
  if (child.types.length === 0) return [''];
  const codes = new Set(elements.flatMap((e) => (e.type ?? []).map((t) => t.code)));
  const allowed = child.types.filter((t) => codes.has(t));
  return allowed.length ? allowed : [...child.types];
}

function arraySchema(items: JsonSchema, min: number, max: string): JsonSchema {
  const schema: JsonSchema = { type: 'array', minItems: Math.max(1, min), items };
  if (max !== '*') schema.maxItems = Number(max);
  return schema;
}

/** A schema every value that contains `value` matches: objects property by property, arrays item by item (`contains`). */
function partialMatch(value: JsonValue): JsonSchema {
  if (Array.isArray(value)) return { type: 'array', allOf: value.map((v) => ({ contains: partialMatch(v) })) };
  if (!isObject(value)) return { const: value };
  const properties: Record<string, JsonSchema> = {};
  for (const [k, v] of Object.entries(value)) properties[k] = partialMatch(v);
  return { type: 'object', required: Object.keys(value), properties };
}


function sortedObject(map: Map<string, JsonSchema>): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const key of [...map.keys()].sort(compare)) out[key] = map.get(key) as JsonSchema;
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
