/** The check stage for profiles: every profile rule on each project profile, every element rule on each merge. */
import type { StageContext } from '../context.js';
import type { SnapshotResult } from '../snapshot/generate.js';
import { elementRules } from './element-rules.js';
import { profileRules } from './profile-rules.js';

export interface ProfileCheckOptions {
  canonical: string;
  /** Run only the rules with these codes (default: every rule). */
  only?: readonly string[];
}

export function checkProfiles(results: SnapshotResult[], ctx: StageContext, opts: ProfileCheckOptions): void {
  const selected = <T extends { code: string }>(rules: T[]) => (opts.only ? rules.filter((r) => opts.only?.includes(r.code)) : rules);
  for (const { profile, trace } of results) {
    const file = ctx.sources.at(profile);
    for (const rule of selected(profileRules)) {
      rule.check({
        profile,
        canonical: opts.canonical,
        report: (severity, code, field, message) => ctx.diagnostics.report({ ...file, severity, code, path: `StructureDefinition.${field}`, message }),
      });
    }
    trace.forEach(({ diff, id, base, result }, i) => {
      if (!base || !result) return;
      const where = { ...file, ...ctx.sources.at(diff) };
      for (const rule of selected(elementRules)) {
        rule.check({
          diff,
          base,
          result,
          resolver: ctx.resolver,
          report: (severity, code, field, message) =>
            ctx.diagnostics.report({ ...where, severity, code, path: `StructureDefinition.differential.element[${i}].${field}`, message: `${id}: ${message}` }),
        });
      }
    });
  }
}
