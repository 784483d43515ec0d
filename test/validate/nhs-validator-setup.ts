/**
 * A full Validator over the NHS corpus definitions only (../shared/corpus/nhs-stu3-assets: StructureDefinitions,
 * ValueSets, CodeSystems, read as the snapshot command reads source files) over hl7.fhir.r3.core with the
 * published expansions: what `validate --ig <corpus>` validates the corpus examples against.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '../../scripts/model/fhir.js';
import { createValidator } from '../../scripts/validate/create.js';
import type { ValidationIssue } from '../../scripts/validate/issues.js';
import type { Validator } from '../../scripts/validate/validator.js';
import { coreContext } from '../helpers/context.js';
import { coreIndex, nhsAssetsDir, publishedExpansions } from '../helpers/shared.js';
import { readSources } from './semantic-setup.js';

export const nhsExamplesDir = join(nhsAssetsDir, 'Examples');

let cached: Promise<Validator> | undefined;

export function nhsValidator(): Promise<Validator> {
  cached ??= build();
  return cached;
}

async function build(): Promise<Validator> {
  const stage = coreContext();
  const corpus = await readSources(stage, ['StructureDefinitions', 'ValueSets', 'CodeSystems'], nhsAssetsDir);
  const { validator } = await createValidator({
    resources: corpus as Resource[],
    dependencies: [coreIndex()],
    expansions: publishedExpansions(),
  });
  return validator;
}

/** The example files, sorted. */
export function nhsExamples(): string[] {
  return readdirSync(nhsExamplesDir).filter((f) => /\.(xml|json)$/.test(f)).sort();
}

/** The issues of one corpus example (XML or JSON, by its extension). */
export function nhsExampleIssues(validator: Validator, file: string): ValidationIssue[] {
  const body = readFileSync(join(nhsExamplesDir, file));
  return file.endsWith('.xml') ? validator.xmlIssues(body) : validator.jsonIssues(body);
}
