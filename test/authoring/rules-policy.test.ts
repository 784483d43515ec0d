/** The rule policy in the Diagnostics collector: severities, off, suppressions (and unused ones), locators, each problem once. */
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { RulePolicy } from '../../scripts/diagnostics/policy.js';
import { defaultSeverity, ruleInfo } from '../../scripts/diagnostics/rules.js';
import { qaReport } from '../../scripts/site/prepare.js';

const shown = (d: Diagnostics) => d.sorted().map((x) => `${x.severity} ${x.code}${x.line ? `:${x.line}` : ''}${x.resource ? ` ${x.resource}` : ''}`);

describe('rule policy', () => {
  test('a rule reports at its default severity; rules off by default report only when turned on', () => {
    const d = new Diagnostics();
    d.rule('profile.min-below-base', 'x');
    d.rule('profile.major-version-suffix', 'y');
    expect(shown(d)).toEqual(['error profile.min-below-base']);
    expect(defaultSeverity('profile.major-version-suffix')).toBe('off');
    d.usePolicy(new RulePolicy({ 'profile.major-version-suffix': 'warning' }));
    d.rule('profile.major-version-suffix', 'y');
    expect(shown(d)).toEqual(['error profile.min-below-base', 'warning profile.major-version-suffix']);
  });

  test('the config sets severities by id or prefix (the exact id wins), also for what was reported before', () => {
    const d = new Diagnostics();
    d.error('terminology.unknown-code', 'a');
    d.warning('terminology.iso639-display', 'b');
    d.error('profile.binding-weakened', 'c');
    d.usePolicy(new RulePolicy({ 'terminology.*': 'information', 'terminology.unknown-code': 'warning', 'profile.binding-weakened': 'off' }));
    expect(shown(d)).toEqual(['warning terminology.unknown-code', 'information terminology.iso639-display']);
    expect(d.hasErrors()).toBe(false);
  });

  test('fixed rules keep their severity whatever the config says', () => {
    const d = new Diagnostics();
    d.usePolicy(new RulePolicy({ 'load.*': 'off' }));
    d.error('load.json-malformed', 'x', { file: 'a.json', line: 2 });
    expect(ruleInfo('load.json-malformed')?.fixed).toBeDefined();
    expect(shown(d)).toEqual(['error load.json-malformed:2']);
  });

  test('a suppression matches by rule, resource (or file) and path prefix; what it matches is kept as data; unused ones are known', () => {
    const d = new Diagnostics();
    const used = { rule: 'terminology.iso639-display', resource: 'CodeSystem/Languages', path: 'CodeSystem.concept[3]', reason: 'local name' };
    const unused = { rule: 'profile.min-below-base', resource: 'StructureDefinition/nothing', reason: 'stale' };
    d.usePolicy(new RulePolicy({}, [used, unused]));
    d.useResources((file) => (file === 'codesystems/Languages.json' ? 'CodeSystem/Languages' : undefined));
    d.warning('terminology.iso639-display', 'display differs', { file: 'codesystems/Languages.json', line: 9, path: 'CodeSystem.concept[3].display' });
    d.warning('terminology.iso639-display', 'display differs', { file: 'codesystems/Languages.json', line: 12, path: 'CodeSystem.concept[4].display' });
    expect(shown(d)).toEqual(['warning terminology.iso639-display:12 CodeSystem/Languages']);
    expect(d.suppressed).toEqual([{ diagnostic: expect.objectContaining({ line: 9, resource: 'CodeSystem/Languages' }), suppression: used }]);
    expect(d.unusedSuppressions()).toEqual([unused]);
    // the QA report the build writes (and the site shows) carries what was suppressed, with the reason
    expect(qaReport(d).suppressed).toEqual([expect.objectContaining({ code: 'terminology.iso639-display', line: 9, resource: 'CodeSystem/Languages', reason: 'local name' })]);
  });

  test('findings with a path but no line get the line from the file locator; the same finding twice is shown once', () => {
    const d = new Diagnostics();
    d.addLocator('fhir.config.json', (path) => (path === 'version' ? { line: 3 } : undefined));
    d.error('version.not-increased', 'same', { file: 'fhir.config.json', path: 'version' });
    d.error('version.not-increased', 'same', { file: 'fhir.config.json', path: 'version' });
    expect(shown(d)).toEqual(['error version.not-increased:3']);
  });
});
