/** The project's profiles, value sets and code systems over hl7.fhir.r3.core, snapshotted on demand, with the published expansions: a semantic validation context for tests. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StageContext } from '../../scripts/context.js';
import { findSourceFiles, readSourceFiles } from '../../scripts/load/sources.js';
import type { Resource } from '../../scripts/model/fhir.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { SnapshotGenerator } from '../../scripts/snapshot/generate.js';
import { createSemanticContext, type SemanticContext, type SemanticOptions } from '../../scripts/validate/semantic-context.js';
import { coreContext } from '../helpers/context.js';
import { coreIndex, gpconnectExamplesDir, projectRoot, publishedExpansions } from '../helpers/shared.js';

export interface SemanticSetup {
  ctx: SemanticContext;
  generator: SnapshotGenerator;
  /** The project's resources, as read. */
  resources: Resource[];
  /** Diagnostics from reading and snapshotting the project (expected empty). */
  problems: string[];
}

/** The resources of source folders under `root`, read (XML or JSON) with the core element model into the stage's diagnostics. */
export async function readSources(stage: StageContext, folders: readonly string[], root: string): Promise<Resource[]> {
  const model = ElementModel.fromSource(coreIndex());
  const files = await findSourceFiles(folders.map((d) => join(root, d)), stage.diagnostics, root);
  return readSourceFiles(files, { model, diagnostics: stage.diagnostics, sources: stage.sources, root });
}

export async function semanticSetup(options: Partial<SemanticOptions> = {}): Promise<SemanticSetup> {
  const stage = coreContext();
  const resources = await readSources(stage, ['profiles', 'valuesets', 'codesystems'], projectRoot);
  for (const r of resources) stage.project.add(r);
  const generator = new SnapshotGenerator(stage);
  const ctx = createSemanticContext({
    profiles: (ref) => generator.resolve(ref),
    resolver: stage.resolver,
    expansions: publishedExpansions(),
    options,
  });
  return { ctx, generator, resources, problems: stage.diagnostics.all.map((d) => `${d.severity} ${d.code}: ${d.message}`) };
}

/** The GP Connect Foundations and Appointments example payloads, by `folder/file`. */
export function gpconnectExamples(): Array<{ name: string; resource: Resource }> {
  const out: Array<{ name: string; resource: Resource }> = [];
  for (const folder of ['foundations', 'appointments'])
    for (const file of readdirSync(join(gpconnectExamplesDir, folder)).sort())
      if (file.endsWith('.json')) out.push({ name: `${folder}/${file}`, resource: JSON.parse(readFileSync(join(gpconnectExamplesDir, folder, file), 'utf8')) as Resource });
  return out;
}
