/**
 * Bulk validation: many payload files, and NDJSON files (FHIR Bulk Data, `.ndjson` or `.ndjson.gz`)
 * streamed in chunks of whole lines, validated on worker threads, the results handed back in input order.
 *
 * - This thread does as little as it can, so that N workers get N cores' worth of validating: it reads
 *   bytes, cuts them at a line end into chunks (scripts/validate/ndjson.ts) and transfers each chunk's
 *   buffer to a worker; the worker splits the lines, validates them and makes their output
 *   (bulk-output.ts), which this thread writes out in input order. No line is a string or a message here.
 * - Memory stays flat in the input size: at most a few units per worker are waiting to be written; reading
 *   waits for them. A unit's output waits only for the units before it.
 * - Each worker builds the validator once, from plain data (config file, build output, offline flag),
 *   exactly as the command does in process (load-validator.ts); `workers: 1` validates in this thread
 *   (bulk-pool.ts).
 * - The output is the same whatever the number of workers: made by one function, written in input order.
 * - A file that cannot be read, a stream that breaks (a truncated gzip), a line that is not a resource:
 *   each is that file's or line's fatal issue, and the run goes on.
 */
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { errorMessage } from '../util/values.js';
import type { ValidationIssue } from '../validate/issues.js';
import { CHUNK_BYTES, isNdjsonFile, ndjsonChunks, ndjsonLineIssues } from '../validate/ndjson.js';
import { issuesResult, type BulkResult } from './bulk-output.js';
import { startExecutor, type Executor } from './bulk-pool.js';
import type { WorkerSetup } from './bulk-worker-entry.js';

export interface BulkValidateOptions {
  /** What a worker needs to build the validator and write the output: plain data only. */
  setup: WorkerSetup;
  /** Worker threads (default: the machine's available parallelism); 1 validates in this thread. */
  workers?: number;
  /** Reads a JSON or XML payload file, or says why it cannot be (the command's safe reader). */
  readFile: (file: string) => { bytes: Uint8Array } | { error: string };
  /** The file as the output names it (default: as given). */
  displayName?: (file: string) => string;
  /** Bytes of NDJSON per unit of work (default CHUNK_BYTES). */
  chunkBytes?: number;
}

/** Where results go, called in input order: each file's start, the results of its payloads in order, its end. */
export interface BulkReporter {
  start(file: string): void;
  result(file: string, result: BulkResult): void;
  end(file: string): void;
}

export interface BulkRun {
  /** False when the validator could not be built (the diagnostics say why); nothing was validated. */
  loaded: boolean;
  /** What building the validator reported (from one worker: every worker builds the same). */
  diagnostics: Diagnostic[];
}

/** Units waiting to be written, per validating thread, past which reading waits. */
const WAITING_PER_THREAD = 4;

export async function bulkValidate(files: readonly string[], options: BulkValidateOptions, reporter: BulkReporter): Promise<BulkRun> {
  const workers = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
  const started = await startExecutor(options.setup, workers);
  if (!started.executor) return { loaded: false, diagnostics: started.diagnostics };
  const executor = started.executor;
  const output = new OrderedOutput(reporter, executor.size * WAITING_PER_THREAD);
  try {
    for (const file of files) {
      output.mark(file, 'start');
      const name = options.displayName?.(file) ?? file;
      if (isNdjsonFile(file)) await ndjsonFile(file, name, options, executor, output);
      else payloadFile(file, name, options, executor, output);
      output.mark(file, 'end');
      await output.room();
    }
    await output.drained();
  } finally {
    await executor.close();
  }
  return { loaded: true, diagnostics: started.diagnostics };
}

const fatal = (diagnostics: string): ValidationIssue => ({ severity: 'fatal', code: 'not-found', diagnostics, expression: '' });

/** A JSON or XML file: one unit. */
function payloadFile(file: string, name: string, options: BulkValidateOptions, executor: Executor, output: OrderedOutput): void {
  const ext = extname(file).toLowerCase();
  const kind = ext === '.xml' ? 'xml' : ext === '.json' ? 'json' : undefined;
  const style = options.setup.output;
  if (!kind) return output.settled(file, issuesResult(style, name, false, [[fatal(`cannot validate ${ext || 'extensionless'} files (known: .json, .xml, .ndjson, .ndjson.gz)`)]]));
  const read = options.readFile(file);
  if ('error' in read) return output.settled(file, issuesResult(style, name, false, [[fatal(read.error)]]));
  executor.run({ kind, name, bytes: read.bytes }, 1, output.pending(file));
}

/** An NDJSON file: a unit per chunk of lines, read as the units before are written. */
async function ndjsonFile(file: string, name: string, options: BulkValidateOptions, executor: Executor, output: OrderedOutput): Promise<void> {
  const style = options.setup.output;
  let lastLine = 0;
  try {
    const stream = createReadStream(file);
    const source = /\.gz$/i.test(file) ? stream.pipe(createGunzip()) : stream;
    // A read error of the file stream itself does not reach the piped gunzip: it is passed on.
    if (source !== stream) stream.on('error', (e) => source.destroy(e));
    for await (const chunk of ndjsonChunks(source, options.chunkBytes ?? CHUNK_BYTES)) {
      if (chunk.kind === 'oversize') {
        lastLine = chunk.line;
        output.settled(file, issuesResult(style, name, true, [ndjsonLineIssues(undefined, chunk, options.setup.validate)]));
      } else if (chunk.payloads > 0) {
        lastLine = chunk.lastLine;
        executor.run({ kind: 'lines', name, bytes: chunk.bytes, firstLine: chunk.firstLine }, chunk.payloads, output.pending(file));
      }
      await output.room();
    }
  } catch (e) {
    const where = lastLine > 0 ? ` after line ${lastLine}` : '';
    output.settled(file, issuesResult(style, name, true, [[fatal(`cannot read ${file}${where}: ${streamError(e)}`)]]));
  }
}

function streamError(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') return `not valid gzip data (${errorMessage(e)})`;
  return errorMessage(e);
}

/** A place in the output: a file's start or end, or a unit's result (undefined until it comes). */
interface Slot {
  file: string;
  mark?: 'start' | 'end';
  result?: BulkResult;
}

/** The reporter's calls in input order, each made as soon as everything before it is in. */
class OrderedOutput {
  private readonly slots: Slot[] = [];
  private wake: (() => void) | undefined;

  constructor(
    private readonly reporter: BulkReporter,
    /** Slots held past which `room()` waits. */
    private readonly limit: number,
  ) {}

  mark(file: string, mark: 'start' | 'end'): void {
    this.slots.push({ file, mark });
    this.flush();
  }

  settled(file: string, result: BulkResult): void {
    this.slots.push({ file, result });
    this.flush();
  }

  /** A slot for a result to come; the function fills it. */
  pending(file: string): (result: BulkResult) => void {
    const slot: Slot = { file };
    this.slots.push(slot);
    return (result) => {
      slot.result = result;
      this.flush();
    };
  }

  /** Resolves once fewer than the limit of slots are held. */
  async room(): Promise<void> {
    while (this.slots.length >= this.limit) await this.progress();
  }

  /** Resolves once everything is written. */
  async drained(): Promise<void> {
    while (this.slots.length > 0) await this.progress();
  }

  private progress(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private flush(): void {
    let written = 0;
    while (written < this.slots.length && (this.slots[written].mark || this.slots[written].result)) this.write(this.slots[written++]);
    if (written === 0) return;
    this.slots.splice(0, written);
    if (this.wake) {
      const wake = this.wake;
      this.wake = undefined;
      wake();
    }
  }

  private write(slot: Slot): void {
    if (slot.mark === 'start') this.reporter.start(slot.file);
    else if (slot.mark === 'end') this.reporter.end(slot.file);
    else this.reporter.result(slot.file, slot.result as BulkResult);
  }
}
