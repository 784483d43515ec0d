/**
 * The rule tests' validator: the semantic layer over hl7.fhir.r3.core (with the published expansions) and
 * the small definitions of test/validate/fixtures/rules (extensions with every kind of context, sliced
 * profiles, code systems, a Questionnaire), snapshotted on demand. No structure validators: these tests
 * are about the semantic rules, and compiling the STU3 module would only slow them down. Every payload is
 * validated twice, by the walk generated as code (at a plan's first walk) and by the interpreted walk, and
 * the two must give the same issues in the same order.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resource } from '../../scripts/model/fhir.js';
import { SnapshotGenerator } from '../../scripts/snapshot/generate.js';
import type { ValidationIssue } from '../../scripts/validate/issues.js';
import { createSemanticContext, type SemanticContext } from '../../scripts/validate/semantic-context.js';
import { Validator, type ValidateOptions } from '../../scripts/validate/validator.js';
import { walkFaults } from '../../scripts/validate/walk-module.js';
import { coreContext } from '../helpers/context.js';
import { publishedExpansions } from '../helpers/shared.js';

export const EX = 'http://example.org/fhir/';
const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'rules');

export interface RulesSetup {
  ctx: SemanticContext;
  validator: Validator;
  /** Problems snapshotting the fixtures (expected none). */
  problems: string[];
}

let cached: RulesSetup | undefined;

export function rulesSetup(): RulesSetup {
  if (cached) return cached;
  const fixtures = readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(fixturesDir, f), 'utf8')) as Resource);
  const stage = coreContext(fixtures);
  const generator = new SnapshotGenerator(stage);
  const ctx = createSemanticContext({ profiles: (ref) => generator.resolve(ref), resolver: stage.resolver, expansions: publishedExpansions(), options: { compiledWalk: true, generateAfter: 1 } });
  for (const r of fixtures) if (r.resourceType === 'StructureDefinition') generator.resolve(r.url as string);
  const problems = stage.diagnostics.all.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
  cached = { ctx, validator: new Validator({ structure: {}, semantic: ctx }), problems };
  return cached;
}

/** `severity rule location` of each issue (information left out unless asked), in a stable order. */
export function findings(resource: object, options: ValidateOptions & { information?: boolean } = {}): string[] {
  return issuesOf(resource, options)
    .filter((i) => options.information || i.severity !== 'information')
    .map(show)
    .sort();
}

export function show(i: ValidationIssue): string {
  return `${i.severity} ${i.rule ?? i.code} ${i.expression}`;
}

/** The issues themselves, for tests that read the wording (the generated walk's, once shown to be the interpreted walk's). */
export function issuesOf(resource: object, options: ValidateOptions = {}): ValidationIssue[] {
  const { validator } = rulesSetup();
  const interpreted = validator.issues(resource, { ...options, compiledWalk: false });
  const generated = validator.issues(resource, options);
  if (walkFaults().length > 0) throw new Error(`the walk generator failed: ${walkFaults().join('; ')}`);
  if (options.compiledWalk !== false && JSON.stringify(generated) !== JSON.stringify(interpreted))
    throw new Error(`the generated walk differs from the interpreted walk:\n${JSON.stringify(generated, null, 1)}\ninterpreted:\n${JSON.stringify(interpreted, null, 1)}`);
  return generated;
}
