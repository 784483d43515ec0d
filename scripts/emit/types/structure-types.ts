/**
 * TypeScript declarations of FHIR structures, written from StructureDefinition snapshots: the base types
 * (hl7.fhir.r3.core, found through the element model) and the project's profiles and extensions, by one
 * walker over the snapshot tree (element-tree.ts). A profile's snapshot is complete, so a profile type
 * stands on its own; it refers to base types only for elements the profile leaves as they are.
 *
 * Per element: `min >= 1` required; `max = 0` `?: never`; repeating (base max not 1) an array; a choice of
 * two or more types a union of variants, each naming one `valueX` and the others `?: never`; a `code`
 * with a required binding the value set's literal union, with an extensible one that union or any string;
 * a Coding/CodeableConcept with such a binding `CodingOf<...>`/`CodeableConceptOf<...>`; a primitive
 * fixed or pattern value a literal; sliced elements (extensions by URL) a union of the slices' types and,
 * unless the slicing is closed, the unsliced item type; primitives get their `_x` companion (`Element`).
 * Base types are emitted only as far as something refers to them (transitively), in name order.
 * While writing, each type's code rules are collected (`codeRules`, see code-rules.ts): which properties lead
 * to a code with a required binding, for the runtime guards.
 */
import { fixedOrPattern, type ElementDefinition, type StructureDefinition } from '../../model/fhir.js';
import { upperFirst, type ElementModel } from '../../resolve/element-model.js';
import type { CodeRule } from './code-rules.js';
import { elementTree, type ElementGroup, type ElementNode } from './element-tree.js';
import { compareStrings, jsDoc, pascalCase, propertyKey, profileTypeName, type NameRegistry } from './naming.js';
import type { BoundCode, TerminologyTypes } from './terminology-types.js';

export type Area = 'base' | 'profiles';

/**
 * Any resource, where an element holds one (`contained`, `Bundle.entry.resource`): the union of every
 * concrete STU3 resource type (so each is written, as @types/fhir's `FhirResource` is).
 */
export const ANY_RESOURCE = 'FhirResource';

/** Generic helpers written beside the base types (bindings on Coding and CodeableConcept). */
const HELPERS = [
  ...jsDoc(['A Coding whose `code` is one of `C` (a bound value set).']),
  "export type CodingOf<C extends string> = Omit<Coding, 'code'> & { code?: C };",
  ...jsDoc(['A CodeableConcept whose codings take their `code` from `C` (a bound value set).']),
  "export type CodeableConceptOf<C extends string> = Omit<CodeableConcept, 'coding'> & { coding?: Array<CodingOf<C>> };",
];

/** Where an object type is being written: its name, its FHIR type, and a binding its `code`/`coding` inherit. */
interface ObjectScope {
  readonly name: string;
  readonly area: Area;
  readonly fhirType: string;
  readonly codeBinding: BoundCode | undefined;
}

/** One item type: its TypeScript text, and how a guard checks its codes (see code-rules.ts). */
interface Item {
  readonly ts: string;
  readonly rule?: CodeRule;
}

export class StructureTypes {
  private readonly declarations = new Map<string, { area: Area; lines: string[] }>();
  /** Per declared type: property -> how its codes are checked. */
  readonly codeRules = new Map<string, Record<string, CodeRule>>();
  private readonly profileNames = new Map<string, string>();
  private readonly baseQueue: string[] = [];
  private readonly baseSeen = new Set<string>();

  constructor(
    private readonly model: ElementModel,
    private readonly terminology: TerminologyTypes,
    private readonly names: NameRegistry,
    /** Every concrete resource type (sorted), for {@link ANY_RESOURCE}. */
    private readonly resourceTypes: readonly string[],
  ) {}

  /** Names every profile first, so profiles can refer to each other (extensions by URL) in any order. */
  registerProfiles(profiles: readonly StructureDefinition[]): void {
    for (const sd of profiles) {
      // A profile whose id is a FHIR type name (`Patient`) must not take the base type's name.
      const wanted = profileTypeName(sd.url);
      const name = this.model.definition(wanted) ? `${wanted}Profile` : wanted;
      this.profileNames.set(sd.url, this.names.name(`profile ${sd.url}`, name));
    }
  }

  profileName(url: string): string | undefined {
    return this.profileNames.get(url);
  }

  /** Writes a profile's type (and the types of what it constrains beneath itself). */
  addProfile(sd: StructureDefinition): void {
    const name = this.profileNames.get(sd.url);
    const root = elementTree(sd);
    if (!name || !root) return;
    const resourceType = this.model.isResourceType(sd.type) ? sd.type : undefined;
    if (resourceType) this.enqueue(resourceType);
    const doc = jsDoc([sd.title ?? sd.name, sd.description, `Profile of ${sd.type}: ${sd.url}`]);
    this.writeObject(root, { name, area: 'profiles', fhirType: sd.type, codeBinding: undefined }, doc, resourceType);
  }

  /** Writes every base type referred to so far, and what they refer to. */
  drainBaseTypes(): void {
    // The binding helpers (HELPERS) refer to these two.
    this.enqueue('Coding');
    this.enqueue('CodeableConcept');
    for (let type = this.baseQueue.shift(); type !== undefined; type = this.baseQueue.shift()) {
      if (type === ANY_RESOURCE) {
        this.writeAnyResource();
        continue;
      }
      const sd = this.model.definition(type);
      const root = sd && elementTree(sd);
      if (!sd || !root) continue;
      const resourceType = this.model.isResourceType(type) ? type : undefined;
      this.writeObject(root, { name: type, area: 'base', fhirType: type, codeBinding: undefined }, jsDoc([root.element.definition, sd.url]), resourceType);
    }
  }

  /** The declarations of one area, in name order (base types after the binding helpers). */
  declarationsOf(area: Area): string[] {
    const names = [...this.declarations.keys()].filter((n) => this.declarations.get(n)?.area === area).sort(compareStrings);
    const lines = area === 'base' ? [...HELPERS, ''] : [];
    for (const n of names) lines.push(...(this.declarations.get(n)?.lines ?? []), '');
    return lines;
  }

  /** Every declared name of an area (for the import lists of the other files). */
  namesOf(area: Area): string[] {
    const names = [...this.declarations.keys()].filter((n) => this.declarations.get(n)?.area === area);
    if (area === 'base') names.push('CodingOf', 'CodeableConceptOf');
    return names.sort(compareStrings);
  }

  /** A base type by FHIR type name, queued for writing. */
  private baseType(type: string): string {
    return this.enqueue(this.model.isResourceSlot(type) ? ANY_RESOURCE : type);
  }

  /** Queues a base type (or the open Resource) for writing, once; returns its name. */
  private enqueue(name: string): string {
    if (!this.baseSeen.has(name)) {
      this.baseSeen.add(name);
      this.names.name(`base ${name}`, name);
      this.baseQueue.push(name);
    }
    return name;
  }

  private writeAnyResource(): void {
    const types = this.resourceTypes.filter((t) => this.model.isResourceType(t));
    for (const t of types) this.enqueue(t);
    const doc = jsDoc(['Any STU3 resource (discriminated by `resourceType`).']);
    this.declarations.set(ANY_RESOURCE, { area: 'base', lines: [...doc, `export type ${ANY_RESOURCE} =`, ...types.map((t, i) => `  | ${t}${i === types.length - 1 ? ';' : ''}`)] });
  }

  /** Writes `scope.name` from a node's children (with `resourceType` first for a resource). */
  private writeObject(node: ElementNode, scope: ObjectScope, doc: string[], resourceType: string | undefined): void {
    if (this.declarations.has(scope.name)) return;
    const entry = { area: scope.area, lines: [] as string[] };
    this.declarations.set(scope.name, entry);
    const props: string[] = [];
    const unions: string[][] = [];
    const rules: Record<string, CodeRule> = {};
    this.codeRules.set(scope.name, rules);
    if (resourceType) props.push(...jsDoc([`The resource type: ${resourceType}.`], '  '), `  resourceType: ${JSON.stringify(resourceType)};`);
    for (const group of node.groups) {
      if (group.name.endsWith('[x]')) this.writeChoice(group, scope, props, unions, rules);
      else this.writeProperty(group, scope, props, rules);
    }
    // TypeScript multiplies intersected unions out: past MAX_CHOICE_PRODUCT (ElementDefinition's six choices of
    // 38 types each) the variants are written as optional properties, without the one-at-a-time rule.
    if (unions.reduce((n, u) => n * (u.length - 1), 1) > MAX_CHOICE_PRODUCT) {
      for (const [header, ...variants] of unions.splice(0)) props.push(`  ${header}`, ...optionalVariants(variants));
    }
    const body = unions.length === 0
      ? [`export interface ${scope.name} {`, ...props, '}']
      : [`export type ${scope.name} = {`, ...props, '}', ...unions.flatMap(([header, ...u]) => [header, '& (', ...u.map((v) => `  | ${v}`), ')']).map((l, i, all) => (i === all.length - 1 ? `${l};` : l))];
    entry.lines = [...doc, ...body];
  }

  private writeProperty(group: ElementGroup, scope: ObjectScope, props: string[], rules: Record<string, CodeRule>): void {
    const node = group.entries[0];
    if (!node) return;
    const e = node.element;
    const key = propertyKey(group.name);
    const max = e.max ?? '1';
    const repeats = (e.base?.max ?? max) !== '1';
    const type = e.type?.[0]?.code;
    const primitive = type === undefined ? !e.contentReference : this.model.isPrimitive(type);
    // No `_x` for XML attributes (`Element.id`, `Extension.url`) nor for XHTML (`Narrative.div`), as FHIR JSON has it.
    const companion = primitive && !e.representation?.includes('xmlAttr') && !(type !== undefined && this.model.primitive(type)?.xhtml);
    if (max === '0') {
      props.push(`  ${key}?: never;`);
      if (companion) props.push(`  ${propertyKey('_' + group.name)}?: never;`);
      return;
    }
    const unsliced = this.itemType(node, type, scope, pascalCase(group.name));
    let item = unsliced.ts;
    let rule = unsliced.rule;
    if (group.slices.length > 0) {
      const open = e.slicing?.rules !== 'closed';
      const slices = group.slices.filter((s) => s.element.max !== '0').map((s) => ({ node: s, item: this.itemType(s, s.element.type?.[0]?.code, scope, pascalCase(group.name) + pascalCase(s.element.sliceName ?? '')) }));
      item = [...new Set([...slices.map((s) => s.item.ts), ...(open ? [unsliced.ts] : [])])].join(' | ');
      const byUrl: Record<string, CodeRule> = {};
      for (const s of slices) {
        const url = sliceUrl(s.node);
        if (url && s.item.rule) byUrl[url] = s.item.rule;
      }
      rule = open && unsliced.rule ? { byUrl, other: unsliced.rule } : { byUrl };
    }
    if (rule) rules[group.name] = rule;
    props.push(...jsDoc([e.short, e.definition, referenceTargets(e)], '  '));
    // A repeating primitive and its `_x` companion are aligned arrays, with null where one side has nothing
    // (json.html: `"given": ["a", null]`, `"_given": [null, {"extension": ...}]`): both may hold null.
    const aligned = (t: string) => (companion ? `${t} | null` : t);
    // A repeating element a profile limits to one stays a JSON array: a one-item tuple.
    const listOf = (t: string) => (max === '1' ? `[${aligned(t)}]` : arrayOf(aligned(t)));
    props.push(`  ${key}${(e.min ?? 0) >= 1 ? '' : '?'}: ${repeats ? listOf(item) : item};`);
    if (companion) props.push(`  ${propertyKey('_' + group.name)}?: ${repeats ? listOf('Element') : 'Element'};`);
    if (companion) this.baseType('Element');
  }

  /** A choice: one variant per allowed type when there are two or more, else a plain property. */
  private writeChoice(group: ElementGroup, scope: ObjectScope, props: string[], unions: string[][], rules: Record<string, CodeRule>): void {
    const base = group.name.slice(0, -3);
    const nodes = [...group.entries, ...group.slices];
    const first = nodes[0];
    if (!first) return;
    const types: string[] = [];
    for (const n of nodes) for (const t of n.element.type ?? []) if (!types.includes(t.code)) types.push(t.code);
    const min = Math.max(...nodes.map((n) => n.element.min ?? 0));
    const closed = nodes.every((n) => n.element.max === '0');
    const variants = types.map((t) => {
      const prop = base + upperFirst(t);
      const node = nodes.find((n) => n.element.path.endsWith('.' + prop) || n.element.sliceName === prop) ?? first;
      const primitive = this.model.isPrimitive(t);
      if (primitive) this.baseType('Element');
      const item: Item = closed ? { ts: 'never' } : this.itemType(node, t, scope, pascalCase(prop));
      if (item.rule) rules[prop] = item.rule;
      return { prop, node, primitive, type: item.ts };
    });
    const doc = jsDoc([first.element.short, first.element.definition], '  ');
    if (closed) {
      for (const v of variants) props.push(`  ${v.prop}?: never;`, ...(v.primitive ? [`  _${v.prop}?: never;`] : []));
      return;
    }
    if (variants.length === 1) {
      const v = variants[0];
      props.push(...doc, `  ${v.prop}${min >= 1 ? '' : '?'}: ${v.type};`, ...(v.primitive ? [`  _${v.prop}?: Element;`] : []));
      return;
    }
    const never = (skip: string | undefined) => variants.filter((v) => v.prop !== skip).flatMap((v) => [`${v.prop}?: never;`, ...(v.primitive ? [`_${v.prop}?: never;`] : [])]);
    const union = variants.map((v) => `{ ${[`${v.prop}: ${v.type};`, ...(v.primitive ? [`_${v.prop}?: Element;`] : []), ...never(v.prop)].join(' ')} }`);
    if (min < 1) union.push(`{ ${never(undefined).join(' ')} }`);
    const header = `// ${group.name}${min >= 1 ? ' (required)' : ''}: one of ${variants.map((v) => v.prop).join(', ')}${min >= 1 ? '' : ', or none'}. ${first.element.short ?? ''}`;
    unions.push([header.trimEnd(), ...union]);
  }

  /** The TypeScript type (and code rule) of one item of an element (or slice) of FHIR type `type`. */
  private itemType(node: ElementNode, type: string | undefined, scope: ObjectScope, nameSuffix: string): Item {
    const e = node.element;
    const binding = this.terminology.boundCode(e.binding) ?? this.inheritedBinding(scope, node);
    if (type === undefined) {
      if (!e.contentReference) return { ts: 'string' };
      const path = e.contentReference.slice(e.contentReference.indexOf('#') + 1);
      this.enqueue(path.split('.')[0]);
      const name = path.split('.').map((s, i) => (i === 0 ? s : pascalCase(s))).join('');
      return { ts: name, rule: { type: name } };
    }
    const primitive = this.model.primitive(type);
    if (primitive) {
      const fixed = fixedOrPattern(e)?.value;
      if (fixed !== undefined && typeof fixed !== 'object') return { ts: JSON.stringify(fixed) };
      if (binding && type === 'code') return { ts: binding.ts, ...(binding.codes ? { rule: { codes: binding.codes } } : {}) };
      return { ts: primitive.xhtml ? 'string' : primitive.jsonType };
    }
    if (this.model.isResourceSlot(type)) return { ts: this.baseType(type), rule: { resource: true } };
    const profile = e.type?.find((t) => t.code === type)?.profile;
    const profileName = profile ? this.profileNames.get(profile) : undefined;
    if (profileName) return { ts: profileName, rule: { type: profileName } };
    if (node.groups.length > 0) {
      const name = this.names.name(`nested ${scope.name} ${nameSuffix}`, scope.name + nameSuffix);
      const codeBinding = type === 'CodeableConcept' || type === 'Coding' ? binding : undefined;
      this.writeObject(node, { name, area: scope.area, fhirType: type, codeBinding }, jsDoc([e.short, e.definition, `${e.id ?? e.path}`]), undefined);
      return { ts: name, rule: { type: name } };
    }
    const baseName = this.baseType(type);
    const codeRule: CodeRule | undefined = binding?.codes ? { props: { code: { codes: binding.codes } } } : undefined;
    if (binding && type === 'Coding') {
      return { ts: `CodingOf<${binding.ts}>`, rule: codeRule ?? { type: baseName } };
    }
    if (binding && type === 'CodeableConcept') {
      this.baseType('Coding');
      return { ts: `CodeableConceptOf<${binding.ts}>`, rule: codeRule ? { props: { coding: codeRule } } : { type: baseName } };
    }
    return { ts: baseName, rule: { type: baseName } };
  }

  /** A binding passed down from a bound CodeableConcept (to its `coding`) or Coding (to its `code`). */
  private inheritedBinding(scope: ObjectScope, node: ElementNode): BoundCode | undefined {
    if (!scope.codeBinding) return undefined;
    const name = node.element.path.slice(node.element.path.lastIndexOf('.') + 1);
    if (scope.fhirType === 'CodeableConcept' && name === 'coding') return scope.codeBinding;
    if (scope.fhirType === 'Coding' && name === 'code') return scope.codeBinding;
    return undefined;
  }
}

/** The most variant combinations a type's choice unions may give before they are written as optional properties. */
export const MAX_CHOICE_PRODUCT = 1000;

/** The variants of a choice union (`{ valueX: T; _valueX?: Element; valueY?: never; ... }`) as optional properties. */
function optionalVariants(variants: readonly string[]): string[] {
  const props: string[] = [];
  for (const v of variants) {
    for (const member of v.slice(2, -2).split('; ')) {
      const decl = member.replace(/;$/, '');
      if (decl.endsWith('?: never')) continue;
      const colon = decl.indexOf(':');
      const key = decl.slice(0, colon).replace(/\?$/, '');
      props.push(`  ${key}?:${decl.slice(colon + 1)};`);
    }
  }
  return props;
}

function arrayOf(item: string): string {
  return /^[A-Za-z0-9_]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
}

/** The URL a slice's items carry: its extension profile, or the fixed `url` of an inline slice. */
function sliceUrl(slice: ElementNode): string | undefined {
  const profile = slice.element.type?.find((t) => t.code === 'Extension')?.profile;
  if (profile) return profile;
  const url = slice.groups.find((g) => g.name === 'url')?.entries[0]?.element;
  const fixed = url ? fixedOrPattern(url)?.value : undefined;
  return typeof fixed === 'string' ? fixed : undefined;
}

/** The profiles a Reference element may point at (`targetProfile`), as a JSDoc paragraph. */
function referenceTargets(e: ElementDefinition): string | undefined {
  const targets = (e.type ?? []).filter((t) => t.code === 'Reference' && t.targetProfile).map((t) => t.targetProfile as string);
  return targets.length ? `Reference to: ${targets.join(', ')}` : undefined;
}

