/**
 * `init` in a temporary folder, then the README's two commands with the toolchain of this checkout: the
 * new project builds and validates with no edits. Its config keeps the default dependency sources (the
 * FHIR cache, then the registry): HOME points at a folder whose FHIR cache holds the packages, as a user's
 * would after a first download.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers/shared.js';
import { fhirStu3 } from './guides.js';

/** Builds take a minute or more on a loaded machine. */
const TIMEOUT = 900_000;

const toolchain = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { name: string; version: string };

/** A home folder whose ~/.fhir/packages is the checkout's extracted package cache (prepared by the test setup). */
function homeWithFhirCache(): string {
  const home = mkdtempSync(join(tmpdir(), 'fhir-stu3-home-'));
  mkdirSync(join(home, '.fhir'));
  symlinkSync(join(projectRoot, '.fhir-cache', 'packages'), join(home, '.fhir', 'packages'));
  return home;
}

test('init makes a project that builds and validates with no edits', () => {
  const parent = mkdtempSync(join(tmpdir(), 'fhir-stu3-init-'));
  const created = fhirStu3(parent, ['init', 'Wellbeing Guide']);
  expect(created.stderr).toContain('created 9 files in Wellbeing Guide');
  expect(created.code).toBe(0);
  const root = join(parent, 'Wellbeing Guide');
  for (const file of ['fhir.config.json', 'README.md', '.ci/run', 'package.json', '.gitignore', 'profiles/StructureDefinition-wellbeing-observation.json', 'valuesets/ValueSet-wellbeing-question.json', 'codesystems/CodeSystem-wellbeing-question.json', 'examples/Observation-wellbeing-example.json']) {
    expect(existsSync(join(root, file))).toBe(true);
  }
  expect(statSync(join(root, '.ci', 'run')).mode & 0o111).not.toBe(0);
  const config = JSON.parse(readFileSync(join(root, 'fhir.config.json'), 'utf8')) as Record<string, unknown>;
  expect(config).toMatchObject({ packageId: 'example.wellbeing-guide', version: '0.1.0', canonical: 'https://example.org/fhir/wellbeing-guide', fhirVersion: '3.0.2', title: 'Wellbeing Guide' });
  expect(config).not.toHaveProperty('dependencySources');
  // the toolchain as a dev dependency, by its package name and version
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  expect(manifest.devDependencies).toEqual({ [toolchain.name]: `^${toolchain.version}` });
  // the README's two commands
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  expect(readme).toContain('npx fhir-stu3 build ');
  expect(readme).toContain('npx fhir-stu3 validate examples ');

  const env = { HOME: homeWithFhirCache() };
  const built = fhirStu3(root, ['build'], env);
  expect(built.stderr).toMatch(/0 error\(s\), 0 warning\(s\)/);
  expect(built.code).toBe(0);
  expect(existsSync(join(root, 'generated', 'example.wellbeing-guide-0.1.0.tgz'))).toBe(true);
  // resource versions are stamped from the package version
  const vs = JSON.parse(readFileSync(join(root, 'generated', 'package', 'ValueSet-wellbeing-question.json'), 'utf8')) as { version: string };
  expect(vs.version).toBe('0.1.0');

  const validated = fhirStu3(root, ['validate', 'examples'], env);
  expect(validated.stdout).toContain('1 file(s): 1 valid, 0 invalid');
  expect(validated.code).toBe(0);
}, TIMEOUT);

test('init writes nothing over an existing project, nor with names the build would refuse', () => {
  const parent = mkdtempSync(join(tmpdir(), 'fhir-stu3-init-'));
  expect(fhirStu3(parent, ['init', 'a']).code).toBe(0);
  const before = readFileSync(join(parent, 'a', 'fhir.config.json'), 'utf8');
  const again = fhirStu3(parent, ['init', 'a', '--title', 'Other']);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/already has fhir\.config\.json, .*: nothing written/);
  expect(readFileSync(join(parent, 'a', 'fhir.config.json'), 'utf8')).toBe(before);

  // a new repository's README and .gitignore are kept; the rest is written
  mkdirSync(join(parent, 'repo'));
  writeFileSync(join(parent, 'repo', 'README.md'), '# repo\n');
  const repo = fhirStu3(join(parent, 'repo'), ['init']);
  expect(repo.code).toBe(0);
  expect(repo.stderr).toContain('created 8 files in .');
  expect(repo.stderr).toContain('kept the existing README.md');
  expect(readFileSync(join(parent, 'repo', 'README.md'), 'utf8')).toBe('# repo\n');
  expect(JSON.parse(readFileSync(join(parent, 'repo', 'fhir.config.json'), 'utf8'))).toMatchObject({ packageId: 'example.repo' });

  const bad = fhirStu3(parent, ['init', 'b', '--package-id', 'Not A Package', '--canonical', 'ftp://x/']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/fhir\.config\.json:\d+: error \[config\.invalid-package-name\] packageId/);
  expect(bad.stderr).toMatch(/error \[config\.invalid-value\] canonical/);
  expect(existsSync(join(parent, 'b'))).toBe(false);
}, TIMEOUT);
