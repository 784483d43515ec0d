/**
 * Validating against definitions given on the spot (`validatorFor({ ig })`, `validate --ig`), outside any
 * project: each kind of spec (a folder of loose XML and JSON definitions, a glob, a package folder, a
 * tarball, `name@version` from a folder of tarballs), the profiles' rules applied (the fixtures in
 * ig-fixtures/ are our own small profiles, value sets and a code system); the validator module cache
 * (the second run compiles nothing, a changed definition compiles the profile module again, a corrupt
 * entry is rebuilt); two validators over one core module keep their profiles apart.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create as createTar } from 'tar';
import { validatorFor, type ValidatorForOptions, type ValidatorForResult } from '../../scripts/commands/validator-for.js';
import { loadDefinitionSets } from '../../scripts/definitions/package-version.js';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { validatorCacheDir } from '../../scripts/load/cache-dirs.js';
import type { OperationOutcome, Resource } from '../../scripts/model/fhir.js';
import type { Validator } from '../../scripts/validate/validator.js';
import { fhirPackagesDir, projectRoot } from '../helpers/shared.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'ig-fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'fhir-stu3-ig-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PATIENT = 'http://example.org/fhir/StructureDefinition/test-patient';
const OBSERVATION = 'http://example.org/fhir/StructureDefinition/test-observation';

/** Our definitions over the shared packages, offline, in the test run's validator cache unless told otherwise. */
function open(ig: string[], extra: Partial<ValidatorForOptions> = {}): Promise<ValidatorForResult> {
  return validatorFor({ ig, packageDirs: [fhirPackagesDir], offline: true, cacheDir: validatorCacheDir(), ...extra });
}

function validatorOf(result: ValidatorForResult): Validator {
  const errors = result.diagnostics.all.filter((d) => d.severity === 'error' || d.severity === 'fatal');
  expect(errors).toEqual([]);
  expect(result.validator).toBeDefined();
  return result.validator as Validator;
}

const errorsOf = (outcome: OperationOutcome) => outcome.issue.filter((i) => i.severity === 'error').map((i) => `${i.expression?.[0] ?? ''}: ${i.diagnostics ?? ''}`);

const patient = (extra: Record<string, unknown>) => ({ resourceType: 'Patient', meta: { profile: [PATIENT] }, ...extra });
const observation = (extra: Record<string, unknown>) => ({
  resourceType: 'Observation',
  meta: { profile: [OBSERVATION] },
  status: 'final',
  code: { coding: [{ system: 'http://example.org/fhir/CodeSystem/test-codes', code: 'pulse' }] },
  subject: { reference: 'Patient/1' },
  ...extra,
});

/** The checks every spec kind must give: the JSON patient profile, and the XML observation profile with its JSON value set over the XML code system. */
function expectFixtureRules(validator: Validator, kinds: { observation: boolean } = { observation: true }): void {
  expect(errorsOf(validator.validate(patient({ gender: 'female', birthDate: '1970-01-01' })))).toEqual([]);
  expect(errorsOf(validator.validate(patient({ gender: 'other' })))).toEqual([
    "Patient: missing required element 'birthDate'",
    "Patient.gender: 'other' is not in the required value set http://example.org/fhir/ValueSet/test-gender",
  ]);
  if (!kinds.observation) return;
  expect(errorsOf(validator.validate(observation({})))).toEqual([]);
  const { subject: _subject, ...bad } = observation({ category: [{ text: 'vital signs' }], code: { coding: [{ system: 'http://example.org/fhir/CodeSystem/test-codes', code: 'weight' }] } });
  expect(errorsOf(validator.validate(bad))).toEqual([
    "Observation: missing required element 'subject'",
    "Observation.category: element 'category' is not allowed here (max 0)",
    'Observation.code: http://example.org/fhir/CodeSystem/test-codes|weight is not in the required value set http://example.org/fhir/ValueSet/test-codes',
    // The code system is complete and held (codings.ts): a code it does not define is an error of its own.
    "Observation.code.coding[0].code: code 'weight' is not defined in code system http://example.org/fhir/CodeSystem/test-codes",
  ]);
}

describe('a reference target that does not claim the target profile', () => {
  // test-observation's subject is a Reference(test-patient), whose gender and birthDate are required: rules
  // of the structure layer, which the structure validator compiled for test-patient checks on the target.
  const bundle = (subject: Record<string, unknown>) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'http://example.org/fhir/Observation/o', resource: observation({ subject: { reference: 'Patient/p' } }) },
      { fullUrl: 'http://example.org/fhir/Patient/p', resource: { resourceType: 'Patient', id: 'p', ...subject } },
    ],
  });
  test('conforms to it: valid', async () => {
    const validator = validatorOf(await open([fixtures]));
    expect(errorsOf(validator.validate(bundle({ gender: 'female', birthDate: '1970-01-01' })))).toEqual([]);
  });
  test('does not conform to it (structure): an error giving the first reason', async () => {
    const validator = validatorOf(await open([fixtures]));
    expect(errorsOf(validator.validate(bundle({ gender: 'female' })))).toEqual([
      "Bundle.entry[0].resource.subject.reference: reference 'Patient/p' resolves to Patient at Bundle.entry[1].resource (claiming no profile), which is none of the allowed targets http://example.org/fhir/StructureDefinition/test-patient: it does not conform to http://example.org/fhir/StructureDefinition/test-patient (Patient: missing required element 'birthDate')",
    ]);
  });
});

/** The fixtures as a FHIR package folder (`<dir>/package/`), profiles without snapshots, as JSON. */
async function packageFolder(name: string, version: string): Promise<string> {
  const diagnostics = new Diagnostics();
  const read = await loadDefinitionSets([fixtures], { diagnostics, dependencySources: [{ type: 'directory', path: fhirPackagesDir }], projectRoot: scratch, offline: true });
  expect(diagnostics.hasErrors()).toBe(false);
  const root = join(scratch, `${name}-${version}`);
  mkdirSync(join(root, 'package'), { recursive: true });
  writeFileSync(join(root, 'package', 'package.json'), JSON.stringify({ name, version, dependencies: { 'hl7.fhir.r3.core': '3.0.2' } }));
  for (const r of read?.sets[0]?.resources ?? []) {
    const { snapshot: _snapshot, ...differentialOnly } = r as Resource & { snapshot?: unknown };
    writeFileSync(join(root, 'package', `${r.resourceType}-${String(r.id)}.json`), JSON.stringify(differentialOnly));
  }
  return root;
}

async function tarballOf(folder: string, file: string): Promise<string> {
  mkdirSync(dirname(file), { recursive: true });
  await createTar({ gzip: true, file, cwd: folder, portable: true }, ['package']);
  return file;
}

describe('each kind of spec', () => {
  test('a folder of loose definitions, XML and JSON (snapshots generated from the differentials)', async () => {
    const result = await open([fixtures]);
    expect(result.sets).toEqual([fixtures]);
    expectFixtureRules(validatorOf(result));
  });

  test('a glob of definition files: only what it matches', async () => {
    const result = await open([join(fixtures, '*test-patient.json'), join(fixtures, 'ValueSet-*.xml')]);
    const validator = validatorOf(result);
    expectFixtureRules(validator, { observation: false });
    // The observation profile is not among the matches: a claim of it does not resolve.
    const outcome = validator.validate(observation({ category: [{ text: 'x' }] }));
    expect(errorsOf(outcome)).toEqual([]);
    expect(outcome.issue).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'not-found', expression: ['Observation.meta.profile'] }));
  });

  test('a package folder and a package tarball, profiles without snapshots', async () => {
    const folder = await packageFolder('example.test.folder', '0.1.0');
    const fromFolder = await open([folder]);
    expect(fromFolder.sets).toEqual(['example.test.folder#0.1.0']);
    expectFixtureRules(validatorOf(fromFolder));
    const tarball = await tarballOf(folder, join(scratch, 'tarballs', 'example.test.folder-0.1.0.tgz'));
    const fromTarball = await open([tarball]);
    expect(fromTarball.sets).toEqual(['example.test.folder#0.1.0']);
    expectFixtureRules(validatorOf(fromTarball));
  });

  test('name@version, found in a folder of tarballs', async () => {
    const folder = await packageFolder('example.test.named', '1.0.0');
    const dir = join(scratch, 'named-tarballs');
    await tarballOf(folder, join(dir, 'example.test.named-1.0.0.tgz'));
    const result = await open(['example.test.named@1.0.0'], { packageDirs: [dir, fhirPackagesDir] });
    expect(result.sets).toEqual(['example.test.named#1.0.0']);
    expectFixtureRules(validatorOf(result));
  });

  test('a spec that is nothing: an error naming it, no validator', async () => {
    const result = await open([join(scratch, 'no-such-folder')]);
    expect(result.validator).toBeUndefined();
    expect(result.diagnostics.all).toContainEqual(expect.objectContaining({ severity: 'error', code: 'release.input-not-found', message: expect.stringContaining('no-such-folder') }));
    const missing = await open(['example.test.absent@9.9.9']);
    expect(missing.validator).toBeUndefined();
    expect(missing.diagnostics.all).toContainEqual(expect.objectContaining({ severity: 'error', code: 'load.package-missing', message: expect.stringContaining('example.test.absent#9.9.9') }));
  });

  test('the first definition of a URL wins, a different later one is reported', async () => {
    const changed = join(scratch, 'changed-patient');
    cpSync(fixtures, changed, { recursive: true });
    const file = join(changed, 'StructureDefinition-test-patient.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"min": 1 }', '"min": 0 }'));
    const result = await open([fixtures, changed]);
    expect(result.diagnostics.all).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'validate.duplicate-definition', message: expect.stringContaining(PATIENT) }));
    expectFixtureRules(validatorOf(result));
  });
});

describe('the validator module cache', () => {
  const cacheDir = join(scratch, 'cache');
  let first: ValidatorForResult;

  beforeAll(async () => {
    // Seed the folder with the run's core module: compiling it again here would only take time.
    const seed = await open([fixtures]);
    mkdirSync(cacheDir, { recursive: true });
    copyFileSync(seed.compiled?.core.file as string, join(cacheDir, basename(seed.compiled?.core.file as string)));
    first = await open([fixtures], { cacheDir });
  });

  test('a first run compiles the profile module only; a second run compiles nothing', async () => {
    expect(first.compiled?.core.outcome).toBe('hit');
    expect(first.compiled?.profiles?.outcome).toBe('compiled');
    const second = await open([fixtures], { cacheDir });
    expect(second.compiled?.core.outcome).toBe('hit');
    expect(second.compiled?.profiles?.outcome).toBe('hit');
    expect(second.compiled?.profiles?.key).toBe(first.compiled?.profiles?.key);
    expectFixtureRules(validatorOf(second));
  });

  test('a changed definition gives another profile module; the core is kept', async () => {
    const changed = join(scratch, 'relaxed');
    cpSync(fixtures, changed, { recursive: true });
    const file = join(changed, 'StructureDefinition-test-patient.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"min": 1 }', '"min": 0 }'));
    const result = await open([changed], { cacheDir });
    expect(result.compiled?.core.outcome).toBe('hit');
    expect(result.compiled?.profiles?.outcome).toBe('compiled');
    expect(result.compiled?.profiles?.key).not.toBe(first.compiled?.profiles?.key);
    expect(errorsOf(validatorOf(result).validate(patient({ gender: 'male' })))).toEqual([]);
  });

  test('a corrupt entry is compiled again, with a warning, and validates as before', async () => {
    writeFileSync(first.compiled?.profiles?.file as string, 'export const link = () => ({}); // not what was stored\n');
    const result = await open([fixtures], { cacheDir });
    expect(result.compiled?.profiles?.outcome).toBe('rebuilt');
    expect(result.diagnostics.all).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'validate.cache', message: expect.stringMatching(/was corrupt \(no checksum line\): compiled again/) }));
    expectFixtureRules(validatorOf(result));
  });

  test('two validators over one core module keep their profiles apart', async () => {
    const withProfiles = validatorOf(await open([fixtures]));
    const without = validatorOf(await open([join(fixtures, 'ValueSet-test-gender.xml')]));
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1', resource: patient({ gender: 'other' }) }] };
    expect(errorsOf(withProfiles.validate(bundle))).toEqual([
      "Bundle.entry[0].resource: missing required element 'birthDate'",
      "Bundle.entry[0].resource.gender: 'other' is not in the required value set http://example.org/fhir/ValueSet/test-gender",
    ]);
    expect(errorsOf(without.validate(bundle))).toEqual([]);
    expect(errorsOf(withProfiles.validate(bundle))).toHaveLength(2);
  });
});

describe('the CLI, outside any project', () => {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const work = join(scratch, 'no-project');
  const cacheDir = join(scratch, 'cli-cache');
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), 'validate', ...args], { encoding: 'utf8', cwd: work, maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'good.json'), JSON.stringify(observation({})));
    writeFileSync(join(work, 'bad.json'), JSON.stringify(patient({ gender: 'other', birthDate: '1970' })));
    const seed = await open([fixtures]);
    mkdirSync(cacheDir, { recursive: true });
    copyFileSync(seed.compiled?.core.file as string, join(cacheDir, basename(seed.compiled?.core.file as string)));
  });

  test('no fhir.config.json: --ig folders and --packages; a second run compiles nothing', () => {
    const args = ['good.json', 'bad.json', '--ig', fixtures, '--packages', fhirPackagesDir, '--offline', '--cache-dir', cacheDir];
    const first = cli(...args);
    expect(first.stdout).toMatch(/^good\.json: valid\n/m);
    expect(first.stdout).toMatch(/^bad\.json:1:107: error \[code-invalid\] Patient\.gender: 'other' is not in the required value set http:\/\/example\.org\/fhir\/ValueSet\/test-gender \(rule binding-required\)$/m);
    expect(first.stdout).toMatch(/2 file\(s\): 1 valid, 1 invalid\n$/);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/compiling the validators of 2 profile\(s\)/);
    expect(first.stderr).not.toMatch(/compiling the core validators/);
    const second = cli(...args);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).not.toMatch(/compiling/);
  });

  test('NDJSON on two workers against --ig definitions: each worker builds the same validator, lines keep their numbers', () => {
    writeFileSync(join(work, 'both.ndjson'), [JSON.stringify(observation({})), JSON.stringify(patient({ gender: 'other', birthDate: '1970' }))].join('\n') + '\n');
    const r = cli('both.ndjson', '--workers', '2', '--ig', fixtures, '--packages', fhirPackagesDir, '--offline', '--cache-dir', cacheDir);
    expect(r.stdout).toMatch(/^both\.ndjson:2: error \[code-invalid\] Patient\.gender: 'other' is not in the required value set http:\/\/example\.org\/fhir\/ValueSet\/test-gender \(rule binding-required\)$/m);
    expect(r.stdout).not.toMatch(/^both\.ndjson:1:/m);
    expect(r.stdout).toMatch(/2 NDJSON resource line\(s\): 1 valid, 1 invalid\n$/);
    expect(r.code).toBe(1);
  });

  test('a name@version with nothing to find it in: exit 2, every place looked in named', () => {
    const r = cli('good.json', '--ig', 'example.test.absent@1.0.0', '--packages', fhirPackagesDir, '--offline', '--cache-dir', cacheDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \[load\.package-missing\] dependency example\.test\.absent#1\.0\.0 not found; looked in: directory .*fhir-packages/);
  });
});
