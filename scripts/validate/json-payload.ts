/**
 * Reading a JSON payload safely, before any validation: bytes that are not UTF-8 (never replaced), a byte
 * order mark, text that is not JSON, a top-level value that is not an object, nesting deeper than the
 * limit, property names that would reach an object's prototype, and payloads over the size limit are each
 * one fatal issue, never an exception. Duplicate property names and strings holding characters FHIR
 * forbids are errors at their path, and validation goes on (with the first of duplicates). Numbers keep
 * the text they were written with where a double would lose it (scripts/format/json/parse-json.ts). The
 * common payload that has none of these is read by JSON.parse after native checks (parse-json-fast.ts).
 */
import { isAscii } from 'node:buffer';
import { expressionOf, type JsonProblem, type NameOffsets } from '../format/json/parse-json.js';
import { parseJsonFast } from '../format/json/parse-json-fast.js';
import { skipSpace } from '../format/json/json-text.js';
import { LineIndex } from '../format/line-index.js';
import { resolveLimits, type PayloadLimits } from '../util/limits.js';
import { forbiddenCharacter, loneSurrogateAt } from '../util/text.js';
import type { ValidationIssue } from './issues.js';
import { ruleIssue } from './policy.js';

export type { PayloadLimits };
export { DEFAULT_LIMITS } from '../util/limits.js';

/** Decodes whole payloads (never streamed), so one instance serves every call. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface JsonPayload {
  /** The parsed object, when it is safe to validate. */
  value?: Record<string, unknown>;
  /** The decoded text, with the value (issues found later are placed in it). */
  text?: string;
  /** Where each property name of the text ends, when the value is JSON.parse's and every name is written as is (json-tree-locate.ts places issues with them). */
  keyEnds?: NameOffsets;
  issues: ValidationIssue[];
}

const fatal = (code: ValidationIssue['code'], diagnostics: string, line?: number, expression = ''): ValidationIssue => ({
  severity: 'fatal',
  code,
  diagnostics,
  expression,
  ...(line !== undefined ? { line } : {}),
});

/** The issue of a payload of `size` bytes over the limit (JSON, XML, or a file before it is read), undefined within it. */
export function sizeIssue(size: number, maxBytes: number = resolveLimits().maxBytes): ValidationIssue | undefined {
  return size > maxBytes ? fatal('too-costly', `payload of ${mib(size)} exceeds the limit of ${mib(maxBytes)}`) : undefined;
}

/** Payload bytes as text: UTF-8 only, invalid sequences an error (never replaced); undefined with the issue otherwise. */
export function decodePayload(input: string | Uint8Array): { text: string } | { issue: ValidationIssue } {
  if (typeof input === 'string') {
    const at = loneSurrogateAt(input);
    if (at < 0) return { text: input };
    const { line, column } = new LineIndex(input).at(at);
    return { issue: { ...fatal('invalid', `payload text holds a lone surrogate at line ${line}, column ${column}: it is not Unicode text`, line), column } };
  }
  // ASCII (most payloads) is the same text read as Latin-1, which V8 makes without decoding: twice as fast.
  if (isAscii(input)) return { text: Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1') };
  try {
    return { text: UTF8.decode(input) };
  } catch {
    return { issue: fatal('invalid', `payload is not valid UTF-8 (${invalidUtf8At(input)}): FHIR payloads are UTF-8, and bytes that are not are never replaced`) };
  }
}

/** Parses a JSON payload (bytes or text) and checks it is an object safe to walk. */
export function readJsonPayload(input: string | Uint8Array, limits: Partial<PayloadLimits> = {}): JsonPayload {
  const { maxBytes, maxDepth, maxIssues } = resolveLimits(limits);
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  const oversize = sizeIssue(size, maxBytes);
  if (oversize) return { issues: [oversize] };
  const decoded = decodePayload(input);
  if ('issue' in decoded) return { issues: [decoded.issue] };
  // A byte order mark is reported (a rule, which a caller may turn off: RFC 8259 lets readers ignore it) and the text read after it.
  if (decoded.text.charCodeAt(0) !== 0xfeff) return readJsonText(decoded.text, maxDepth, maxIssues);
  const read = readJsonText(decoded.text.slice(1), maxDepth, maxIssues);
  const mark = { ...ruleIssue('json-byte-order-mark', '', 'payload starts with a byte order mark (U+FEFF), which a JSON text must not carry: read after it'), line: 1, column: 1 };
  return { ...read, issues: [mark, ...read.issues] };
}

function readJsonText(text: string, maxDepth: number, maxIssues: number): JsonPayload {
  if (skipSpace(text, 0) === text.length) return { issues: [fatal('invalid', 'payload is empty')] };
  const parsed = parseJsonFast(text, { maxDepth, maxProblems: maxIssues });
  const lines = new LineIndex(text);
  if (parsed.error) {
    const { line, column } = lines.at(parsed.error.offset);
    if (parsed.error.tooDeep) return { issues: [{ ...fatal('too-costly', `payload nests deeper than ${maxDepth} levels (line ${line}, column ${column})`, line), column }] };
    return { issues: [{ ...fatal('invalid', `payload is not valid JSON: ${parsed.error.message} at line ${line}, column ${column}`, line), column }] };
  }
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { issues: [fatal('structure', `payload is ${what}, not a FHIR resource (a JSON object with resourceType)`)] };
  }
  const object = value as Record<string, unknown>;
  const root = typeof object.resourceType === 'string' ? object.resourceType : '';
  const issues = parsed.problems.map((p) => problemIssue(p, root, lines));
  if (issues.some((i) => i.severity === 'fatal')) return { issues: issues.filter((i) => i.severity === 'fatal').slice(0, 1) };
  const read: JsonPayload = { value: object, text, issues };
  if (parsed.keyEnds) read.keyEnds = parsed.keyEnds;
  return read;
}

function problemIssue(problem: JsonProblem, root: string, lines: LineIndex): ValidationIssue {
  const expression = expressionOf(root, problem.path);
  const { line, column } = lines.at(problem.offset);
  switch (problem.kind) {
    case 'forbidden-key':
      return { severity: 'fatal', code: 'security', diagnostics: `property name '${problem.key ?? ''}' is not allowed (no FHIR element has it)`, expression, line, column };
    case 'duplicate-key':
      return { severity: 'error', code: 'structure', diagnostics: `property '${problem.key ?? ''}' occurs more than once in this object (JSON names must be unique): the first is kept`, expression, line, column };
    case 'control-character':
    case 'lone-surrogate':
      return { severity: 'error', code: 'value', diagnostics: forbiddenCharacter(String.fromCharCode(problem.codePoint ?? 0)) ?? 'forbidden character', expression, line, column };
  }
}

/** Where the first invalid UTF-8 sequence starts, for the message. */
function invalidUtf8At(bytes: Uint8Array): string {
  let line = 1;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    let ok = length > 0 && i + length <= bytes.length;
    for (let k = 1; ok && k < length; k++) ok = (bytes[i + k] & 0xc0) === 0x80;
    if (ok && length > 1) {
      // Overlong forms, surrogates and values past U+10FFFF are invalid too; the decoder has the last word.
      try {
        UTF8.decode(bytes.subarray(i, i + length));
      } catch {
        ok = false;
      }
    }
    if (!ok) return `byte 0x${b.toString(16).toUpperCase().padStart(2, '0')} at offset ${i}, line ${line}`;
    if (b === 0x0a) line++;
    i += length;
  }
  return 'at the end';
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
