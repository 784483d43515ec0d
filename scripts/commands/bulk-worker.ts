/**
 * A bulk-validation worker thread (bulk-validate.ts): builds the validator once from plain data, says it
 * is ready (with what building it reported), then validates each unit of work it is sent (a chunk of NDJSON
 * lines it splits itself, or a whole payload), replying with the output text and counts (bulk-output.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { validateWork } from './bulk-output.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './bulk-worker-entry.js';
import { validatorOf } from './validator-target.js';

const port = parentPort;
if (!port) throw new Error('bulk-worker.ts runs as a worker thread only');
const setup = workerData as WorkerSetup;
const diagnostics = new Diagnostics();
const validator = await validatorOf(setup, diagnostics);
port.postMessage({ type: 'ready', ok: !!validator, diagnostics: [...diagnostics.all] } satisfies WorkerReply);
if (validator) {
  port.on('message', ({ id, work }: WorkerRequest) => {
    port.postMessage({ type: 'result', id, result: validateWork(validator, work, setup.validate, setup.output) } satisfies WorkerReply);
  });
}
