/**
 * Validating in a built project: what the build emits for it (the core and profile modules, the linked
 * index, the definition index) and the fast start that reads them instead of loading packages, which must
 * judge every payload exactly as loading the dependencies does; a build without the index, or built with
 * other dependencies than the config now names, or with a damaged index, falls back to loading. Then
 * `--ig` inside the project: the definitions add to the built package.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../../scripts/build.js';
import { loadValidator } from '../../scripts/commands/load-validator.js';
import { validatorFor } from '../../scripts/commands/validator-for.js';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { DEFINITION_INDEX_FILE, DefinitionIndex } from '../../scripts/resolve/definition-index.js';
import { INVARIANT_MODULE_FILE } from '../../scripts/validate/invariants.js';
import type { ValidationIssue } from '../../scripts/validate/issues.js';
import type { ValidateOptions, Validator } from '../../scripts/validate/validator.js';
import { WALK_MODULE_FILE } from '../../scripts/validate/walk-module.js';
import { tempProject, type TempProject } from '../build/project.js';
import { gpconnectExamplesDir, nhsAssetsDir, projectRoot } from '../helpers/shared.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'ig-fixtures');
let project: TempProject;

beforeAll(async () => {
  project = tempProject();
  const result = await build({ configFile: project.config, offline: true });
  expect(result.status).toBe('ok');
});

function payloads(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir).sort()) {
      const path = join(dir, f);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(json|xml)$/.test(f)) files.push(path);
    }
  };
  walk(gpconnectExamplesDir);
  walk(join(nhsAssetsDir, 'Examples'));
  return files;
}

async function load(compiledWalk?: boolean): Promise<{ validator: Validator; codes: string[] }> {
  const diagnostics = new Diagnostics();
  const validator = await loadValidator({ configFile: project.config, offline: true, diagnostics, compiledWalk });
  expect(diagnostics.hasErrors()).toBe(false);
  return { validator: validator as Validator, codes: diagnostics.all.map((d) => d.code) };
}

function outcomes(validator: Validator, files: readonly string[], options: ValidateOptions = {}): Record<string, ValidationIssue[]> {
  const out: Record<string, ValidationIssue[]> = {};
  for (const f of files) out[f] = f.endsWith('.json') ? validator.jsonIssues(readFileSync(f), options) : validator.xmlIssues(readFileSync(f), options);
  return out;
}

/** Runs `fn` with the build's definition index moved aside (or replaced by `content`). */
function withIndex<T>(content: Buffer | undefined, fn: () => Promise<T>): Promise<T> {
  return withOutputFile(DEFINITION_INDEX_FILE, content, fn);
}

/** Runs `fn` with a file of the build output moved aside (or replaced by `content`). */
async function withOutputFile<T>(path: string, content: Buffer | undefined, fn: () => Promise<T>): Promise<T> {
  const file = join(project.out, path);
  renameSync(file, `${file}.kept`);
  if (content) writeFileSync(file, content);
  try {
    return await fn();
  } finally {
    renameSync(`${file}.kept`, file);
  }
}

test('the build emits the core and profile modules, their linked index, and the definition index', async () => {
  const validators = readdirSync(join(project.out, 'validators')).sort();
  expect(validators).toEqual(['core.mjs', 'index.d.mts', 'index.mjs', 'profiles.mjs']);
  const index = DefinitionIndex.read(readFileSync(join(project.out, DEFINITION_INDEX_FILE)));
  expect(index.labels).toEqual(['project', 'hl7.fhir.r3.core#3.0.2', 'hl7.fhir.r3.expansions#3.0.2']);
  expect(index.originOf('https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Appointment-1')).toBe('project');
  expect(index.byTypeName('Appointment')?.url).toBe('http://hl7.org/fhir/StructureDefinition/Appointment');
  // Published expansions are there by package, apart from the core's definitions of the same value sets.
  expect(index.byUrlInPackage('http://hl7.org/fhir/ValueSet/languages', 'hl7.fhir.r3.expansions#3.0.2', 'ValueSet')).toHaveProperty('expansion');
  // Compacted: no narrative, no element definitions.
  const appointment = index.byTypeName('Appointment');
  expect(appointment).not.toHaveProperty('text');
  expect(appointment?.snapshot?.element[1]).not.toHaveProperty('definition');
  // The emitted modules link without the toolchain.
  const { validators: table } = (await import(join(project.out, 'validators', 'index.mjs'))) as { validators: Record<string, (data: unknown) => boolean> };
  expect(Object.keys(table)).toEqual(expect.arrayContaining(['Appointment', 'Resource', 'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Appointment-1']));
});

test('a validator from the definition index judges every payload as one from the loaded packages', async () => {
  const files = payloads();
  expect(files.length).toBeGreaterThan(90);
  const fast = await load();
  expect(fast.codes).toEqual([]);
  const slow = await withIndex(undefined, load);
  expect(slow.codes).toContain('validate.no-definition-index');
  expect(outcomes(fast.validator, files)).toEqual(outcomes(slow.validator, files));
});

test('the build emits its invariants compiled; a validator using them judges every payload as one compiling them as met', async () => {
  const { invariants } = (await import(join(project.out, INVARIANT_MODULE_FILE))) as { invariants: Record<string, unknown> };
  expect(Object.keys(invariants)).toEqual(expect.arrayContaining(['Period|start.empty() or end.empty() or (start <= end)']));
  const files = payloads();
  const emitted = await load();
  expect(emitted.codes).toEqual([]);
  const asMet = await withOutputFile(INVARIANT_MODULE_FILE, undefined, load);
  expect(asMet.codes).toEqual([]);
  const broken = await withOutputFile(INVARIANT_MODULE_FILE, Buffer.from('export const invariants = ;'), load);
  expect(broken.codes).toEqual(['validate.invariants-unreadable']);
  const expected = outcomes(asMet.validator, files);
  expect(outcomes(emitted.validator, files)).toEqual(expected);
  expect(outcomes(broken.validator, files)).toEqual(expected);
});

test('the build emits the walk of its profiles as code; a validator linking it (compiledWalk) judges every payload as the interpreted walk', async () => {
  const module = (await import(join(project.out, WALK_MODULE_FILE))) as { urls: string[]; plans: unknown[]; link: unknown };
  expect(module.urls).toContain('https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Appointment-1');
  expect(typeof module.link).toBe('function');
  const files = payloads();
  const linked = () => load(true);
  const emitted = await linked();
  expect(emitted.codes).toEqual([]);
  const text = readFileSync(join(project.out, WALK_MODULE_FILE), 'utf8');
  const broken = await withOutputFile(WALK_MODULE_FILE, Buffer.from('export const plans = ;'), linked);
  expect(broken.codes).toEqual(['validate.walk-unreadable']);
  // Without compiledWalk (the default) the module is not read: nothing to report.
  expect((await withOutputFile(WALK_MODULE_FILE, Buffer.from('export const plans = ;'), load)).codes).toEqual([]);
  // A plan's signature that no longer fits (the definitions changed since the build): nothing of the module is used.
  const changed = text.replace(/("[A-Za-z0-9_-]{12}")\]/, '"changedsince"]');
  expect(changed).not.toBe(text);
  const stale = await withOutputFile(WALK_MODULE_FILE, Buffer.from(changed), linked);
  expect(stale.codes).toEqual(['validate.walk-stale']);
  const expected = outcomes(emitted.validator, files, { compiledWalk: false });
  // Twice: the first round walks by the module and interprets the rest; by the second, the often walked have code too.
  expect(outcomes(emitted.validator, files)).toEqual(expected);
  expect(outcomes(emitted.validator, files)).toEqual(expected);
  expect(outcomes(stale.validator, files)).toEqual(expected);
});

test('a damaged index, or one built with other dependencies, is not used: the packages are loaded', async () => {
  const damaged = await withIndex(Buffer.from('{"format":"fhir-stu3-definitions","version":1,"sources":[],"entries":[["ValueSet","x",0,"",1,0,999]]}\n{}'), load);
  expect(damaged.codes).toContain('validate.definition-index-unreadable');
  const file = join(project.out, DEFINITION_INDEX_FILE);
  const index = readFileSync(file, 'utf8');
  try {
    // As if built when the config named another version of the expansions.
    writeFileSync(file, index.replace('"hl7.fhir.r3.expansions#3.0.2"', '"hl7.fhir.r3.expansions#3.0.1"'));
    const stale = await load();
    expect(stale.codes).toContain('validate.definition-index-stale');
  } finally {
    writeFileSync(file, index);
  }
});

describe('--ig inside a project', () => {
  const appointment = join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json');
  const patient = (gender: string) => ({ resourceType: 'Patient', meta: { profile: ['http://example.org/fhir/StructureDefinition/test-patient'] }, gender });

  test('the definitions add to the built package: both sets of profiles apply', async () => {
    const result = await validatorFor({ ig: [fixtures], configFile: project.config, offline: true });
    expect(result.diagnostics.hasErrors()).toBe(false);
    const validator = result.validator as Validator;
    expect(validator.jsonIssues(readFileSync(appointment)).filter((i) => i.severity === 'error')).toEqual([]);
    const claimed = JSON.parse(readFileSync(appointment, 'utf8')) as Record<string, unknown>;
    expect(validator.validate({ ...claimed, status: 'bookedd' }).issue).toContainEqual(expect.objectContaining({ severity: 'error', expression: ['Appointment.status'] }));
    expect(validator.validate(patient('other')).issue).toContainEqual(expect.objectContaining({ severity: 'error', code: 'code-invalid', expression: ['Patient.gender'] }));
  });

  test('an unbuilt project: an error that says to build', async () => {
    const unbuilt = tempProject();
    const result = await validatorFor({ ig: [fixtures], configFile: unbuilt.config, offline: true });
    expect(result.validator).toBeUndefined();
    expect(result.diagnostics.all).toContainEqual(expect.objectContaining({ severity: 'error', code: 'validate.not-built' }));
  });

  test('the CLI: --ig with the project config; --no-project leaves the package out', () => {
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const bad = join(project.root, 'bad-patient.json');
    writeFileSync(bad, JSON.stringify(patient('other')));
    const cli = (...args: string[]) => spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), 'validate', ...args], { encoding: 'utf8', cwd: project.root });
    const inside = cli(appointment, bad, '--ig', fixtures, '--offline');
    expect(inside.stdout).toMatch(/book_appt_request_example\.json: valid/);
    expect(inside.stdout).toMatch(/bad-patient\.json:\d+:\d+: error \[code-invalid\] Patient\.gender: 'other' is not in the required value set/);
    expect(inside.status).toBe(1);
    // Without the project, the GP Connect profiles the appointment claims do not resolve: warnings, no errors.
    const alone = cli(appointment, '--ig', fixtures, '--offline', '--no-project', '--packages', join(projectRoot, '..', 'shared', 'fhir-packages'));
    expect(alone.stdout).toMatch(/book_appt_request_example\.json: valid \(\d+ warning\(s\)\)/);
  });
});
