/**
 * NDJSON (FHIR Bulk Data: one resource per line), in two steps that run on different threads.
 *
 * - `ndjsonChunks` (the reading thread) takes the bytes as they come (any async iterable of chunks: a file
 *   stream, a gunzip stream) and cuts them into chunks of whole lines, each a buffer of its own (so it can
 *   be handed to a worker thread without a copy) with the number of its first line. It only looks for line
 *   ends: it makes no per-line strings or buffers. Memory stays flat in the input size: only the chunk being
 *   filled is held, and a line over the per-payload size limit is not even held (its bytes are counted and
 *   dropped; the line gets its fatal issue).
 * - `forEachLine` (the validating thread) walks a chunk's lines.
 *
 * Lines end with LF, or CR LF; a line holding only whitespace is skipped (a trailing newline, a blank line
 * between resources), every other line is a resource or its error. Line numbers count every line of the
 * file, from 1, so they match an editor's.
 */
import { placedAt, sortIssues, type ValidationIssue } from './issues.js';
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
  /** The line's size in bytes (a CR before the LF included). */
  size: number;
}

/**
 * A piece of an NDJSON stream: whole lines (the last one of the stream may lack its line end), or one line
 * over the size limit, given by its size alone.
 */
export type NdjsonChunk =
  | { kind: 'lines'; bytes: Uint8Array; firstLine: number; /** Its non-blank lines, and the number of the last (0: none). */ payloads: number; lastLine: number }
  | { kind: 'oversize'; line: number; size: number };

const LF = 0x0a;
const CR = 0x0d;

/** Default bytes per chunk: large enough that handing a chunk over costs little beside validating it, small enough to share work out evenly. */
export const CHUNK_BYTES = 256 * 1024;

/** The stream cut into chunks of whole lines, each about `chunkBytes` (more when a line is longer). */
export async function* ndjsonChunks(source: AsyncIterable<Uint8Array | string>, chunkBytes: number = CHUNK_BYTES, maxBytes: number = DEFAULT_LIMITS.maxBytes): AsyncGenerator<NdjsonChunk> {
  const chunker = new Chunker(chunkBytes, maxBytes);
  try {
    for await (const piece of source) yield* chunker.take(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece);
  } catch (e) {
    // A stream that breaks (a truncated gzip): the whole lines read before it are validated, then the error is the caller's.
    yield* chunker.wholeLines();
    throw e;
  }
  yield* chunker.end();
}

/** The state of ndjsonChunks between pieces. */
class Chunker {
  /** Whole lines not yet sent. */
  private done: Uint8Array[] = [];
  private doneSize = 0;
  /** The line being read (no line end yet). */
  private partial: Uint8Array[] = [];
  private partialSize = 0;
  /** The number of the first line in `done`. */
  private line = 1;
  /** A line over the limit being read past. */
  private skipping: { line: number; size: number } | undefined;

  constructor(
    private readonly chunkBytes: number,
    private readonly maxBytes: number,
  ) {}

  *take(piece: Uint8Array): Generator<NdjsonChunk> {
    if (this.skipping) {
      const at = piece.indexOf(LF);
      this.skipping.size += at < 0 ? piece.length : at;
      if (at < 0) return;
      yield { kind: 'oversize', ...this.skipping };
      this.line = this.skipping.line + 1;
      this.skipping = undefined;
      piece = piece.subarray(at + 1);
    }
    const last = piece.lastIndexOf(LF);
    if (last >= 0) {
      // The line being read ends in this piece: it and the whole lines after it are done.
      this.done.push(...this.partial, piece.subarray(0, last + 1));
      this.doneSize += this.partialSize + last + 1;
      this.partial = [];
      this.partialSize = 0;
      piece = piece.subarray(last + 1);
    }
    if (piece.length > 0) {
      this.partial.push(piece);
      this.partialSize += piece.length;
    }
    if (this.doneSize >= this.chunkBytes) yield* this.wholeLines();
    if (this.partialSize > this.maxBytes) {
      // Past the limit the line's bytes are dropped: only its size is kept for the issue.
      yield* this.wholeLines();
      this.skipping = { line: this.line, size: this.partialSize };
      this.partial = [];
      this.partialSize = 0;
    }
  }

  /** The whole lines held, as a chunk (none if there are none). */
  *wholeLines(): Generator<NdjsonChunk> {
    if (this.doneSize === 0) return;
    const bytes = joinParts(this.done, this.doneSize);
    const counts = countLines(bytes);
    const firstLine = this.line;
    this.line += counts.lines;
    this.done = [];
    this.doneSize = 0;
    yield { kind: 'lines', bytes, firstLine, payloads: counts.payloads, lastLine: counts.lastPayload > 0 ? firstLine + counts.lastPayload - 1 : 0 };
  }

  /** At the end of the stream: what is held, the last line even without its line end. */
  *end(): Generator<NdjsonChunk> {
    if (this.skipping) {
      yield { kind: 'oversize', ...this.skipping };
      return;
    }
    this.done.push(...this.partial);
    this.doneSize += this.partialSize;
    yield* this.wholeLines();
  }
}

function joinParts(parts: readonly Uint8Array[], size: number): Uint8Array {
  // A buffer of its own: a view would keep (and, handed to a worker, take along) the whole piece it is part of.
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Line ends in `bytes` (the lines after this chunk are numbered from them), its non-blank lines, and the last one's index from 1. */
function countLines(bytes: Uint8Array): { lines: number; payloads: number; lastPayload: number } {
  let lines = 0;
  let payloads = 0;
  let lastPayload = 0;
  forEachSpan(bytes, (start, end, ended) => {
    if (!isBlank(bytes, start, end)) {
      payloads++;
      lastPayload = lines + 1;
    }
    if (ended) lines++;
  });
  return { lines, payloads, lastPayload };
}

/** Calls `fn` with each line's span (line end excluded), and whether it has a line end (the last one may not). */
function forEachSpan(bytes: Uint8Array, fn: (start: number, end: number, ended: boolean) => void): void {
  let start = 0;
  for (let at = bytes.indexOf(LF); at >= 0; at = bytes.indexOf(LF, start)) {
    fn(start, at, true);
    start = at + 1;
  }
  if (start < bytes.length) fn(start, bytes.length, false);
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  // A resource line starts with `{`: this returns at its first byte.
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  }
  return true;
}

/** Each non-blank line of a chunk (ndjsonChunks' `lines`), numbered from `firstLine`; its bytes a view of the chunk, a trailing CR cut. */
export function forEachLine(bytes: Uint8Array, firstLine: number, fn: (line: NdjsonLine) => void, maxBytes: number = DEFAULT_LIMITS.maxBytes): void {
  let line = firstLine;
  forEachSpan(bytes, (start, end) => {
    const size = end - start;
    if (size > maxBytes) fn({ line, size });
    else if (!isBlank(bytes, start, end)) fn({ line, size, bytes: bytes.subarray(start, end > start && bytes[end - 1] === CR ? end - 1 : end) });
    line++;
  });
}

/**
 * One NDJSON line validated as a JSON payload: its issues, sorted, each placed on the line (within one
 * line's JSON every place is on line 1, so the validator does not look for them: the file's line is the
 * place, the FHIRPath says where in it). A bad line (not JSON,
 * not an object, over the limit) is that line's fatal issue.
 */
export function ndjsonLineIssues(validator: Validator | undefined, line: NdjsonLine, options: ValidateOptions, maxBytes: number = DEFAULT_LIMITS.maxBytes): ValidationIssue[] {
  const issues = line.bytes && validator ? validator.jsonIssues(line.bytes, { ...options, locate: false }) : [sizeIssue(line.size, maxBytes) ?? { severity: 'fatal' as const, code: 'too-costly' as const, diagnostics: 'line over the payload limit', expression: '' }];
  return sortIssues(issues.map((i) => placedAt(i, line.line, i.column)));
}
