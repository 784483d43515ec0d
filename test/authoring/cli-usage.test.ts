/** Small CLI behaviours of issue 20: examples in --help, convert without --to, diff's report of unreadable files. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { loadPackageVersion } from '../../scripts/definitions/package-version.js';
import { fhirPackagesDir, projectRoot } from '../helpers/shared.js';
import { fhirStu3, guideCopy } from './guides.js';

const TIMEOUT = 600_000;

test('every command ends its --help with examples', () => {
  for (const command of ['', 'init', 'build', 'validate', 'snapshot', 'diff', 'release-notes', 'publish', 'convert', 'site']) {
    const r = fhirStu3(projectRoot, [...(command ? [command] : []), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\nExamples:\\n {2}\\$ fhir-stu3 ${command}`));
  }
}, TIMEOUT);

test('convert takes the output format from the input when --to is absent', () => {
  const guide = guideCopy();
  const r = fhirStu3(guide.root, ['convert', 'examples/Organization-clinic-organization-example.xml', '--offline', '--quiet']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ resourceType: 'Organization', id: 'clinic-organization-example', name: 'Riverside Clinic' });
  const back = fhirStu3(guide.root, ['convert', 'examples/Practitioner-clinic-practitioner-example.json', '--offline', '--quiet']);
  expect(back.code).toBe(0);
  expect(back.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Practitioner xmlns="http:\/\/hl7\.org\/fhir">/);
}, TIMEOUT);

test('snapshot needs --out unless it only compares', () => {
  const r = fhirStu3(projectRoot, ['snapshot', 'profiles']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("required option '--out <dir>' not specified (it may be left out with --compare)");
});

test('a version to compare with unreadable files: one finding per file, naming its first problem and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fhir-stu3-unreadable-'));
  writeFileSync(join(dir, 'ValueSet-a.json'), '{"resourceType": "ValueSet", "id": "a", "url": "https://example.org/ValueSet/a", "status": "draft"}');
  writeFileSync(join(dir, 'ValueSet-b.json'), '{"resourceType": "ValueSet",\n "id": "b",,\n "status": "draft"}');
  writeFileSync(join(dir, 'CodeSystem-c.xml'), '<CodeSystem xmlns="http://hl7.org/fhir"><id value="c"/><status value="draft"/><bogus value="1"/><other value="2"/></CodeSystem>');
  const diagnostics = new Diagnostics();
  const version = await loadPackageVersion(dir, { diagnostics, cwd: dir, dependencySources: [{ type: 'directory', path: fhirPackagesDir }], projectRoot, offline: true });
  expect(version?.resources.map((r) => r.id)).toEqual(['a']);
  expect(diagnostics.sorted().filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line} ${d.message}`)).toEqual([
    "release.file-unreadable CodeSystem-c.xml:1 cannot be read: CodeSystem.bogus: unknown element 'bogus' (and 1 more problem(s))",
    "release.file-unreadable ValueSet-b.json:2 cannot be read: malformed JSON: unexpected ',', expected a property name",
  ]);
}, TIMEOUT);
