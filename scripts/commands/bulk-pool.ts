/**
 * Where bulk work runs (bulk-validate.ts): in this thread (`--workers 1`), or on a pool of worker threads.
 * Work goes to the worker with the fewest units waiting, its bytes transferred (not copied); a worker
 * replies with the output already made (bulk-output.ts), so this thread only passes bytes and text along.
 */
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { errorMessage } from '../util/values.js';
import type { ValidationIssue } from '../validate/issues.js';
import { issuesResult, validateWork, type BulkResult, type BulkWork } from './bulk-output.js';
import { workerEntry, type WorkerReply, type WorkerRequest, type WorkerSetup } from './bulk-worker-entry.js';
import { validatorOf } from './validator-target.js';

/** Called once with a unit's result: at once (in this thread), or when its worker replies. */
export type Settle = (result: BulkResult) => void;

export interface Executor {
  /** Threads validating. */
  readonly size: number;
  /** Validates `work` (of `payloads` payloads: what a stopped worker's result accounts for). */
  run(work: BulkWork, payloads: number, settle: Settle): void;
  close(): Promise<void>;
}

export interface Started {
  /** Absent when the validator could not be built. */
  executor?: Executor;
  /** What building the validator reported (from one worker: every worker builds the same). */
  diagnostics: Diagnostic[];
}

/** `n` threads: this one for 1, else `n` workers with this thread left to read and write. */
export function startExecutor(setup: WorkerSetup, n: number): Promise<Started> {
  return n === 1 ? inProcess(setup) : workerPool(setup, n);
}

/** Validation in this thread: the validator built once, each unit run as it is read. */
async function inProcess(setup: WorkerSetup): Promise<Started> {
  const diagnostics = new Diagnostics();
  const validator = await validatorOf(setup, diagnostics);
  if (!validator) return { diagnostics: [...diagnostics.all] };
  const executor: Executor = {
    size: 1,
    run: (work, _payloads, settle) => settle(validateWork(validator, work, setup.validate, setup.output)),
    close: async () => undefined,
  };
  return { executor, diagnostics: [...diagnostics.all] };
}

interface Waiting {
  work: BulkWork;
  payloads: number;
  settle: Settle;
}

interface PoolWorker {
  worker: Worker;
  alive: boolean;
  /** Unit id -> what to do with its result. */
  waiting: Map<number, Waiting>;
}

/** `n` worker threads, each building the validator; a unit goes to the worker with the fewest waiting. */
async function workerPool(setup: WorkerSetup, n: number): Promise<Started> {
  const entry = workerEntry(import.meta.url);
  const pool = Array.from({ length: n }, (): PoolWorker => ({ worker: new Worker(entry.script, { workerData: setup, eval: entry.eval }), alive: true, waiting: new Map() }));
  const ready = pool.map((member) => readyOf(member, setup));
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
    run(work, payloads, settle) {
      let member: PoolWorker | undefined;
      for (const p of pool) if (p.alive && (!member || p.waiting.size < member.waiting.size)) member = p;
      if (!member) return settle(notValidated(setup, { work, payloads, settle }, new Error('every validation worker stopped')));
      const id = nextId++;
      member.waiting.set(id, { work, payloads, settle });
      const bytes = ownBuffer(work.bytes);
      member.worker.postMessage({ id, work: { ...work, bytes } } satisfies WorkerRequest, bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : []);
    },
    close,
  };
  return { executor, diagnostics };
}

/**
 * The bytes in a buffer of their own, to be transferred rather than copied: an NDJSON chunk is one already
 * (ndjsonChunks); a file's bytes may be a view of a buffer shared with others (Node's pool), which must not
 * be taken away, so they are copied first.
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** A worker's ready reply; then its results passed on, and its death made the results of the work it took along. */
function readyOf(member: PoolWorker, setup: WorkerSetup): Promise<Extract<WorkerReply, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    member.worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') return resolve(reply);
      const waiting = member.waiting.get(reply.id);
      member.waiting.delete(reply.id);
      waiting?.settle(reply.result);
    });
    const fail = (e: Error) => {
      member.alive = false;
      reject(e);
      const lost = [...member.waiting.values()];
      member.waiting.clear();
      for (const w of lost) w.settle(notValidated(setup, w, e));
    };
    member.worker.on('error', fail);
    member.worker.on('exit', (code) => {
      if (member.alive) fail(new Error(`a validation worker stopped (exit code ${code})`));
    });
  });
}

/** A worker that dies (out of memory, a crash) takes its work with it: each of its payloads gets a fatal issue, the others go on. */
function notValidated(setup: WorkerSetup, w: Waiting, e: unknown): BulkResult {
  const issue: ValidationIssue = { severity: 'fatal', code: 'exception', diagnostics: `not validated: ${errorMessage(e)}`, expression: '' };
  return issuesResult(setup.output, w.work.name, w.work.kind === 'lines', Array.from({ length: w.payloads }, () => [issue]));
}
