/**
 * A full Validator (structure + semantic layers) for tests: the project's sources, then the NHS-published
 * StructureDefinitions, ValueSets and CodeSystems of ../shared/corpus for what the project does not have
 * (the Access Record profiles the structured examples claim), over hl7.fhir.r3.core with the published
 * expansions. Structure validators are the modules the build would emit, from the validator module cache.
 */
import { DiskModuleCache } from '../../scripts/compile/module-cache.js';
import { validatorCacheDir } from '../../scripts/load/cache-dirs.js';
import type { Resource } from '../../scripts/model/fhir.js';
import { createValidator } from '../../scripts/validate/create.js';
import type { Validator } from '../../scripts/validate/validator.js';
import { canonical, coreContext } from '../helpers/context.js';
import { coreIndex, nhsAssetsDir, projectRoot, publishedExpansions } from '../helpers/shared.js';
import { readSources } from './semantic-setup.js';

export interface ValidatorSetup {
  validator: Validator;
  /** Problems reading the sources (expected none). */
  problems: string[];
}

let cached: Promise<ValidatorSetup> | undefined;

export function validatorSetup(): Promise<ValidatorSetup> {
  cached ??= build();
  return cached;
}

async function build(): Promise<ValidatorSetup> {
  const stage = coreContext();
  const project = await readSources(stage, ['profiles', 'valuesets', 'codesystems'], projectRoot);
  const projectProblems = stage.diagnostics.all.map((d) => `${d.severity} ${d.code}: ${d.message}`);
  const corpus = await readSources(stage, ['StructureDefinitions', 'ValueSets', 'CodeSystems'], nhsAssetsDir);
  const own = new Set(project.map((r) => (r as { url?: string }).url));
  const extra = corpus.filter((r: Resource) => !own.has((r as { url?: string }).url));
  const { validator } = await createValidator({
    resources: [...project, ...extra],
    dependencies: [coreIndex()],
    canonical,
    expansions: publishedExpansions(),
    // The test run's cache (test/global-setup.js): the core module is compiled once for every test file.
    cache: new DiskModuleCache(validatorCacheDir()),
  });
  return { validator, problems: projectProblems };
}
