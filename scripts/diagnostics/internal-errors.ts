/**
 * Internal errors: an exception that escaped a stage's own handling of bad input is a bug in the
 * toolchain, never the user's fault. The top-level guards (validator, converter, CLI) turn one into a
 * fatal issue naming the payload or file and carry on with the next; every guard reports it here too, so
 * that a listener can count them (the test suite fails any test during which one happened).
 */
import { errorMessage } from '../util/values.js';

export type InternalErrorListener = (error: unknown, where: string) => void;

const listeners = new Set<InternalErrorListener>();

/** Calls `listener` for every internal error from now on; returns the function that stops it. */
export function onInternalError(listener: InternalErrorListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Reports an internal error caught at `where` (a file, a payload, a stage), and its message for a diagnostic. */
export function internalError(error: unknown, where: string): string {
  for (const listener of listeners) listener(error, where);
  return `internal error while ${where}: ${errorMessage(error)} (a bug in the toolchain, not in the input: please report it with the input)`;
}
