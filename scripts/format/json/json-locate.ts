/**
 * Finding the place in JSON text that a FHIRPath location names (`Bundle.entry[2].resource.name[0].given[1]`),
 * for a line and column: the deepest node on the path that exists. Names are JSON property names (choice
 * elements as `valueQuantity`), `[n]` an array item, a primitive's extension is looked up under `_name`,
 * and a resource type step (`entry[0].resource.Patient`) or a function call (`ofType(Patient)`) is passed
 * over. The text is parsed once per payload, and only for payloads that have issues to place.
 */
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { LineIndex, type LineColumn } from '../line-index.js';

/** A function from FHIRPath location to line and column in `text` (undefined when the text is not JSON). */
export function jsonLocator(text: string): (expression: string) => LineColumn | undefined {
  const root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  const lines = new LineIndex(text);
  return (expression) => {
    if (!root) return undefined;
    // A location starts with the resource type (`Patient.name[0]`) unless it is relative to the root (`name[0]`).
    const path = steps(expression);
    return lines.at(offsetOfSteps(root, /^[A-Z]/.test(path[0] ?? '') ? path.slice(1) : path));
  };
}

/** The same for a field of a JSON document by its printed path (`changes[2].resources[0]`, `release`), for a file's findings. */
export function jsonFieldLocator(text: string): (path: string) => LineColumn | undefined {
  const root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  const lines = new LineIndex(text);
  return (path) => (root ? lines.at(offsetOfSteps(root, steps(path))) : undefined);
}

/** The offset of the deepest node on the path: a property's name, or an array item. */
function offsetOfSteps(root: JsonNode, path: string[]): number {
  let node = root;
  let offset = root.offset;
  for (const segment of path) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$/.exec(segment);
    if (!m) {
      if (/^[A-Za-z]+\(.*\)$/.test(segment)) continue;
      break;
    }
    const [, name, index] = m as unknown as [string, string, string | undefined];
    if (/^[A-Z]/.test(name) && resourceTypeOf(node) === name) continue;
    const property = propertyOf(node, name) ?? propertyOf(node, `_${name}`);
    const value = property?.children?.[1];
    if (!property || !value) break;
    offset = property.offset;
    node = value;
    if (value.type === 'array') {
      const item = value.children?.[index === undefined ? 0 : Number(index)];
      if (!item) break;
      if (index !== undefined) offset = item.offset;
      node = item;
    }
  }
  return offset;
}

/** The steps of a FHIRPath, split at dots outside parentheses and quotes. */
function steps(expression: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'" && expression[i - 1] !== '\\') quote = !quote;
    else if (!quote && c === '(') depth++;
    else if (!quote && c === ')') depth--;
    else if (!quote && depth === 0 && c === '.') {
      out.push(expression.slice(start, i));
      start = i + 1;
    }
  }
  out.push(expression.slice(start));
  return out;
}

function propertyOf(node: JsonNode, name: string): JsonNode | undefined {
  if (node.type !== 'object') return undefined;
  return node.children?.find((p) => p.children?.[0]?.value === name);
}

function resourceTypeOf(node: JsonNode): unknown {
  return propertyOf(node, 'resourceType')?.children?.[1]?.value;
}
