/**
 * The policy table (policy.ts): every rule has an id, a default severity and a spec reference; a caller
 * overrides a severity by id, for table rules and invariant keys alike, or turns a rule off; the rule id
 * travels in the OperationOutcome (issue.details.coding).
 */
import { readFileSync } from 'node:fs';
import { VALIDATION_RULE_SYSTEM, toOperationOutcome } from '../../scripts/validate/issues.js';
import { overrideProblems, VALIDATION_RULES } from '../../scripts/validate/policy.js';
import { Validator } from '../../scripts/validate/validator.js';
import { findings, issuesOf, rulesSetup, show } from './rules-setup.js';

const unknownExtension = { resourceType: 'Patient', extension: [{ url: 'http://example.org/nowhere', valueString: 'v' }], telecom: [{ value: '1' }] };

test('the defaults the specification leaves to the validator', () => {
  const policies = Object.entries(VALIDATION_RULES).filter(([, r]) => r.policy);
  expect(Object.fromEntries(policies.map(([id, r]) => [id, r.severity]))).toMatchObject({
    'extension-unknown': 'warning',
    'code-system-unknown': 'information',
    'display-mismatch': 'warning',
    'code-unknown': 'error',
  });
});

test('defaults: the unknown extension is a warning, cpt-2 an error', () => {
  expect(findings(unknownExtension)).toEqual(['error cpt-2 Patient.telecom[0]', 'warning extension-unknown Patient.extension[0]']);
});

test('overrides by rule id and by invariant key', () => {
  expect(findings(unknownExtension, { rules: { 'extension-unknown': 'error', 'cpt-2': 'warning' } })).toEqual(['error extension-unknown Patient.extension[0]', 'warning cpt-2 Patient.telecom[0]']);
  expect(findings(unknownExtension, { rules: { 'extension-unknown': 'off' } })).toEqual(['error cpt-2 Patient.telecom[0]']);
});

test('an unknown severity is a problem of the overrides', () => {
  expect(overrideProblems({ 'extension-unknown': 'loud', 'dom-6': 'off' })).toEqual(["rule extension-unknown: unknown severity 'loud' (expected fatal, error, warning, information or off)"]);
});

test('the rule id is in the OperationOutcome', () => {
  const outcome = toOperationOutcome(issuesOf(unknownExtension));
  const coded = outcome.issue.map((i) => i.details?.coding?.[0]).filter((c) => c !== undefined);
  expect(coded).toEqual(expect.arrayContaining([{ system: VALIDATION_RULE_SYSTEM, code: 'extension-unknown' }, { system: VALIDATION_RULE_SYSTEM, code: 'cpt-2' }]));
});

test('every rule of the table is in docs/validation-rules.md', () => {
  const doc = readFileSync(new URL('../../docs/validation-rules.md', import.meta.url), 'utf8');
  expect(Object.keys(VALIDATION_RULES).filter((id) => !doc.includes(`\`${id}\``))).toEqual([]);
});

test('overrides apply at every entry point: JSON text and XML as well as a parsed object', () => {
  const { validator } = rulesSetup();
  const rules = { 'extension-unknown': 'error' } as const;
  const fromJson = validator.jsonIssues(JSON.stringify(unknownExtension), { rules }).map(show).sort();
  expect(fromJson).toEqual(['error cpt-2 Patient.telecom[0]', 'error extension-unknown Patient.extension[0]']);
  const xml = '<Patient xmlns="http://hl7.org/fhir"><extension url="http://example.org/nowhere"><valueString value="v"/></extension></Patient>';
  expect(validator.xmlIssues(xml, { rules }).filter((i) => i.rule === 'extension-unknown').map(show)).toEqual(['error extension-unknown Patient.extension[0]']);
});

test("the rules' issues count against the payload's issue limit", () => {
  const { ctx } = rulesSetup();
  const limited = new Validator({ structure: {}, semantic: ctx, limits: { maxIssues: 3 } });
  const many = { resourceType: 'Patient', extension: Array.from({ length: 10 }, (_, i) => ({ url: `http://example.org/nowhere/${i}`, valueString: 'v' })) };
  const issues = limited.issues(many);
  expect(issues.filter((i) => i.rule === 'extension-unknown')).toHaveLength(3);
  expect(issues.at(-1)).toMatchObject({ severity: 'fatal', code: 'too-costly' });
});

test('information issues do not stop a payload: past the limit they are counted, not listed, and the rest is still checked', () => {
  const { ctx } = rulesSetup();
  const limited = new Validator({ structure: {}, semantic: ctx, limits: { maxIssues: 3 } });
  // Ten codings of a code system not held here (one information issue each), then an error after them all.
  const coded = { resourceType: 'Observation', status: 'final', code: { coding: Array.from({ length: 10 }, (_, i) => ({ system: 'http://loinc.org', code: `${i}-0` })) }, effectivePeriod: { start: '2020-02-01', end: '2020-01-01' } };
  const issues = limited.issues(coded);
  expect(issues.some((i) => i.code === 'too-costly')).toBe(false);
  expect(issues.filter((i) => i.rule === 'code-system-unknown')).toHaveLength(3);
  expect(issues.filter((i) => i.severity === 'error').map(show)).toEqual(['error per-1 Observation.effectivePeriod']);
  expect(issues.at(-1)).toEqual({ severity: 'information', code: 'informational', diagnostics: '7 more information issues were found and not listed: 3 are listed at most', expression: '' });
  // Errors and warnings past the limit still stop it, keeping the information issues listed before.
  const both = { ...coded, extension: Array.from({ length: 5 }, (_, i) => ({ url: `http://example.org/nowhere/${i}`, valueString: 'v' })) };
  const stopped = limited.issues(both);
  expect(stopped.filter((i) => i.severity === 'warning' || i.severity === 'error')).toHaveLength(3);
  expect(stopped.filter((i) => i.rule === 'code-system-unknown')).toHaveLength(3);
  expect(stopped.some((i) => i.code === 'too-costly')).toBe(true);
});
