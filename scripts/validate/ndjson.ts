/**
 * NDJSON (FHIR Bulk Data: one resource per line) read as a stream of lines, and one line validated.
 *
 * The reader takes the bytes as they come (any async iterable of chunks: a file stream, a gunzip stream)
 * and yields each line as it completes, so memory stays flat in the input size: only the line being read
 * is held, and a line over the per-payload size limit is not even held (its bytes are counted and
 * dropped; the line gets its fatal issue). Lines end with LF, or CR LF; a line holding only whitespace is
 * skipped (a trailing newline, a blank line between resources), every other line is a resource or its
 * error. Line numbers count every line of the file, from 1, so they match an editor's.
 */
import { sortIssues, type ValidationIssue } from './issues.js';
import { sizeIssue } from './json-payload.js';
import { DEFAULT_LIMITS } from '../util/limits.js';
import type { ValidateOptions, Validator } from './validator.js';

/** NDJSON file names: `.ndjson`, and gzip-compressed `.ndjson.gz`. */
export const NDJSON_EXTENSION = /\.ndjson(\.gz)?$/i;

export function isNdjsonFile(file: string): boolean {
  return NDJSON_EXTENSION.test(file);
}

/** One non-blank line of an NDJSON stream: its bytes, or (over the size limit) only its size. */
export interface NdjsonLine {
  /** 1-based line number in the file. */
  line: number;
  /** The line's bytes, line end excluded; absent when the line is over the limit. */
  bytes?: Uint8Array;
  /** The line's size in bytes. */
  size: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** Lines of an NDJSON byte stream, as they complete; a line over `maxBytes` comes without its bytes. */
export async function* ndjsonLines(chunks: AsyncIterable<Uint8Array | string>, maxBytes: number = DEFAULT_LIMITS.maxBytes): AsyncGenerator<NdjsonLine> {
  let parts: Uint8Array[] = [];
  let size = 0;
  let line = 1;
  const finish = (): NdjsonLine | undefined => {
    const held = size <= maxBytes ? joinParts(parts, size) : undefined;
    const out = held && isBlank(held) ? undefined : { line, size, ...(held ? { bytes: trimCr(held) } : {}) };
    parts = [];
    size = 0;
    line++;
    return out;
  };
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    let start = 0;
    for (let at = chunk.indexOf(LF); at >= 0; at = chunk.indexOf(LF, start)) {
      take(chunk.subarray(start, at));
      start = at + 1;
      const done = finish();
      if (done) yield done;
    }
    take(chunk.subarray(start));
  }
  if (size > 0) {
    const done = finish();
    if (done) yield done;
  }

  function take(piece: Uint8Array): void {
    if (piece.length === 0) return;
    size += piece.length;
    // Past the limit the line's bytes are dropped: only its size is kept for the issue.
    if (size <= maxBytes) parts.push(piece);
    else parts = [];
  }
}

function joinParts(parts: Uint8Array[], size: number): Uint8Array {
  // Copied into a buffer of its own: a view would keep (and, sent to a worker, copy) the whole chunk it is part of.
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function trimCr(bytes: Uint8Array): Uint8Array {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  return true;
}

/**
 * One NDJSON line validated as a JSON payload: its issues, each placed on the line (the line number of an
 * issue within one line's JSON is always 1, so the file's line replaces it). A bad line (not JSON, not an
 * object, over the limit) is that line's fatal issue.
 */
export function ndjsonLineIssues(validator: Validator, line: NdjsonLine, options: ValidateOptions, maxBytes: number = DEFAULT_LIMITS.maxBytes): ValidationIssue[] {
  const issues = line.bytes ? validator.jsonIssues(line.bytes, options) : [sizeIssue(line.size, maxBytes) ?? { severity: 'fatal' as const, code: 'too-costly' as const, diagnostics: 'line over the payload limit', expression: '' }];
  return issues.map((i) => ({ ...i, line: line.line }));
}

/** One unit of bulk work, as a worker gets it: a whole JSON or XML payload, or one NDJSON line. */
export type BulkItem = { kind: 'json' | 'xml'; bytes: Uint8Array } | { kind: 'line'; line: NdjsonLine };

/** The issues of one unit of bulk work, sorted (an NDJSON line's each placed on its line). */
export function bulkItemIssues(validator: Validator, item: BulkItem, options: ValidateOptions): ValidationIssue[] {
  if (item.kind === 'line') return sortIssues(ndjsonLineIssues(validator, item.line, options));
  return sortIssues(item.kind === 'json' ? validator.jsonIssues(item.bytes, options) : validator.xmlIssues(item.bytes, options));
}
