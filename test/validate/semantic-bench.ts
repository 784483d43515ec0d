/**
 * Throughput of semantic validation over the GP Connect Foundations and Appointments examples, with and
 * without FHIRPath invariants: `npx tsx test/validate/semantic-bench.ts`.
 */
import type { Resource } from '../../scripts/model/fhir.js';
import { withOptions } from '../../scripts/validate/semantic-context.js';
import { validateClaimed } from '../../scripts/validate/semantic.js';
import { gpconnectExamples, semanticSetup } from './semantic-setup.js';

/** Resources in a payload: itself, its contained resources, Bundle entries and Parameters resources. */
function countResources(r: Resource): number {
  const nested = [...((r.contained as Resource[] | undefined) ?? [])];
  for (const e of (r.entry as Array<{ resource?: Resource }> | undefined) ?? []) if (e.resource) nested.push(e.resource);
  for (const p of (r.parameter as Array<{ resource?: Resource }> | undefined) ?? []) if (p.resource) nested.push(p.resource);
  return 1 + nested.reduce((n, c) => n + countResources(c), 0);
}

const { ctx } = await semanticSetup();
const examples = gpconnectExamples();
const resources = examples.reduce((n, e) => n + countResources(e.resource), 0);
for (const invariants of [true, false]) {
  const c = withOptions(ctx, { invariants });
  for (const e of examples) validateClaimed(e.resource, c); // warm: snapshots, expansions, compiled expressions
  const start = performance.now();
  let rounds = 0;
  while (performance.now() - start < 3000) {
    for (const e of examples) validateClaimed(e.resource, c);
    rounds++;
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(`invariants ${invariants ? 'on ' : 'off'}: ${examples.length} payloads (${resources} resources) x ${rounds}: ${((rounds * resources) / seconds).toFixed(0)} resources/s`);
}
