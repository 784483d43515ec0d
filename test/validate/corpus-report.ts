/**
 * Prints how many corpus payloads are valid (no error or fatal issue) and every error: the GP Connect
 * examples (against the project's and the corpus's profiles) and the NHS corpus examples (against the
 * corpus's profiles). Run: npx tsx test/validate/corpus-report.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sortIssues, type ValidationIssue } from '../../scripts/validate/issues.js';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { nhsExampleIssues, nhsExamples, nhsValidator } from './nhs-validator-setup.js';
import { validatorSetup } from './validator-setup.js';

const isError = (i: ValidationIssue) => i.severity === 'error' || i.severity === 'fatal';

function report(title: string, results: Array<{ name: string; issues: ValidationIssue[] }>): void {
  const valid = results.filter((r) => !r.issues.some(isError)).length;
  console.log(`\n## ${title}: ${valid}/${results.length} valid`);
  const bySeverityRule = new Map<string, number>();
  for (const r of results)
    for (const i of r.issues) {
      const key = `${i.severity} ${i.rule ?? i.code}`;
      bySeverityRule.set(key, (bySeverityRule.get(key) ?? 0) + 1);
    }
  console.log([...bySeverityRule].sort().map(([k, n]) => `  ${k}: ${n}`).join('\n'));
  if (process.env.WARNINGS)
    for (const r of results) for (const w of sortIssues(r.issues).filter((i) => i.severity === 'warning')) console.log(`  W ${r.name} ${w.expression}: ${w.diagnostics}`);
  for (const r of results) {
    const errors = sortIssues(r.issues).filter(isError);
    if (errors.length === 0) continue;
    console.log(`- ${r.name}`);
    for (const e of errors) console.log(`    ${e.severity} ${e.expression}: ${e.diagnostics}`);
  }
}

const gpc = await validatorSetup();
const gpcFiles = readdirSync(gpconnectExamplesDir).sort().flatMap((d) => readdirSync(join(gpconnectExamplesDir, d)).sort().map((f) => `${d}/${f}`));
report('GP Connect examples', gpcFiles.map((name) => ({ name, issues: gpc.validator.jsonIssues(readFileSync(join(gpconnectExamplesDir, name))) })));
const nhs = await nhsValidator();
report('NHS corpus examples', nhsExamples().map((name) => ({ name, issues: nhsExampleIssues(nhs, name) })));
