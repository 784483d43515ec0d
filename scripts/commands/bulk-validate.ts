/**
 * Bulk validation: many payload files, and NDJSON files (FHIR Bulk Data, `.ndjson` or `.ndjson.gz`)
 * streamed line by line, validated on worker threads, the results handed back in input order.
 *
 * - Memory stays flat in the input size: NDJSON is read as a stream (scripts/validate/ndjson.ts), cut
 *   into batches of lines, and at most a few batches per worker are in flight; a batch's results wait
 *   only for the batches before it.
 * - Each worker builds the validator once, from plain data (config file, build output, offline flag),
 *   exactly as the command does in process (load-validator.ts); `workers: 1` validates in this thread.
 * - The output is the same whatever the number of workers: results come back in input order, every
 *   payload validated by the same code.
 * - A file that cannot be read, a stream that breaks (a truncated gzip), a line that is not a resource:
 *   each is that file's or line's fatal issue, and the run goes on.
 */
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { errorMessage } from '../util/values.js';
import type { ValidationIssue } from '../validate/issues.js';
import { bulkItemIssues, isNdjsonFile, ndjsonLines, type BulkItem } from '../validate/ndjson.js';
import { validatorOf } from './validator-target.js';
import { workerEntry, type WorkerReply, type WorkerSetup } from './bulk-worker-entry.js';

export interface BulkValidateOptions {
  /** What a worker needs to build the validator: plain data only. */
  setup: WorkerSetup;
  /** Worker threads (default: the machine's available parallelism); 1 validates in this thread. */
  workers?: number;
  /** Reads a JSON or XML payload file, or says why it cannot be (the command's safe reader). */
  readFile: (file: string) => { bytes: Uint8Array } | { error: string };
  /** Lines per batch sent to a worker (default 128). */
  batchLines?: number;
}

/** Where results go, called in input order: each file's start, its issues (sorted within a payload, NDJSON lines in order), its end. */
export interface BulkReporter {
  start(file: string): void;
  /** The issues of one payload: a whole file, or one NDJSON line (`payloads` counts them). */
  payload(file: string, issues: readonly ValidationIssue[]): void;
  end(file: string): void;
}

export interface BulkRun {
  /** False when the validator could not be built (the diagnostics say why); nothing was validated. */
  loaded: boolean;
  /** What building the validator reported (from one worker: every worker builds the same). */
  diagnostics: Diagnostic[];
}

/** Bytes of batched lines past which a batch is sent without waiting for more lines. */
const BATCH_BYTES = 4 * 1024 * 1024;

/** A unit of ordered output: a batch of payloads of one file, possibly its first or last. */
interface Unit {
  file: string;
  first: boolean;
  last: boolean;
  results: Promise<ValidationIssue[][]>;
}

interface Executor {
  run(items: BulkItem[]): Promise<ValidationIssue[][]>;
  readonly size: number;
  close(): Promise<void>;
}

export async function bulkValidate(files: readonly string[], options: BulkValidateOptions, reporter: BulkReporter): Promise<BulkRun> {
  const workers = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
  const started = workers === 1 ? await inProcess(options.setup) : await workerPool(options.setup, workers);
  if (!started.executor) return { loaded: false, diagnostics: started.diagnostics };
  const executor = started.executor;
  const pending: Unit[] = [];
  const maxPending = executor.size * 4;
  const emit = async (unit: Unit) => {
    if (unit.first) reporter.start(unit.file);
    for (const issues of await unit.results) reporter.payload(unit.file, issues);
    if (unit.last) reporter.end(unit.file);
  };
  const push = async (unit: Unit) => {
    pending.push(unit);
    // Awaited in turn below; marked handled now, so that a failure of a later batch is not taken for an unhandled one meanwhile.
    unit.results.catch(() => undefined);
    // Bounded in flight: the oldest unit is reported before more input is read.
    while (pending.length > maxPending) await emit(pending.shift() as Unit);
  };
  try {
    for (const file of files) {
      for await (const unit of unitsOf(file, options, executor)) await push(unit);
    }
    while (pending.length > 0) await emit(pending.shift() as Unit);
  } finally {
    await executor.close();
  }
  return { loaded: true, diagnostics: started.diagnostics };
}

const fatal = (diagnostics: string, code: ValidationIssue['code'] = 'not-found'): ValidationIssue => ({ severity: 'fatal', code, diagnostics, expression: '' });
const done = (issues: ValidationIssue[][]): Promise<ValidationIssue[][]> => Promise.resolve(issues);

/** The units of one input file: one for a JSON or XML file, a first, one per batch of lines and a last for NDJSON. */
async function* unitsOf(file: string, options: BulkValidateOptions, executor: Executor): AsyncGenerator<Unit> {
  if (!isNdjsonFile(file)) {
    const kind = extname(file).toLowerCase() === '.xml' ? 'xml' : extname(file).toLowerCase() === '.json' ? 'json' : undefined;
    if (!kind) {
      yield { file, first: true, last: true, results: done([[fatal(`cannot validate ${extname(file) || 'extensionless'} files (known: .json, .xml, .ndjson, .ndjson.gz)`)]]) };
      return;
    }
    const read = options.readFile(file);
    yield { file, first: true, last: true, results: 'error' in read ? done([[fatal(read.error)]]) : executor.run([{ kind, bytes: read.bytes }]) };
    return;
  }
  yield { file, first: true, last: false, results: done([]) };
  const batchLines = options.batchLines ?? 128;
  let batch: BulkItem[] = [];
  let bytes = 0;
  let lastLine = 0;
  try {
    const stream = createReadStream(file);
    const source = /\.gz$/i.test(file) ? stream.pipe(createGunzip()) : stream;
    // A read error of the file stream itself does not reach the piped gunzip: it is passed on.
    if (source !== stream) stream.on('error', (e) => source.destroy(e));
    for await (const line of ndjsonLines(source)) {
      lastLine = line.line;
      batch.push({ kind: 'line', line });
      bytes += line.size;
      if (batch.length >= batchLines || bytes >= BATCH_BYTES) {
        yield { file, first: false, last: false, results: executor.run(batch) };
        batch = [];
        bytes = 0;
      }
    }
  } catch (e) {
    if (batch.length > 0) yield { file, first: false, last: false, results: executor.run(batch) };
    batch = [];
    const where = lastLine > 0 ? ` after line ${lastLine}` : '';
    yield { file, first: false, last: false, results: done([[fatal(`cannot read ${file}${where}: ${streamError(e)}`)]]) };
  }
  if (batch.length > 0) yield { file, first: false, last: false, results: executor.run(batch) };
  yield { file, first: false, last: true, results: done([]) };
}

function streamError(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') return `not valid gzip data (${errorMessage(e)})`;
  return errorMessage(e);
}

/** Validation in this thread: the validator built once, each batch run when its turn comes. */
async function inProcess(setup: WorkerSetup): Promise<{ executor?: Executor; diagnostics: Diagnostic[] }> {
  const diagnostics = new Diagnostics();
  const validator = await validatorOf(setup, diagnostics);
  if (!validator) return { diagnostics: [...diagnostics.all] };
  const executor: Executor = {
    size: 1,
    // Run on the next turn, so that reading the stream and reporting interleave with validating.
    run: (items) => new Promise((resolve) => setImmediate(() => resolve(items.map((item) => bulkItemIssues(validator, item, setup.validate))))),
    close: async () => undefined,
  };
  return { executor, diagnostics: [...diagnostics.all] };
}

interface PoolWorker {
  worker: Worker;
  alive: boolean;
  /** Batch id -> its resolver, in the order sent. */
  waiting: Map<number, { resolve: (r: ValidationIssue[][]) => void; reject: (e: Error) => void }>;
}

/** `n` worker threads, each building the validator; a batch goes to the worker with the fewest batches waiting. */
async function workerPool(setup: WorkerSetup, n: number): Promise<{ executor?: Executor; diagnostics: Diagnostic[] }> {
  const entry = workerEntry(import.meta.url);
  const pool: PoolWorker[] = [];
  const ready: Array<Promise<Extract<WorkerReply, { type: 'ready' }>>> = [];
  for (let i = 0; i < n; i++) {
    const worker = new Worker(entry.script, { workerData: setup, eval: entry.eval });
    const member: PoolWorker = { worker, alive: true, waiting: new Map() };
    pool.push(member);
    ready.push(
      new Promise((resolve, reject) => {
        worker.on('message', (reply: WorkerReply) => {
          if (reply.type === 'ready') resolve(reply);
          else {
            const waiter = member.waiting.get(reply.id);
            member.waiting.delete(reply.id);
            waiter?.resolve(reply.issues);
          }
        });
        const fail = (e: Error) => {
          member.alive = false;
          reject(e);
          for (const w of member.waiting.values()) w.reject(e);
          member.waiting.clear();
        };
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (member.alive) fail(new Error(`a validation worker stopped (exit code ${code})`));
        });
      }),
    );
  }
  const close = async () => {
    for (const p of pool) p.alive = false;
    await Promise.all(pool.map((p) => p.worker.terminate()));
  };
  let replies: Array<Extract<WorkerReply, { type: 'ready' }>>;
  try {
    replies = await Promise.all(ready);
  } catch (e) {
    await close();
    throw e;
  }
  const diagnostics = replies[0].diagnostics;
  if (!replies.every((r) => r.ok)) {
    await close();
    return { diagnostics };
  }
  let nextId = 0;
  const executor: Executor = {
    size: n,
    run(items) {
      const alive = pool.filter((p) => p.alive);
      const id = nextId++;
      const sent =
        alive.length === 0
          ? Promise.reject(new Error('every validation worker stopped'))
          : new Promise<ValidationIssue[][]>((resolve, reject) => {
              const member = alive.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
              member.waiting.set(id, { resolve, reject });
              member.worker.postMessage({ id, items });
            });
      // A worker that dies (out of memory, a crash) takes its batches with it: each of their payloads gets a fatal issue, the others go on.
      return sent.catch((e: unknown) => items.map(() => [fatal(`not validated: ${errorMessage(e)}`, 'exception')]));
    },
    close,
  };
  return { executor, diagnostics };
}
