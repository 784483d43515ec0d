/**
 * Every test file runs with this (jest setupFilesAfterEnv): an internal error (an exception a guard caught
 * and turned into a fatal issue, scripts/diagnostics/internal-errors.ts) during a test fails that test,
 * even where the test only looked at other issues. A test that provokes one on purpose takes it with
 * `takeInternalErrors()`.
 */
import { onInternalError } from '../../scripts/diagnostics/internal-errors.js';
import { errorMessage } from '../../scripts/util/values.js';

const caught: Array<{ error: unknown; where: string }> = [];
onInternalError((error, where) => caught.push({ error, where }));

/** The internal errors since the test began (and forgets them: the test expected them). */
export function takeInternalErrors(): Array<{ error: unknown; where: string }> {
  return caught.splice(0);
}

beforeEach(() => {
  caught.length = 0;
});

afterEach(() => {
  const left = caught.splice(0);
  if (left.length > 0) throw new Error(`internal error(s) during the test: ${left.map((c) => `${c.where}: ${errorMessage(c.error)}`).join('; ')}`);
});
