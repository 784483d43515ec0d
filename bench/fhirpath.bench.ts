/**
 * FHIRPath invariants, compiled vs interpreted: every core and corpus invariant that compiles, evaluated on
 * every node of its context type in the 29 GP Connect example payloads, by the compiled module (in-process,
 * the text the build would emit) and by fhirpath.js (STU3 model, compiled once per expression, as
 * scripts/validate/invariants.ts runs it). Same work items, one process, equal warm-up, alternating blocks
 * (bench/common.ts). The nodes are collected once, outside the timing.
 */
import { payloadResolver, nodesByContext } from '../test/fhirpath/corpus-nodes.js';
import { differentialSetup } from '../test/fhirpath/differential-setup.js';
import { interpreterVerdict } from '../test/fhirpath/oracle.js';
import { alternating, ratio, say, type Row } from './common.js';

const SECTION = 'FHIRPath invariants (29 GP Connect examples)';

export async function benchFhirpath(rows: Row[]): Promise<void> {
  say('fhirpath: compiling the core and corpus invariants');
  const setup = await differentialSetup();
  const payloads = setup.payloads.filter((p) => p.name.startsWith('gpconnect/'));
  // Per payload: its (context, expression, node, env) work items.
  const work = payloads.map((p) => {
    const nodes = nodesByContext([p.resource], setup.elements);
    const items: Array<{ context: string; expression: string; node: unknown; resource: unknown; resolve: (r: string) => unknown }> = [];
    for (const specs of setup.module.compiled.values()) {
      const { context, expression } = specs[0];
      for (const n of nodes.get(context) ?? []) items.push({ context, expression, node: n.node, resource: n.resource, resolve: payloadResolver(n.payload, n.resource) });
    }
    return items;
  });
  const evaluations = work.reduce((n, w) => n + w.length, 0);
  const compiled = (items: (typeof work)[number]) => {
    for (const w of items) setup.loaded.evaluate(w.context, w.expression, w.node, { resource: w.resource, rootResource: w.resource, resolve: w.resolve });
  };
  const interpreted = (items: (typeof work)[number]) => {
    for (const w of items) interpreterVerdict(w.context, w.expression, w.node, w.resource, w.resolve);
  };
  say(`fhirpath: ${evaluations} evaluations a pass, compiled and fhirpath.js alternating`);
  const [compiledRate, interpretedRate] = alternating(work, evaluations, [compiled, interpreted], 6000);
  const perSecond = (n: number) => `${Math.round(n).toLocaleString('en')} evaluations/s`;
  rows.push({ section: SECTION, what: `fhirpath.js 5.2 (STU3 model), ${setup.module.compiled.size} invariants, ${evaluations} evaluations a pass`, value: perSecond(interpretedRate) });
  rows.push({ section: SECTION, what: 'compiled (scripts/compile/fhirpath)', value: perSecond(compiledRate), note: `${ratio(compiledRate, interpretedRate)} fhirpath.js's speed` });
}
