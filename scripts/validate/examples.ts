/**
 * The build's example check: every example in the project validated against the profiles it claims (or
 * its base type); errors fail the build, warnings are reported. Each diagnostic names the example's file
 * and the FHIRPath location of the problem. An example that claims a profile which could not be built is
 * not validated (a note says so), rather than failing on every element of the missing profile.
 */
import type { StageContext } from '../context.js';
import type { Resource } from '../model/fhir.js';
import type { Validator } from './validator.js';

export function validateExamples(examples: readonly Resource[], validator: Validator, ctx: StageContext, failedProfiles: ReadonlySet<string> = new Set()): void {
  for (const example of examples) {
    const where = ctx.sources.at(example);
    const resource = example.id ? `${example.resourceType}/${example.id}` : undefined;
    const name = `example ${example.resourceType}${example.id ? `/${example.id}` : ''}`;
    const broken = (example.meta?.profile ?? []).filter((url) => failedProfiles.has(url));
    if (broken.length > 0) {
      ctx.diagnostics.rule('example.not-validated', `${name} was not validated: the profile it claims (${broken.join(', ')}) has errors`, { ...where, path: `${example.resourceType}.meta.profile`, resource });
      continue;
    }
    for (const issue of validator.issues(example)) {
      const location = { ...(issue.expression ? ctx.sources.atPath(example, issue.expression) : where), resource };
      const message = `${name}: ${issue.diagnostics}`;
      if (issue.severity === 'error' || issue.severity === 'fatal') ctx.diagnostics.error(`example.${issue.code}`, message, location);
      else if (issue.severity === 'warning') ctx.diagnostics.warning(`example.${issue.code}`, message, location);
    }
  }
}
