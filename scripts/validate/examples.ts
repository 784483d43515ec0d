/**
 * The build's example check: every example in the project validated against the profiles it claims (or
 * its base type); errors fail the build, warnings are reported. Each diagnostic names the example's file
 * and the FHIRPath location of the problem.
 */
import type { StageContext } from '../context.js';
import type { Resource } from '../model/fhir.js';
import type { Validator } from './validator.js';

export function validateExamples(examples: readonly Resource[], validator: Validator, ctx: StageContext): void {
  for (const example of examples) {
    const where = ctx.sources.at(example);
    for (const issue of validator.issues(example)) {
      const location = { ...where, path: issue.expression || undefined };
      const message = `example ${example.resourceType}${example.id ? `/${example.id}` : ''}: ${issue.diagnostics}`;
      if (issue.severity === 'error' || issue.severity === 'fatal') ctx.diagnostics.error(`example.${issue.code}`, message, location);
      else if (issue.severity === 'warning') ctx.diagnostics.warning(`example.${issue.code}`, message, location);
    }
  }
}
