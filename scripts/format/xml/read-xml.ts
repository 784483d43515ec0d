/**
 * The type-aware FHIR XML reader: converts a FHIR XML resource to FHIR JSON, with the element
 * model deciding everything about structure (arrays or single values, primitives and their JSON
 * types, choice types, nested resources, XML attributes, XHTML). Output properties come in element
 * definition order with `resourceType` first, as the official JSON has them.
 *
 * Bad content never throws: refused or malformed documents, a wrong namespace or an unknown root
 * give an error and no resource; unknown elements and attributes, bad values and misplaced
 * elements give an error with file, line and FHIRPath, and reading carries on without them.
 */
import type { SourceLocation } from '../../diagnostics/diagnostics.js';
import { recordNumberText } from '../../model/number-text.js';
import { LimitReached, type Budget } from '../../util/limits.js';
import type { JsonObject, JsonValue, Resource } from '../../model/fhir.js';
import type { ElementModel, JsonPrimitiveType, ResolvedProperty, TypeContext } from '../../resolve/element-model.js';
import type { LineIndex } from '../line-index.js';
import type { ReaderContext } from '../reader-context.js';
import { XHTML_NS, serializeXhtml } from './xhtml.js';
import {
  CDATA_KEY,
  EMPTY_SCOPE,
  TEXT_KEY,
  attributesOf,
  characterData,
  childrenOf,
  localNameOf,
  namespaceOf,
  parseXmlDocument,
  scopeOf,
  startOf,
  tagOf,
  withDefaultNamespace,
  type NamespaceScope,
  type XmlDocument,
  type XmlNode,
} from './xml-tree.js';

export const FHIR_NS = 'http://hl7.org/fhir';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/**
 * Reads one FHIR XML resource (any resource type, a Bundle included) and returns it as FHIR JSON,
 * or undefined when the document cannot be read at all. Problems go to `ctx.diagnostics`; every
 * resource and object node built gets its `{file, line, column, path}` in `ctx.sources`.
 */
export function readXmlResource(text: string, file: string, ctx: ReaderContext, options: XmlReadOptions = {}): Resource | undefined {
  const doc = parseXmlDocument(text, file, ctx.diagnostics, { budget: options.budget });
  return doc ? convertXmlDocument(doc, file, ctx, options) : undefined;
}

/** The same, from a document already parsed (parseXmlDocument). */
export function convertXmlDocument(doc: XmlDocument, file: string, ctx: ReaderContext, options: XmlReadOptions = {}): Resource | undefined {
  return new FhirXmlConverter(ctx, file, doc.lines, options).readRoot(doc.root, doc.rootTag);
}

/** What a caller can add to reading (the payload validator's XML rules use both). */
export interface XmlReadOptions {
  /**
   * Called for every XHTML element read (a narrative `div`), with its node, the namespace scope around
   * it, its FHIRPath and the line index, before it is serialised: where the narrative rules look.
   */
  onXhtml?: (node: XmlNode, scope: NamespaceScope, path: string, lines: LineIndex) => void;
  /**
   * A document whose root is in no namespace at all is reported (as always) and then read as if its
   * unprefixed elements were in the FHIR namespace, so every other problem shows too.
   */
  readUnqualified?: boolean;
  /**
   * Record every object built in `ctx.sources` (default true). A caller that keeps the document can turn
   * it off and find locations in the tree when it needs one (the payload validator: xml-locate.ts).
   */
  recordSources?: boolean;
  /**
   * The payload's budget: its clock is looked at as elements are read, and reading stops (LimitReached,
   * thrown) once more problems are reported than the issues it has room for.
   */
  budget?: Budget;
}

/** The values gathered for one JSON property of the object being built. */
interface Slot {
  resolved: ResolvedProperty;
  primitive: boolean;
  /** Values in document order; null where a primitive has only an id/extensions. */
  values: JsonValue[];
  /** For primitives: the `_name` objects aligned with `values`. */
  extras: Array<JsonObject | null>;
  /** For number primitives: the `value` attribute's text where `String(value)` would not give it back (scripts/model/number-text.ts). */
  texts?: Map<number, string>;
}

class FhirXmlConverter {
  private readonly model: ElementModel;
  /** Problems this reader may still report before it stops (the budget's room; unlimited without one). */
  private room: number;

  constructor(
    private readonly ctx: ReaderContext,
    private readonly file: string,
    private readonly lines: LineIndex,
    private readonly options: XmlReadOptions = {},
  ) {
    this.model = ctx.model;
    const budget = options.budget;
    this.room = budget ? budget.limits.maxIssues - budget.issues : Infinity;
  }

  readRoot(root: XmlNode, tag: string): Resource | undefined {
    let scope = scopeOf(attributesOf(root), EMPTY_SCOPE);
    const ns = namespaceOf(tag, scope);
    if (ns !== FHIR_NS) {
      this.error('load.xml-namespace', `root element '${tag}' is in namespace '${ns === '' ? '(none)' : (ns ?? '(undeclared prefix)')}', not '${FHIR_NS}'`, root);
      if (!(ns === '' && this.options.readUnqualified)) return undefined;
      scope = withDefaultNamespace(scope, FHIR_NS);
    }
    const name = localNameOf(tag);
    if (!this.model.isResourceType(name)) {
      this.error('load.xml-unknown-resource', `'${name}' is not a FHIR resource type`, root);
      return undefined;
    }
    return this.readResource(root, tag, name, name, scope) as Resource;
  }

  /** A resource element (`<Patient>`): `resourceType` first, then its content. */
  private readResource(node: XmlNode, tag: string, type: string, path: string, scope: NamespaceScope): JsonObject | undefined {
    const context = this.model.context(type);
    if (!context) {
      this.error('load.xml-unknown-resource', `no definition for resource type '${type}'`, node, path);
      return undefined;
    }
    const out: JsonObject = { resourceType: type };
    this.fill(node, tag, context, path, scope, out);
    this.record(out, node, path);
    return out;
  }

  /**
   * Reads an element's attributes and children into `out`, in definition order. Returns the
   * primitive value carried in a `value` attribute when the context is a primitive type.
   */
  private fill(node: XmlNode, tag: string, context: TypeContext, path: string, scope: NamespaceScope, out: JsonObject): JsonValue | undefined {
    const slots: Slot[] = [];
    let primitiveValue: JsonValue | undefined;
    let sorted = true;

    const attributes = attributesOf(node);
    for (const name in attributes) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      if (name.includes(':')) {
        if (namespaceOf(name, scope) === XSI_NS) continue; // xsi:schemaLocation and the like carry no content
        this.error('load.xml-unknown-attribute', `unknown attribute '${name}'`, node, path);
        continue;
      }
      const resolved = context.properties.get(name);
      if (!resolved || !resolved.element.xmlAttribute) {
        this.error('load.xml-unknown-attribute', `unknown attribute '${name}'`, node, path);
        continue;
      }
      // A primitive's own value has the element's path in FHIRPath; other attributes are child elements.
      const attributePath = resolved.type === undefined ? path : `${path}.${name}`;
      const text = attributes[name];
      if (text === '') {
        this.error('load.xml-empty-value', `attribute '${name}' is empty (FHIR XML leaves out a value it does not have)`, node, attributePath);
        if (resolved.type === undefined) primitiveValue = null;
        continue;
      }
      if (resolved.type === undefined) {
        primitiveValue = this.typed(text, context.primitive?.jsonType ?? 'string', node, path);
        continue;
      }
      const value = this.typed(text, this.model.primitiveJsonType(resolved.type) ?? 'string', node, attributePath);
      sorted = sorted && (slots.length === 0 || slots[slots.length - 1].resolved.element.index < resolved.element.index);
      slots.push({ resolved, primitive: false, values: [value], extras: [] });
    }

    let lastIndex = -1;
    for (const child of childrenOf(node, tag)) {
      this.options.budget?.tick();
      const childTag = tagOf(child);
      if (childTag === TEXT_KEY || childTag === CDATA_KEY) {
        if (/\S/.test(characterData(child, childTag))) this.error('load.xml-unexpected-text', 'text content is not allowed here (FHIR XML carries values in attributes)', node, path);
        continue;
      }
      const local = localNameOf(childTag);
      const resolved = context.properties.get(local);
      if (!resolved || resolved.element.xmlAttribute) {
        this.error('load.xml-unknown-element', `unknown element '${local}'`, child, `${path}.${local}`);
        continue;
      }
      const childAttributes = attributesOf(child);
      const childScope = childAttributes ? scopeOf(childAttributes, scope) : scope;
      const element = resolved.element;
      const content = resolved.content;
      const xhtml = content === 'xhtml';
      const ns = namespaceOf(childTag, childScope);
      if (ns !== (xhtml ? XHTML_NS : FHIR_NS)) {
        this.error('load.xml-namespace', `element '${local}' is in namespace '${ns ?? '(undeclared prefix)'}', expected '${xhtml ? XHTML_NS : FHIR_NS}'`, child, `${path}.${local}`);
        continue;
      }
      if (element.index < lastIndex) {
        this.error('load.xml-element-order', `element '${local}' is out of order (FHIR XML follows the definition order)`, child, `${path}.${local}`);
        sorted = false;
      }
      lastIndex = Math.max(lastIndex, element.index);

      let slot = slots.length > 0 && slots[slots.length - 1].resolved.element === element ? slots[slots.length - 1] : slots.find((s) => s.resolved.element === element);
      if (slot && slot.resolved !== resolved) {
        this.error('load.xml-choice-conflict', `'${local}' conflicts with '${slot.resolved.property}' (a choice element takes one type)`, child, `${path}.${local}`);
        continue;
      }
      if (slot && !element.repeats) {
        this.error('load.xml-repeated-element', `'${local}' occurs more than once but does not repeat (max ${element.max})`, child, `${path}.${local}`);
        continue;
      }
      const itemPath = element.repeats ? `${path}.${local}[${slot ? slot.values.length : 0}]` : `${path}.${local}`;
      const primitive = content === 'primitive';
      const sub = primitive || content === 'complex' ? this.contextOf(resolved, child, itemPath) : undefined;
      if (!sub && (primitive || content === 'complex')) continue;
      if (!slot) {
        sorted = sorted && (slots.length === 0 || slots[slots.length - 1].resolved.element.index < element.index);
        slot = { resolved, primitive, values: [], extras: [] };
        slots.push(slot);
      }
      if (xhtml) {
        this.options.onXhtml?.(child, scope, itemPath, this.lines);
        slot.values.push(serializeXhtml(child, scope));
      } else if (sub && primitive) {
        const extra: JsonObject = {};
        const value = this.fill(child, childTag, sub, itemPath, childScope, extra);
        let hasExtra = false;
        for (const _ in extra) {
          hasExtra = true;
          break;
        }
        if (hasExtra) this.record(extra, child, itemPath);
        else if (value === undefined) this.warning('load.xml-empty-element', `'${local}' has no value, id or extension`, child, itemPath);
        if (typeof value === 'number') {
          const text = attributesOf(child)?.value;
          if (text !== undefined && String(value) !== text) (slot.texts ??= new Map()).set(slot.values.length, text);
        }
        slot.values.push(value ?? null);
        slot.extras.push(hasExtra ? extra : null);
      } else if (content === 'resource') {
        const resource = this.readWrapped(child, childTag, itemPath, childScope);
        if (resource) slot.values.push(resource);
      } else if (sub) {
        const obj: JsonObject = {};
        this.fill(child, childTag, sub, itemPath, childScope, obj);
        this.record(obj, child, itemPath);
        slot.values.push(obj);
      }
    }

    if (!sorted) slots.sort((a, b) => a.resolved.element.index - b.resolved.element.index);
    for (const slot of slots) this.emit(slot, out);
    return primitiveValue;
  }

  private emit(slot: Slot, out: JsonObject): void {
    const { property, element } = slot.resolved;
    if (slot.values.length === 0) return;
    if (!slot.primitive) {
      out[property] = element.repeats ? slot.values : slot.values[0];
      return;
    }
    if (element.repeats) {
      if (slot.values.some((v) => v !== null)) out[property] = slot.values;
      if (slot.extras.some((e) => e !== null)) out[`_${property}`] = slot.extras;
      for (const [index, text] of slot.texts ?? []) recordNumberText(slot.values, index, text);
    } else {
      if (slot.values[0] !== null) out[property] = slot.values[0];
      if (slot.extras[0] !== null) out[`_${property}`] = slot.extras[0];
      const text = slot.texts?.get(0);
      if (text !== undefined) recordNumberText(out, property, text);
    }
  }

  /** `<contained><Patient>...</Patient></contained>`: the one resource inside a wrapper element. */
  private readWrapped(wrapper: XmlNode, tag: string, path: string, scope: NamespaceScope): JsonObject | undefined {
    const attributes = attributesOf(wrapper);
    for (const name in attributes) {
      if (!(name === 'xmlns' || name.startsWith('xmlns:'))) this.error('load.xml-unknown-attribute', `unknown attribute '${name}'`, wrapper, path);
    }
    const inner = childrenOf(wrapper, tag).filter((c) => {
      const t = tagOf(c);
      if (t !== TEXT_KEY && t !== CDATA_KEY) return true;
      if (/\S/.test(characterData(c, t))) this.error('load.xml-unexpected-text', 'text content is not allowed here', wrapper, path);
      return false;
    });
    if (inner.length !== 1) {
      this.error('load.xml-resource-wrapper', `expected exactly one resource inside '${localNameOf(tag)}', found ${inner.length} elements`, wrapper, path);
      return undefined;
    }
    const innerTag = tagOf(inner[0]);
    const innerScope = scopeOf(attributesOf(inner[0]), scope);
    const ns = namespaceOf(innerTag, innerScope);
    const type = localNameOf(innerTag);
    if (ns !== FHIR_NS) {
      this.error('load.xml-namespace', `resource element '${innerTag}' is in namespace '${ns ?? '(undeclared prefix)'}', not '${FHIR_NS}'`, inner[0], path);
      return undefined;
    }
    if (!this.model.isResourceType(type)) {
      this.error('load.xml-unknown-resource', `'${type}' is not a FHIR resource type`, inner[0], path);
      return undefined;
    }
    return this.readResource(inner[0], innerTag, type, path, innerScope);
  }

  private contextOf(resolved: ResolvedProperty, node: XmlNode, path: string): TypeContext | undefined {
    const key = resolved.context;
    const context = key === undefined ? undefined : this.model.context(key);
    if (!context) this.error('load.xml-unknown-type', `no definition for the content of '${resolved.property}' (${key ?? 'no type'})`, node, path);
    return context;
  }

  /** A primitive's text as its JSON type; a value that does not fit is reported and kept as a string. */
  private typed(text: string, jsonType: JsonPrimitiveType, node: XmlNode, path: string): JsonValue {
    if (jsonType === 'string') return text;
    if (jsonType === 'boolean') {
      if (text === 'true') return true;
      if (text === 'false') return false;
    } else if (JSON_NUMBER.test(text)) {
      return Number(text);
    }
    this.error('load.xml-invalid-value', `'${text}' is not a valid ${jsonType}`, node, path);
    return text;
  }

  private record(obj: object, node: XmlNode, path: string): void {
    if (this.options.recordSources === false) return;
    const { line, column } = this.lines.at(startOf(node));
    this.ctx.sources.record(obj, { file: this.file, line, column, path });
  }

  private error(code: string, message: string, node: XmlNode, path?: string): void {
    this.ctx.diagnostics.error(code, message, this.at(node, path));
    this.spend();
  }

  private warning(code: string, message: string, node: XmlNode, path?: string): void {
    this.ctx.diagnostics.warning(code, message, this.at(node, path));
    this.spend();
  }

  /** One problem reported: past the budget's room, reading stops (the caller reports what was found). */
  private spend(): void {
    if (--this.room < 0) throw new LimitReached('issues', `stopped after ${this.options.budget?.limits.maxIssues ?? 0} issues: the rest of the payload was not read`);
  }

  private at(node: XmlNode, path: string | undefined): SourceLocation {
    const { line, column } = this.lines.at(startOf(node));
    return path === undefined ? { file: this.file, line, column } : { file: this.file, line, column, path };
  }
}
