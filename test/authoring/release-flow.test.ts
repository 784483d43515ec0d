/**
 * The release workflow on the clinic guide: a 1.0.0 baseline, then next versions built against it with
 * `--previous`. The version bump is checked against what changed, resource versions against the package
 * version, one run shows every error (a version error does not hide a failing example), and release notes
 * take their version from the package and refuse a changes file written for another release.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildResult } from '../../scripts/build.js';
import { fhirStu3, guideCopy, type GuideCopy } from './guides.js';

/** Builds take a minute or more on a loaded machine. */
const TIMEOUT = 900_000;

const errorsOf = (r: BuildResult) => r.diagnostics.sorted().filter((d) => d.severity === 'error' || d.severity === 'fatal');

const CONDITION = JSON.stringify({
  resourceType: 'StructureDefinition', id: 'clinic-condition', url: 'https://fhir.example.org/clinic/StructureDefinition/clinic-condition', version: '1.0.1', name: 'ClinicCondition',
  status: 'active', kind: 'resource', abstract: false, type: 'Condition', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Condition', derivation: 'constraint',
  differential: { element: [{ id: 'Condition', path: 'Condition' }, { id: 'Condition.subject', path: 'Condition.subject', type: [{ code: 'Reference', targetProfile: 'https://fhir.example.org/clinic/StructureDefinition/clinic-patient' }] }] },
}, null, 2);

/** The patient profile with birthDate made mandatory: a breaking change. */
const birthDateMandatory = (g: GuideCopy) => g.read('profiles/StructureDefinition-clinic-patient.json').replace('"path": "Patient.birthDate", "mustSupport": true', '"path": "Patient.birthDate", "min": 1, "mustSupport": true');

let baseline: string;

beforeAll(async () => {
  const r = await build({ configFile: guideCopy().config, offline: true });
  expect(errorsOf(r)).toEqual([]);
  baseline = r.tarball as string;
}, TIMEOUT);

test('a patch release that adds a profile and a code fails (a minor release is needed), as does a resource version left behind', async () => {
  const g = guideCopy(undefined, { version: '1.0.1' });
  g.write('profiles/StructureDefinition-clinic-condition.json', CONDITION);
  g.write('codesystems/CodeSystem-ethnic-category.json', g.read('codesystems/CodeSystem-ethnic-category.json').replace('{ "code": "Z"', '{ "code": "D", "display": "Mixed - White and Black Caribbean" },\n    { "code": "Z"'));
  g.write('valuesets/ValueSet-ethnic-category.json', g.read('valuesets/ValueSet-ethnic-category.json').replace('"version": "1.0.1"', '"version": "1.0.0"'));
  const r = await build({ configFile: g.config, offline: true, previous: baseline });
  expect(r.status).toBe('content-errors');
  expect(errorsOf(r).map((d) => `${d.code} ${d.file}:${d.line} ${d.path}`)).toEqual([
    'version.bump-too-small fhir.config.json:3 version',
    'resource.version valuesets/ValueSet-ethnic-category.json:5 ValueSet.version',
  ]);
  const [bump, stale] = errorsOf(r);
  expect(bump?.message).toMatch(/^1\.0\.1 is a patch release after 1\.0\.0, but the changes since need a minor release \(make it 1\.1\.0\): /);
  expect(bump?.message).toContain('StructureDefinition clinic-condition added');
  expect(bump?.message).toContain('CodeSystem ethnic-category: D: code added');
  expect(stale?.message).toBe('ValueSet version 1.0.0 differs from the package version 1.0.1');
  // the comparison is data of the build result
  expect(r.previous?.resources.map((x) => `${x.resourceType}/${x.id} ${x.status}`)).toContain('StructureDefinition/clinic-condition added');
}, TIMEOUT);

test('one run shows every error: a breaking change in a patch release and a failing example, both', async () => {
  const g = guideCopy(undefined, { version: '1.0.1' });
  g.write('profiles/StructureDefinition-clinic-patient.json', birthDateMandatory(g));
  g.write('examples/Practitioner-clinic-practitioner-example.json', g.read('examples/Practitioner-clinic-practitioner-example.json').replace(/"identifier": \[[^\]]*\],\n/, ''));
  const r = await build({ configFile: g.config, offline: true, previous: baseline });
  expect(r.status).toBe('content-errors');
  const errors = errorsOf(r);
  expect(errors.find((d) => d.code === 'version.bump-too-small')?.message).toMatch(/need a major release \(make it 2\.0\.0\): StructureDefinition clinic-patient: 1 breaking change\(s\) \(Patient\.birthDate: min raised 0 -> 1\)/);
  const example = errors.filter((d) => d.code.startsWith('example.'));
  expect(example.map((d) => `${d.file}:${d.line} ${d.path}`)).toEqual(['examples/Practitioner-clinic-practitioner-example.json:1 Practitioner']);
  expect(example[0]?.message).toMatch(/identifier/);
  expect(existsSync(join(g.root, 'generated'))).toBe(false);
}, TIMEOUT);

test('the breaking change in a major release builds; release notes take its version and refuse a changes file of another release', async () => {
  const g = guideCopy(undefined, { version: '2.0.0' });
  g.write('profiles/StructureDefinition-clinic-patient.json', birthDateMandatory(g));
  const r = await build({ configFile: g.config, offline: true, previous: baseline });
  expect(errorsOf(r)).toEqual([]);
  expect(r.status).toBe('ok');

  const changes = (release: string) =>
    JSON.stringify({ release, areas: ['Patients'], changes: [{ title: 'Date of birth is required', tickets: [12], area: 'Patients', impacts: 'Provider systems', description: ['Every patient has a birth date'], resources: ['StructureDefinition/clinic-patient'] }] }, null, 2);
  g.write('changes.json', changes('2.0.0'));
  const notes = fhirStu3(g.root, ['release-notes', baseline, '--offline']);
  expect(notes.stderr).toBe('');
  expect(notes.code).toBe(0);
  expect(notes.stdout).toMatch(/^# Example clinic guide 2\.0\.0 release notes #/);
  expect(notes.stdout).toContain('## Patients ##\n\n### Date of birth is required ###');
  expect(notes.stdout).toMatch(/\*\*Profiles changed:\*\*\n\n- \[clinic-patient\]\(https:\/\/fhir\.example\.org\/clinic\/StructureDefinition\/clinic-patient\) \(StructureDefinition, breaking\)\n {2}- breaking: min raised 0 -> 1 \(Patient\.birthDate\)/);

  g.write('changes.json', changes('1.0.1'));
  const stale = fhirStu3(g.root, ['release-notes', baseline, '--offline']);
  expect(stale.code).toBe(1);
  expect(stale.stdout).toBe('');
  expect(stale.stderr).toContain('changes.json:2:3: error [release.changes-version] release: the changes file is for release 1.0.1 but the package is 2.0.0');

  // diff of a version that does not exist: no hint about --only
  const missing = fhirStu3(g.root, ['diff', 'no-such-release.tgz', '--offline']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('no-such-release.tgz: no such file or folder');
  expect(missing.stderr).not.toContain('--only');
}, TIMEOUT);
