/**
 * FHIR JSON to FHIR XML, driven by the element model (the same one the XML reader converts by):
 *
 * - children in definition order, whatever the JSON's key order; choice elements by their typed name
 *   (`valueQuantity`);
 * - primitives as `<name value=".."/>`, with their `_name` companion's `id` as an attribute and its
 *   extensions as child elements (arrays of primitives aligned with their `_name` arrays, `null` for a
 *   side that is absent);
 * - elements the definition marks `xmlAttr` as attributes (`id` of elements, `url` of extensions);
 * - resources inside elements (`contained`, `Bundle.entry.resource`, `Parameters.parameter.resource`)
 *   wrapped in an element named for their type; the root declares the FHIR namespace;
 * - the narrative `div` re-serialised from its string through the secure XML parser, in the XHTML namespace.
 *
 * Output is deterministic: two-space indentation, `\n` line ends, an XML declaration, a final newline.
 * Content that the model does not know is reported (with its FHIRPath) and left out; nothing throws.
 */
import { Diagnostics } from '../../diagnostics/diagnostics.js';
import { FHIR_NS } from './read-xml.js';
import { serializeXhtml } from './xhtml.js';
import { escapeAttribute } from './xml-text.js';
import { EMPTY_SCOPE, MAX_XML_DEPTH, parseXmlDocument, type NamespaceScope, type XmlNode } from './xml-tree.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../model/fhir.js';
import { numberText, recordedNumberText } from '../../model/number-text.js';
import { forbiddenCharacter } from '../../util/text.js';
import { upperFirst, type ElementModel, type ResolvedProperty, type TypeContext } from '../../resolve/element-model.js';

const INDENT = '  ';

export interface XmlWriteOptions {
  /** Called for every narrative `div` parsed to be written, with its node, scope and FHIRPath (no lines: it was a JSON string). */
  onXhtml?: (node: XmlNode, scope: NamespaceScope, path: string, lines: undefined) => void;
}

/** Writes a FHIR JSON resource as FHIR XML; undefined (with an error) when it is not a resource the model knows. */
export function writeXmlResource(resource: unknown, model: ElementModel, diagnostics: Diagnostics, file?: string, options: XmlWriteOptions = {}): string | undefined {
  const writer = new FhirXmlWriter(model, diagnostics, file, options);
  if (!isJsonObject(resource) || typeof resource.resourceType !== 'string') {
    writer.error('emit.xml-not-a-resource', 'not a FHIR resource (a JSON object with a resourceType)', 'Resource');
    return undefined;
  }
  if (!model.isResourceType(resource.resourceType)) {
    writer.error('emit.xml-unknown-resource', `'${resource.resourceType}' is not a FHIR resource type`, resource.resourceType);
    return undefined;
  }
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writer.resource(resource, resource.resourceType, 0, true, out);
  return out.join('\n') + '\n';
}

class FhirXmlWriter {
  constructor(
    private readonly model: ElementModel,
    private readonly diagnostics: Diagnostics,
    private readonly file: string | undefined,
    private readonly options: XmlWriteOptions = {},
  ) {}

  /** `<Patient xmlns="...">` ... `</Patient>` at `depth`. */
  resource(obj: JsonObject, path: string, depth: number, declareNs: boolean, out: string[]): void {
    const type = obj.resourceType as string;
    const context = this.model.context(type);
    if (!context) {
      this.error('emit.xml-unknown-resource', `no definition for resource type '${type}'`, path);
      return;
    }
    this.element(type, obj, context, path, depth, out, declareNs ? ` xmlns="${FHIR_NS}"` : '', true);
  }

  /**
   * One element named `tag` whose content is `obj` read in `context` (a complex type, backbone element,
   * resource, or a primitive type with `value`/`id`/`extension` merged into one object).
   */
  private element(tag: string, obj: JsonObject, context: TypeContext, path: string, depth: number, out: string[], extraAttributes: string, isResource: boolean): void {
    if (depth > MAX_XML_DEPTH) {
      this.error('emit.xml-too-deep', `nested more than ${MAX_XML_DEPTH} levels deep (or a cycle): not written`, path);
      return;
    }
    this.checkKeys(obj, context, path, isResource);
    const pad = INDENT.repeat(depth);
    let open = `${pad}<${tag}${extraAttributes}`;
    const body: string[] = [];
    for (const child of context.children) {
      const present = this.presentProperties(obj, context, child.choice ? child.types.map((t) => child.name + upperFirst(t)) : [child.name], path);
      for (const resolved of present) {
        const value = obj[resolved.property];
        if (child.xmlAttribute) {
          if (value === undefined || value === null) continue;
          if (typeof value === 'object') {
            this.error('emit.xml-invalid-json', `'${resolved.property}' must be a primitive value`, `${path}.${resolved.property}`);
            continue;
          }
          // A primitive's own value has the primitive's path in FHIRPath; other attributes are child elements.
          const text = this.text(value, obj, resolved.property, resolved.type === undefined ? path : `${path}.${resolved.property}`);
          if (text !== undefined) open += ` ${resolved.property}="${escapeAttribute(text)}"`;
          continue;
        }
        this.property(resolved, obj, path, depth + 1, body);
      }
    }
    if (body.length === 0) {
      out.push(`${open}/>`);
      return;
    }
    // One push per line: spreading a large body (a Bundle of thousands of entries) into push() overflows the stack.
    out.push(`${open}>`);
    for (const line of body) out.push(line);
    out.push(`${pad}</${tag}>`);
  }

  /** The properties of a child present in the object (a choice takes one; more is reported, the first written). */
  private presentProperties(obj: JsonObject, context: TypeContext, names: string[], path: string): ResolvedProperty[] {
    const found: ResolvedProperty[] = [];
    for (const name of names) {
      if (obj[name] === undefined && obj[`_${name}`] === undefined) continue;
      const resolved = context.properties.get(name);
      if (resolved) found.push(resolved);
    }
    if (found.length > 1) {
      this.error('emit.xml-choice-conflict', `'${found.map((f) => f.property).join("', '")}' are one choice element: only the first is written`, `${path}.${found[1].property}`);
      return found.slice(0, 1);
    }
    return found;
  }

  /** Writes every item of one JSON property. */
  private property(resolved: ResolvedProperty, obj: JsonObject, path: string, depth: number, out: string[]): void {
    const { property, element, content } = resolved;
    const itemPath = (i: number) => (element.repeats ? `${path}.${property}[${i}]` : `${path}.${property}`);
    if (content === 'primitive') {
      const values = this.items(obj[property], element.repeats, `${path}.${property}`);
      const extras = this.items(obj[`_${property}`], element.repeats, `${path}._${property}`);
      const context = resolved.context === undefined ? undefined : this.model.context(resolved.context);
      if (!context) {
        this.error('emit.xml-unknown-type', `no definition for the type of '${property}'`, `${path}.${property}`);
        return;
      }
      if (element.repeats && obj[property] !== undefined && obj[`_${property}`] !== undefined && values.length !== extras.length) {
        this.error('emit.xml-invalid-json', `'${property}' and '_${property}' have different lengths (${values.length}, ${extras.length})`, `${path}.${property}`);
      }
      for (let i = 0; i < Math.max(values.length, extras.length); i++) {
        const value = values[i] ?? null;
        const extra = extras[i] ?? null;
        if (value !== null && typeof value === 'object') {
          this.error('emit.xml-invalid-json', `'${property}' must hold a ${resolved.type ?? 'primitive'} value, not an object or array`, itemPath(i));
          continue;
        }
        if (extra !== null && !isJsonObject(extra)) {
          this.error('emit.xml-invalid-json', `'_${property}' must hold objects (id, extension)`, itemPath(i));
          continue;
        }
        if (value === null && extra === null) {
          this.error('emit.xml-invalid-json', `'${property}' has neither a value nor an id/extension at this position`, itemPath(i));
          continue;
        }
        const jsonType = resolved.type === undefined ? undefined : this.model.primitiveJsonType(resolved.type);
        if (value !== null && jsonType !== undefined && typeof value !== jsonType) {
          // Written as it is, so the XML carries the same text and reading it back reports it again.
          this.error('emit.xml-invalid-json', `'${property}' must be a JSON ${jsonType} (${resolved.type}), found ${typeof value} ${JSON.stringify(value)}`, itemPath(i));
        }
        const merged: JsonObject = extra ? { ...extra } : {};
        if (extra && 'value' in extra) this.error('emit.xml-unknown-property', `unknown property 'value' in '_${property}'`, itemPath(i));
        delete merged.value;
        // A number is written with the text it was read with (its precision), kept on its container.
        if (typeof value === 'number') merged.value = numberText(element.repeats ? (obj[property] as JsonValue[]) : obj, element.repeats ? i : property, value);
        else if (value !== null) merged.value = value;
        this.element(property, merged, context, itemPath(i), depth, out, '', false);
      }
      return;
    }
    const items = this.items(obj[property], element.repeats, `${path}.${property}`);
    items.forEach((item, i) => {
      if (content === 'xhtml') {
        if (typeof item !== 'string') this.error('emit.xml-invalid-json', `'${property}' must be an XHTML string`, itemPath(i));
        else this.xhtml(item, itemPath(i), depth, out);
        return;
      }
      if (!isJsonObject(item)) {
        this.error('emit.xml-invalid-json', `'${property}' must hold ${content === 'resource' ? 'a resource' : 'an object'}`, itemPath(i));
        return;
      }
      if (content === 'resource') {
        const type = item.resourceType;
        if (typeof type !== 'string' || !this.model.isResourceType(type)) {
          this.error('emit.xml-unknown-resource', `'${String(type)}' is not a FHIR resource type`, itemPath(i));
          return;
        }
        const pad = INDENT.repeat(depth);
        out.push(`${pad}<${property}>`);
        this.resource(item, itemPath(i), depth + 1, false, out);
        out.push(`${pad}</${property}>`);
        return;
      }
      const context = resolved.context === undefined ? undefined : this.model.context(resolved.context);
      if (!context) {
        this.error('emit.xml-unknown-type', `no definition for the type of '${property}'`, itemPath(i));
        return;
      }
      this.element(property, item, context, itemPath(i), depth, out, '', false);
    });
  }

  /** A property's values as a list: an array where the element repeats, else one value (a mismatch is reported and mended). */
  private items(value: JsonValue | undefined, repeats: boolean, path: string): JsonValue[] {
    if (value === undefined) return [];
    if (repeats) {
      if (Array.isArray(value)) return value;
      this.error('emit.xml-invalid-json', 'this element repeats: its JSON value must be an array', path);
      return [value];
    }
    if (Array.isArray(value)) {
      this.error('emit.xml-invalid-json', 'this element does not repeat: its JSON value must not be an array', path);
      return value.slice(0, 1);
    }
    return [value];
  }

  /**
   * An attribute value's text: a number as it was read (numberText), a string only if XML can carry every
   * character of it (FHIR strings forbid the same characters); undefined, reported, when it cannot.
   */
  private text(value: string | number | boolean, container: JsonObject, key: string, path: string): string | undefined {
    if (typeof value === 'number') return Number.isFinite(value) || recordedNumberText(container, key) !== undefined ? numberText(container, key, value) : this.refuse(`${String(value)} is not a number FHIR can write`, path);
    if (typeof value !== 'string') return String(value);
    const why = forbiddenCharacter(value);
    return why ? this.refuse(`${why}; XML cannot carry it: not written`, path) : value;
  }

  private refuse(message: string, path: string): undefined {
    this.error('emit.xml-invalid-character', message, path);
    return undefined;
  }

  /** The narrative string, parsed securely and written in the XHTML namespace on one line. */
  private xhtml(div: string, path: string, depth: number, out: string[]): void {
    const problems = new Diagnostics();
    const doc = parseXmlDocument(div, this.file ?? path, problems);
    if (!doc) {
      for (const d of problems.all) this.error('emit.xml-xhtml', `narrative: ${d.message}`, path);
      return;
    }
    this.options.onXhtml?.(doc.root, EMPTY_SCOPE, path, undefined);
    const xhtml = serializeXhtml(doc.root, EMPTY_SCOPE);
    out.push(INDENT.repeat(depth) + xhtml);
  }

  /** Keys the context does not know (besides `resourceType` of a resource) are reported. */
  private checkKeys(obj: JsonObject, context: TypeContext, path: string, isResource: boolean): void {
    for (const key in obj) {
      if (isResource && key === 'resourceType') continue;
      const name = key.startsWith('_') ? key.slice(1) : key;
      const resolved = context.properties.get(name);
      if (!resolved || (key !== name && resolved.content !== 'primitive')) this.error('emit.xml-unknown-property', `unknown property '${key}'`, `${path}.${key}`);
    }
  }

  error(code: string, message: string, path: string): void {
    this.diagnostics.error(code, message, this.file === undefined ? { path } : { file: this.file, path });
  }
}

