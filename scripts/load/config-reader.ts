/**
 * Reading a JSON config file with positions: parse errors with their line, and for any field (by its JSON
 * path) the line it is on, so every finding names `fhir.config.json`, its line and the field.
 */
import { basename } from 'node:path';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { Diagnostics, Locator } from '../diagnostics/diagnostics.js';
import { errorMessage, isObject } from '../util/values.js';

export type JsonPath = Array<string | number>;

/** `dependencies['hl7.fhir.r3.core']`, `dependencySources[1].path`. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `['${p.replace(/'/g, "\\'")}']`;
  }
  return out;
}

/** The parts of a printed JSON path: `a.b[2]['c.d']` -> ['a', 'b', 2, 'c.d']. */
export function parseJsonPath(path: string): JsonPath {
  const out: JsonPath = [];
  for (const m of path.matchAll(/([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(m[3].replace(/\\'/g, "'"));
  }
  return out;
}

/** Parses the text, knows where each field is, and reports with file, line and JSON path. */
export class ConfigReader {
  private tree: JsonNode | undefined;
  private readonly lineStarts: number[] = [0];
  readonly fileLabel: string;

  constructor(
    private readonly text: string,
    file: string,
    private readonly diagnostics: Diagnostics,
  ) {
    this.fileLabel = basename(file);
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  parse(): Record<string, unknown> | undefined {
    const errors: ParseError[] = [];
    this.tree = parseTree(this.text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    for (const e of errors) {
      this.diagnostics.error('config.syntax', `invalid JSON: ${printParseErrorCode(e.error)}`, { file: this.fileLabel, line: this.lineAt(e.offset) });
    }
    if (errors.length > 0) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(this.text);
    } catch (e) {
      this.diagnostics.error('config.syntax', `invalid JSON: ${errorMessage(e)}`, { file: this.fileLabel });
      return undefined;
    }
    if (!isObject(value)) {
      this.diagnostics.error('config.invalid-type', `${this.fileLabel} must hold a JSON object`, { file: this.fileLabel, line: 1 });
      return undefined;
    }
    return value;
  }

  requiredString(root: Record<string, unknown>, key: string): string {
    const value = root[key];
    if (value === undefined) this.error('config.missing-field', [key], `missing required field '${key}'`);
    else if (typeof value !== 'string') this.error('config.invalid-type', [key], `'${key}' must be a string`);
    else if (value.trim() === '') this.error('config.invalid-value', [key], `'${key}' must not be empty`);
    else return value;
    return '';
  }

  /** A string field that may be absent (undefined), reported when present but not a non-empty string. */
  optionalString(root: Record<string, unknown>, key: string): string | undefined {
    const value = root[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.error('config.invalid-type', [key], `'${key}' must be a string`);
    else if (value.trim() === '') this.error('config.invalid-value', [key], `'${key}' must not be empty`);
    else return value;
    return undefined;
  }

  /** Lines of this file's fields by their printed path (`dependencies['x.y']`, `suppressions[2]`), for findings reported without one. */
  locator(): Locator {
    return (path) => {
      const line = this.lineOf(parseJsonPath(path));
      return line === undefined ? undefined : { line };
    };
  }

  error(code: string, path: JsonPath, message: string): void {
    this.diagnostics.error(code, message, this.where(path));
  }

  warn(code: string, path: JsonPath, message: string): void {
    this.diagnostics.warning(code, message, this.where(path));
  }

  private where(path: JsonPath): { file: string; line?: number; path?: string } {
    const line = this.lineOf(path);
    return { file: this.fileLabel, ...(line !== undefined ? { line } : {}), ...(path.length ? { path: formatJsonPath(path) } : {}) };
  }

  /** The line of the field at `path`, or of its nearest existing parent. */
  lineOf(path: JsonPath): number | undefined {
    if (!this.tree) return undefined;
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.tree, path.slice(0, n));
      if (node) return this.lineAt(node.parent?.type === 'property' ? node.parent.offset : node.offset);
    }
    return undefined;
  }

  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
