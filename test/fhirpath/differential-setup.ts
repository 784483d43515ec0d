/**
 * What the differential test runs on: the core and corpus invariants compiled into one module, the corpus
 * payloads (GP Connect examples, NHS examples, a sample of the core package's own resources), and the
 * comparison of the compiled verdict with fhirpath.js's on one node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildInvariantModule, FhirPathModel, loadInvariantModule, type InvariantModule, type LoadedInvariants } from '../../scripts/compile/fhirpath/index.js';
import type { StructureDefinition } from '../../scripts/model/fhir.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreContext } from '../helpers/context.js';
import { coreIndex, gpconnectExamplesDir, nhsAssetsDir, packageResources } from '../helpers/shared.js';
import { readSources } from '../validate/semantic-setup.js';
import { payloadResolver, type PayloadNode } from './corpus-nodes.js';
import { collectInvariants, type SourcedInvariant } from './invariant-sources.js';
import { interpreterVerdict, type Verdict } from './oracle.js';

export interface DifferentialSetup {
  elements: ElementModel;
  model: FhirPathModel;
  invariants: SourcedInvariant[];
  module: InvariantModule;
  loaded: LoadedInvariants;
  payloads: Array<{ name: string; resource: Record<string, unknown> }>;
}

export async function differentialSetup(): Promise<DifferentialSetup> {
  const core = packageResources();
  const elements = ElementModel.fromSource(coreIndex());
  const model = FhirPathModel.fromDefinitions(elements, core.filter((r) => r.resourceType === 'StructureDefinition') as StructureDefinition[]);
  const stage = coreContext();
  const corpusDefinitions = await readSources(stage, ['StructureDefinitions'], nhsAssetsDir);
  const invariants = [...collectInvariants(core, 'core', elements), ...collectInvariants(corpusDefinitions, 'corpus', elements)];
  const module = buildInvariantModule(invariants, model);
  const payloads: DifferentialSetup['payloads'] = [];
  for (const folder of readdirSync(gpconnectExamplesDir).sort())
    for (const file of readdirSync(join(gpconnectExamplesDir, folder)).sort())
      payloads.push({ name: `gpconnect/${folder}/${file}`, resource: JSON.parse(readFileSync(join(gpconnectExamplesDir, folder, file), 'utf8')) as Record<string, unknown> });
  const examples = await readSources(stage, ['Examples'], nhsAssetsDir);
  examples.forEach((r, i) => payloads.push({ name: `nhs-examples/${i}`, resource: r as unknown as Record<string, unknown> }));
  // The core package's own resources are payloads too (conformance resources): every 25th, for time.
  core.forEach((r, i) => {
    if (i % 25 === 0) payloads.push({ name: `core/${r.resourceType}/${String((r as { id?: string }).id)}`, resource: r as unknown as Record<string, unknown> });
  });
  return { elements, model, invariants, module, loaded: loadInvariantModule(module), payloads };
}

export interface Comparison {
  compiled: Verdict;
  interpreter: Verdict;
  /** The compiled code left this node to the interpreter. */
  delegated: boolean;
}

/** One invariant on one node, both ways. */
export function compare(loaded: LoadedInvariants, context: string, expression: string, n: PayloadNode): Comparison {
  const resolve = payloadResolver(n.payload, n.resource);
  const interpreter = interpreterVerdict(context, expression, n.node, n.resource, resolve);
  const outcome = loaded.evaluate(context, expression, n.node, { resource: n.resource, rootResource: n.resource, resolve });
  if (typeof outcome === 'boolean') return { compiled: outcome, interpreter, delegated: false };
  if ('error' in outcome) return { compiled: 'error', interpreter, delegated: false };
  return { compiled: interpreter, interpreter, delegated: true };
}
