/**
 * The FHIR JSON reader: strict JSON (no comments, no trailing commas, no byte order mark) parsed
 * with jsonc-parser so that every object node keeps its line. Objects are built as plain objects
 * from own properties only; `__proto__`, `constructor` and `prototype` keys are refused (reported
 * and left out), so no input can reach an object's prototype.
 *
 * Bad content never throws: a document that cannot be read gives an error and no resource; smaller
 * problems (a refused or duplicate key) give an error with file, line and path, and reading carries on.
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { JsonObject, JsonValue, Resource } from '../../model/fhir.js';
import { LineIndex } from '../line-index.js';
import type { ReaderContext } from '../reader-context.js';
import { errorMessage } from '../../util/values.js';

/** The JSON reader needs no element model; given one, it also checks that `resourceType` is a resource type. */
export type JsonReaderContext = Pick<ReaderContext, 'diagnostics' | 'sources'> & Partial<Pick<ReaderContext, 'model'>>;

/** Keys that could reach an object's prototype: never set. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Nesting deeper than this is refused (the reader recurses per level). */
export const MAX_JSON_DEPTH = 400;
const MAX_REPORTED_SYNTAX_ERRORS = 10;

/**
 * Reads one FHIR JSON resource and returns it, or undefined when the document cannot be read (malformed
 * JSON, a byte order mark, a top level that is not an object, no `resourceType`). Every object node
 * gets its `{file, line, column, path}` in `ctx.sources`.
 */
export function readJsonResource(text: string, file: string, ctx: JsonReaderContext): Resource | undefined {
  const { diagnostics } = ctx;
  if (text.charCodeAt(0) === 0xfeff) {
    diagnostics.error('load.json-bom', 'FHIR JSON must not start with a byte order mark', { file, line: 1, column: 1 });
    return undefined;
  }
  const lines = new LineIndex(text);
  const errors: ParseError[] = [];
  let root: JsonNode | undefined;
  try {
    root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch (e) {
    diagnostics.error('load.json-malformed', `JSON could not be parsed: ${errorMessage(e)}`, { file });
    return undefined;
  }
  if (errors.length > 0) {
    for (const err of errors.slice(0, MAX_REPORTED_SYNTAX_ERRORS)) {
      diagnostics.error('load.json-malformed', `malformed JSON: ${printParseErrorCode(err.error)}`, { file, ...lines.at(err.offset) });
    }
    return undefined;
  }
  if (!root || root.type !== 'object') {
    diagnostics.error('load.json-not-object', `a FHIR JSON resource must be an object, found ${root ? root.type : 'nothing'}`, { file, ...lines.at(root?.offset ?? 0) });
    return undefined;
  }
  const resourceTypeNode = root.children?.find((p) => p.children?.[0]?.value === 'resourceType')?.children?.[1];
  const resourceType: unknown = resourceTypeNode?.value;
  if (resourceTypeNode?.type !== 'string' || typeof resourceType !== 'string' || resourceType === '') {
    diagnostics.error('load.json-resource-type', 'a FHIR JSON resource needs a string `resourceType`', { file, ...lines.at(root.offset) });
    return undefined;
  }
  if (ctx.model && !ctx.model.isResourceType(resourceType)) {
    diagnostics.error('load.json-resource-type', `'${resourceType}' is not a FHIR resource type`, { file, ...lines.at(resourceTypeNode.offset) });
    return undefined;
  }
  const builder = new JsonBuilder(ctx, file, lines);
  const resource = builder.value(root, resourceType, 0);
  return resource as Resource | undefined;
}

class JsonBuilder {
  constructor(
    private readonly ctx: JsonReaderContext,
    private readonly file: string,
    private readonly lines: LineIndex,
  ) {}

  value(node: JsonNode, path: string, depth: number): JsonValue | undefined {
    if (depth > MAX_JSON_DEPTH) {
      this.error('load.json-too-deep', `nesting deeper than ${MAX_JSON_DEPTH} levels is refused`, node, path);
      return undefined;
    }
    switch (node.type) {
      case 'object':
        return this.object(node, path, depth);
      case 'array': {
        const out: JsonValue[] = [];
        for (const item of node.children ?? []) {
          const v = this.value(item, `${path}[${out.length}]`, depth + 1);
          if (v !== undefined) out.push(v);
        }
        return out;
      }
      case 'string':
      case 'number':
      case 'boolean':
        return node.value as string | number | boolean;
      case 'null':
        return null;
      default:
        return undefined;
    }
  }

  private object(node: JsonNode, path: string, depth: number): JsonObject {
    const out: JsonObject = {};
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (!keyNode || !valueNode || typeof keyNode.value !== 'string') continue;
      const key = keyNode.value;
      if (FORBIDDEN_KEYS.has(key)) {
        this.error('load.json-forbidden-key', `property '${key}' is not allowed (it could reach an object prototype); left out`, keyNode, `${path}.${key}`);
        continue;
      }
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        this.error('load.json-duplicate-key', `property '${key}' occurs more than once; the first is kept`, keyNode, `${path}.${key}`);
        continue;
      }
      const v = this.value(valueNode, `${path}.${key}`, depth + 1);
      if (v !== undefined) out[key] = v;
    }
    this.ctx.sources.record(out, { file: this.file, ...this.lines.at(node.offset), path });
    return out;
  }

  private error(code: string, message: string, node: JsonNode, path: string): void {
    this.ctx.diagnostics.error(code, message, { file: this.file, ...this.lines.at(node.offset), path });
  }
}
