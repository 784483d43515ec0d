/**
 * A second guide (test/fixtures/clinic-guide): its own canonical, ids and names without version suffixes,
 * an extension url of its own layout (`<canonical>/extension/ethnic-category`), JSON and XML sources. It builds with no error and no warning;
 * GP Connect's conventions are rules its config could turn on, and suppressions accept single findings.
 */
import { build, type BuildResult } from '../../scripts/build.js';
import { gpConnectRules } from '../build/project.js';
import { guideCopy } from './guides.js';

/** Builds take a minute or more on a loaded machine. */
const TIMEOUT = 900_000;

const findings = (r: BuildResult) => r.diagnostics.sorted().filter((d) => d.severity !== 'information').map((d) => `${d.severity} ${d.code} ${d.file ?? ''}:${d.line ?? ''} ${d.path ?? ''}`);

test('builds with no errors and no warnings, every example validated', async () => {
  const guide = guideCopy();
  const r = await build({ configFile: guide.config, offline: true });
  expect(findings(r)).toEqual([]);
  expect(r.status).toBe('ok');
  expect(r.counts).toEqual({ CodeSystem: 1, StructureDefinition: 5, ValueSet: 1 });
  expect(r.diagnostics.suppressed).toEqual([]);
}, TIMEOUT);

test("GP Connect's conventions are rules its config can turn on; suppressions accept single findings, and an unused one is reported", async () => {
  const suppressions = [
    { rule: 'profile.major-version-suffix', resource: 'StructureDefinition/clinic-patient', reason: 'the patient profile keeps its published name' },
    { rule: 'profile.id-name-mismatch', reason: 'names are PascalCase, ids kebab-case' },
    { rule: 'terminology.unknown-code', resource: 'ValueSet/ethnic-category', reason: 'left over from an earlier release' },
  ];
  const guide = guideCopy(undefined, { config: { rules: gpConnectRules, suppressions } });
  const r = await build({ configFile: guide.config, offline: true });
  expect(r.status).toBe('content-errors');
  const shown = findings(r);
  // every other profile's id and name miss their -N suffix (errors, with file and the field's line, JSON or XML)
  expect(shown.filter((f) => f.includes('major-version-suffix'))).toEqual([
    'error profile.major-version-suffix profiles/StructureDefinition-clinic-encounter.json:3 StructureDefinition.id',
    'error profile.major-version-suffix profiles/StructureDefinition-clinic-encounter.json:6 StructureDefinition.name',
    'error profile.major-version-suffix profiles/StructureDefinition-clinic-organization.xml:3 StructureDefinition.id',
    'error profile.major-version-suffix profiles/StructureDefinition-clinic-organization.xml:6 StructureDefinition.name',
    'error profile.major-version-suffix profiles/StructureDefinition-clinic-practitioner.json:3 StructureDefinition.id',
    'error profile.major-version-suffix profiles/StructureDefinition-clinic-practitioner.json:6 StructureDefinition.name',
    'error profile.major-version-suffix profiles/StructureDefinition-ethnic-category-extension.json:3 StructureDefinition.id',
    'error profile.major-version-suffix profiles/StructureDefinition-ethnic-category-extension.json:6 StructureDefinition.name',
  ]);
  // the extension's url is of the guide's own layout, not <canonical>/StructureDefinition/<id>
  expect(shown.filter((f) => f.includes('url-convention'))).toEqual(['error profile.url-convention profiles/StructureDefinition-ethnic-category-extension.json:4 StructureDefinition.url']);
  expect(r.diagnostics.suppressed.map((s) => `${s.diagnostic.code} ${s.diagnostic.resource} ${s.diagnostic.path}`).sort()).toEqual([
    'profile.major-version-suffix StructureDefinition/clinic-patient StructureDefinition.id',
    'profile.major-version-suffix StructureDefinition/clinic-patient StructureDefinition.name',
    ...['clinic-encounter', 'clinic-organization', 'clinic-patient', 'clinic-practitioner', 'ethnic-category-extension'].map((id) => `profile.id-name-mismatch StructureDefinition/${id} StructureDefinition.name`),
  ].sort());
  const unused = r.diagnostics.all.filter((d) => d.code === 'config.unused-suppression');
  expect(unused.map((d) => `${d.severity} ${d.file}:${d.line} ${d.path} ${d.message}`)).toEqual([
    `warning fhir.config.json:${unused[0]?.line} suppressions[2] the suppression of terminology.unknown-code (resource ValueSet/ethnic-category) matched nothing: remove it`,
  ]);
  expect(unused[0]?.line).toBeGreaterThan(10);
  // no JavaScript undefined in any message, and every finding about a file has its line
  expect(r.diagnostics.all.filter((d) => /\bundefined\b/.test(d.message))).toEqual([]);
  expect(r.diagnostics.all.filter((d) => d.file && !d.line)).toEqual([]);
}, TIMEOUT);
