/**
 * The reference interpreter: fhirpath.js with its STU3 model, as scripts/validate/invariants.ts runs it
 * (the node as the context, `%resource`/`%rootResource` the resource, trace() silent), plus a resolve()
 * over the payload (fhirpath.js resolves only over HTTP; the resolution rule is the test's, the same for both;
 * the user function is the validator's, fhirpathResolve).
 */
import fhirpath from 'fhirpath';
import stu3Model from 'fhirpath/fhir-context/stu3';
import { fhirpathResolve } from '../../scripts/validate/invariants.js';

export type Verdict = boolean | 'error';

type Evaluator = (node: unknown, env: Record<string, unknown>) => unknown[];
const cache = new Map<string, Evaluator | Error>();
let currentResolver: ((reference: string) => unknown) | undefined;

const userInvocationTable = fhirpathResolve(() => currentResolver);

function evaluator(context: string, expression: string): Evaluator | Error {
  const key = `${context}|${expression}`;
  let e = cache.get(key);
  if (!e) {
    try {
      const fn = fhirpath.compile({ base: context, expression }, stu3Model, { traceFn: () => undefined, userInvocationTable } as never);
      e = (node, env) => fn(node, env) as unknown[];
    } catch (err) {
      e = err as Error;
    }
    cache.set(key, e);
  }
  return e;
}

/** fhirpath.js's verdict: holds when the result is empty or all true; 'error' when it throws. */
export function interpreterVerdict(context: string, expression: string, node: unknown, resource: unknown, resolve: (reference: string) => unknown): Verdict {
  const e = evaluator(context, expression);
  if (e instanceof Error) return 'error';
  currentResolver = resolve;
  try {
    const result = e(node, { resource, rootResource: resource, context: node });
    return result.every((r) => r === true);
  } catch {
    return 'error';
  } finally {
    currentResolver = undefined;
  }
}
