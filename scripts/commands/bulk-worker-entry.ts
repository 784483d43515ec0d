/**
 * What the bulk validator and its worker threads share: the messages they exchange, the plain data a
 * worker builds its validator from, and where the worker's entry module is. Under tsx (the sources, `npm
 * run cli`, the tests) the entry is `bulk-worker.ts`, loaded through tsx's loader; compiled (dist/) it is
 * `bulk-worker.js` beside this module, run by Node as is.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { ValidateOptions } from '../validate/validator.js';
import type { BulkResult, BulkWork, OutputStyle } from './bulk-output.js';
import type { ValidatorTarget } from './validator-target.js';

/** A worker's validator (plain data), the validation options, and how the output is written. */
export interface WorkerSetup extends ValidatorTarget {
  validate: ValidateOptions;
  output: OutputStyle;
}

/** A unit of work; its bytes are transferred, not copied. */
export interface WorkerRequest {
  id: number;
  work: BulkWork;
}

export type WorkerReply = { type: 'ready'; ok: boolean; diagnostics: Diagnostic[] } | { type: 'result'; id: number; result: BulkResult };

/**
 * How to start a worker running the entry module beside `moduleUrl` (this folder's): compiled, the module
 * itself; from TypeScript sources, a bootstrap that registers tsx's loader in the worker, then imports it.
 */
export function workerEntry(moduleUrl: string): { script: URL | string; eval: boolean } {
  if (!moduleUrl.endsWith('.ts')) return { script: new URL('./bulk-worker.js', moduleUrl), eval: false };
  const api = pathToFileURL(tsxEsmApi(moduleUrl)).href;
  const entry = new URL('./bulk-worker.ts', moduleUrl).href;
  return { script: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, eval: true };
}

/** The file of tsx's ESM API (`tsx/esm/api`, import condition), found from its package.json as Node's ESM resolution would. */
function tsxEsmApi(moduleUrl: string): string {
  const manifest = createRequire(moduleUrl).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return join(dirname(manifest), exports['./esm/api'].import.default);
}
