/**
 * A bulk-validation worker thread (bulk-validate.ts): builds the validator once from plain data, says it
 * is ready (with what building it reported), then validates each batch it is sent, replying with one
 * sorted issue list per payload.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Diagnostics } from '../diagnostics/diagnostics.js';
import { bulkItemIssues } from '../validate/ndjson.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './bulk-worker-entry.js';
import { validatorOf } from './validator-target.js';

const port = parentPort;
if (!port) throw new Error('bulk-worker.ts runs as a worker thread only');
const setup = workerData as WorkerSetup;
const diagnostics = new Diagnostics();
const validator = await validatorOf(setup, diagnostics);
port.postMessage({ type: 'ready', ok: !!validator, diagnostics: [...diagnostics.all] } satisfies WorkerReply);
if (validator) {
  port.on('message', ({ id, items }: WorkerRequest) => {
    const issues = items.map((item) => bulkItemIssues(validator, item, setup.validate));
    port.postMessage({ type: 'issues', id, issues } satisfies WorkerReply);
  });
}
