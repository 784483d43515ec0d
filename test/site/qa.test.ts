/**
 * The QA page shows what a project's suppressions accepted, each finding with its rule, place and the
 * reason the config gives, apart from what the build reported; nothing suppressed is dropped silently.
 */
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { RulePolicy } from '../../scripts/diagnostics/policy.js';
import { qaReport } from '../../scripts/site/prepare.js';
import { qaPage } from '../../scripts/site/qa-page.js';
import type { SitePages } from '../../scripts/site/sections.js';

/** qaPage reads only the manifest of the site (for the page title and footer). */
const site = { manifest: { name: 'example.qa', version: '1.0.0' } } as unknown as SitePages;

function section(page: string, id: string): string {
  const start = page.indexOf(`<section aria-labelledby="${id}">`);
  return page.slice(start, page.indexOf('</section>', start));
}

function reportWithOneSuppressed(): Diagnostics {
  const d = new Diagnostics();
  d.usePolicy(new RulePolicy({}, [{ rule: 'profile.min-below-base', resource: 'StructureDefinition/clinic-patient', path: 'StructureDefinition.differential', reason: 'the published profile <keeps> it' }]));
  d.useResources((file) => (file === 'profiles/clinic-patient.json' ? 'StructureDefinition/clinic-patient' : undefined));
  d.warning('profile.min-below-base', 'min 0 is below the base min 1', { file: 'profiles/clinic-patient.json', line: 28, path: 'StructureDefinition.differential.element[3].min' });
  d.warning('profile.min-below-base', 'min 0 is below the base min 1 of Observation.status', { file: 'profiles/other.json', line: 7, path: 'StructureDefinition.differential.element[1].min' });
  return d;
}

test('a suppressed finding is in the Suppressed section with its rule, file and line, resource, FHIRPath, message and reason', () => {
  const page = qaPage(qaReport(reportWithOneSuppressed()), [], [], site).content.toString('utf8');
  const suppressed = section(page, 'suppressed');
  expect(suppressed).toContain('<code>profile.min-below-base</code>');
  expect(suppressed).toContain('profiles/clinic-patient.json:28 <span>(StructureDefinition/clinic-patient)</span>');
  expect(suppressed).toContain('<code>StructureDefinition.differential.element[3].min</code>');
  expect(suppressed).toContain('min 0 is below the base min 1<');
  expect(suppressed).toContain('the published profile &lt;keeps&gt; it'); // the reason, escaped
  expect(suppressed).not.toContain('profiles/other.json');
});

test('the Build section counts the suppressed finding apart and lists only what was reported', () => {
  const page = qaPage(qaReport(reportWithOneSuppressed()), [], [], site).content.toString('utf8');
  const build = section(page, 'build');
  expect(build).toContain('0 error(s), 1 warning(s), 0 information message(s), 1 suppressed.');
  expect(build).toContain('profiles/other.json:7');
  expect(build).not.toContain('profiles/clinic-patient.json');
});

test('a report without suppressions says nothing was suppressed', () => {
  const d = new Diagnostics();
  d.warning('profile.min-below-base', 'min 0 is below the base min 1', { file: 'profiles/other.json', line: 7 });
  expect(qaReport(d).suppressed).toBeUndefined();
  expect(section(qaPage(qaReport(d), [], [], site).content.toString('utf8'), 'suppressed')).toContain('Nothing suppressed.');
});
