/**
 * Reading a JSON payload safely, before any validation: bytes that are not UTF-8, a byte order mark,
 * text that is not JSON, a top-level value that is not an object, property names that would reach an
 * object's prototype (`__proto__`, `constructor`, `prototype`), nesting deeper than any FHIR resource
 * needs, and payloads over the size limit are each one clear issue, never an exception. The depth and key
 * checks walk the parsed value once, recursing no deeper than the depth limit, so a 10,000-deep payload
 * cannot overflow the call stack here (and is refused before any recursive validator sees it).
 */
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { ValidationIssue } from './issues.js';
import { errorMessage } from '../util/values.js';

export interface PayloadLimits {
  /** Largest payload accepted, in bytes (default 32 MiB; a 10,000-entry searchset Bundle is about 10 MiB). */
  maxBytes: number;
  /** Deepest nesting of objects and arrays accepted (default 200, at most 1,000; FHIR resources stay far below). */
  maxDepth: number;
}

export const DEFAULT_LIMITS: PayloadLimits = { maxBytes: 32 * 1024 * 1024, maxDepth: 200 };

/** Decodes whole payloads (never streamed), so one instance serves every call. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Property names JSON may carry but no FHIR element has, and which reach into prototypes if used as keys (compared directly: this runs on every key). */
const isForbiddenKey = (key: string) => key === '__proto__' || key === 'constructor' || key === 'prototype';

export interface JsonPayload {
  /** The parsed object, when it is safe to validate. */
  value?: Record<string, unknown>;
  /** The decoded text, with the value (issues found later are placed in it). */
  text?: string;
  issues: ValidationIssue[];
}

const fatal = (code: ValidationIssue['code'], diagnostics: string, line?: number): ValidationIssue => ({
  severity: 'fatal',
  code,
  diagnostics,
  expression: '',
  ...(line !== undefined ? { line } : {}),
});

/** The issue of a payload of `size` bytes over the limit (JSON, XML, or a file before it is read), undefined within it. */
export function sizeIssue(size: number, maxBytes: number = DEFAULT_LIMITS.maxBytes): ValidationIssue | undefined {
  return size > maxBytes ? fatal('too-costly', `payload of ${mib(size)} exceeds the limit of ${mib(maxBytes)}`) : undefined;
}

/** Parses a JSON payload (bytes or text) and checks it is an object safe to walk. */
export function readJsonPayload(input: string | Uint8Array, limits: Partial<PayloadLimits> = {}): JsonPayload {
  const { maxBytes, maxDepth } = { ...DEFAULT_LIMITS, ...limits };
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  const oversize = sizeIssue(size, maxBytes);
  if (oversize) return { issues: [oversize] };
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = UTF8.decode(input);
    } catch {
      return { issues: [fatal('invalid', 'payload is not valid UTF-8')] };
    }
  }
  if (text.charCodeAt(0) === 0xfeff) return { issues: [fatal('invalid', 'payload starts with a byte order mark (U+FEFF), which JSON does not allow', 1)] };
  if (text.trim() === '') return { issues: [fatal('invalid', 'payload is empty')] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { issues: [parseError(text, e)] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const what = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`;
    return { issues: [fatal('structure', `payload is ${what}, not a FHIR resource (a JSON object with resourceType)`)] };
  }
  const problem = unsafeShape(parsed, maxDepth);
  if (problem) return { issues: [problem] };
  return { value: parsed as Record<string, unknown>, text, issues: [] };
}

/** A forbidden key or over-deep nesting, with the path to it (built only on the way back from a problem). */
interface ShapeProblem {
  kind: 'depth' | 'key';
  path: Array<string | number>;
}

/** Deepest nesting the walk accepts as a limit: it recurses once per level, so the limit bounds its stack. */
const MAX_DEPTH_LIMIT = 1000;

/** The first forbidden key or over-deep nesting, as an issue naming where it is. */
function unsafeShape(root: object, maxDepth: number): ValidationIssue | undefined {
  const limit = Math.min(maxDepth, MAX_DEPTH_LIMIT);
  const problem = shapeProblem(root, limit);
  if (!problem) return undefined;
  let expression = '';
  for (const s of problem.path) expression += typeof s === 'number' ? `[${s}]` : expression ? `.${s}` : s;
  if (problem.kind === 'depth') return { severity: 'fatal', code: 'too-costly', diagnostics: `payload nests deeper than ${limit} levels`, expression };
  const key = String(problem.path[problem.path.length - 1]);
  return { severity: 'fatal', code: 'security', diagnostics: `property name '${key}' is not allowed (no FHIR element has it)`, expression };
}

/**
 * The walk every payload takes: undefined when no key is forbidden and nothing nests deeper than `levels`.
 * Primitives are skipped in the loop (no call per member); the path is built only on the way back from a
 * problem.
 */
function shapeProblem(value: object, levels: number): ShapeProblem | undefined {
  if (levels === 0) return { kind: 'depth', path: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' || item === null) continue;
      const problem = shapeProblem(item, levels - 1);
      if (problem) return within(problem, i);
    }
    return undefined;
  }
  for (const key in value) {
    if (isForbiddenKey(key)) return { kind: 'key', path: [key] };
    const item: unknown = (value as Record<string, unknown>)[key];
    if (typeof item !== 'object' || item === null) continue;
    const problem = shapeProblem(item, levels - 1);
    if (problem) return within(problem, key);
  }
  return undefined;
}

/** A problem found beneath member `key` (of an object, or index of an array), its path starting there. */
function within(problem: ShapeProblem, key: string | number): ShapeProblem {
  problem.path.unshift(key);
  return problem;
}

/** Where and why the text is not JSON: jsonc-parser (strict settings) finds the first error's offset, which JSON.parse's message does not always give. */
function parseError(text: string, e: unknown): ValidationIssue {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return fatal('invalid', `payload is not valid JSON: ${errorMessage(e)}`);
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  return fatal('invalid', `payload is not valid JSON: ${printParseErrorCode(first.error)} at line ${line}, column ${column}`, line);
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
