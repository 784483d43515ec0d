/**
 * The `validate` command on a built project, and the build's own example check: real payloads, exit
 * codes, text and JSON output, bad files; an invalid example fails the build naming its file and the
 * FHIRPath of the problem, and leaves generated/ untouched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../scripts/build.js';
import { tempProject, type TempProject } from '../build/project.js';
import { gpconnectExamplesDir, projectRoot } from '../helpers/shared.js';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), ...args], { encoding: 'utf8', cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let project: TempProject;
const scratch = mkdtempSync(join(tmpdir(), 'fhir-stu3-validate-'));

beforeAll(async () => {
  project = tempProject();
  const result = await build({ configFile: project.config, offline: true });
  expect(result.status).toBe('ok');
});

test('valid payloads: exit 0, one line each and a summary', () => {
  const files = ['book_appt_request_example.json', 'read_appt_response_example.json'].map((f) => join(gpconnectExamplesDir, 'appointments', f));
  const r = cli('validate', ...files, '--config', project.config, '--offline');
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/book_appt_request_example\.json: valid\n/);
  expect(r.stdout).toMatch(/2 file\(s\): 2 valid, 0 invalid\n$/);
  expect(r.code).toBe(0);
});

test('a glob, an invalid payload: each error with location, exit 1', () => {
  const r = cli('validate', join(gpconnectExamplesDir, 'appointments', 'search_*.json'), '--config', project.config, '--offline');
  expect(r.stdout).toMatch(/search_for_free_slots_response_example\.json:153:9: error \[structure\] Bundle\.entry\[4\]\.resource\.telecom: element 'telecom' repeats and must be an array/);
  expect(r.stdout).toMatch(/1 file\(s\): 0 valid, 1 invalid\n$/);
  expect(r.code).toBe(1);
});

test('--format json: an OperationOutcome for one file, a Bundle of them for several', () => {
  const bad = join(scratch, 'bad-status.json');
  const appointment = JSON.parse(readFileSync(join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(bad, JSON.stringify({ ...appointment, status: 'bookedd' }));
  const one = cli('validate', bad, '--format', 'json', '--config', project.config, '--offline');
  expect(one.code).toBe(1);
  const outcome = JSON.parse(one.stdout) as { resourceType: string; issue: Array<{ code: string; expression: string[] }> };
  expect(outcome.resourceType).toBe('OperationOutcome');
  expect(outcome.issue).toEqual([expect.objectContaining({ severity: 'error', code: 'code-invalid', expression: ['Appointment.status'] })]);
  const two = cli('validate', bad, join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json'), '--format', 'json', '--config', project.config, '--offline');
  const bundle = JSON.parse(two.stdout) as { resourceType: string; type: string; entry: Array<{ fullUrl: string; resource: { resourceType: string } }> };
  expect(bundle.resourceType).toBe('Bundle');
  expect(bundle.type).toBe('collection');
  expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual(['OperationOutcome', 'OperationOutcome']);
});

test('--profile validates against the given profile', () => {
  const slot = join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json');
  const r = cli('validate', slot, '--profile', 'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Slot-1', '--config', project.config, '--offline');
  expect(r.stdout).toMatch(/error \[invalid\] Appointment: profile https:\/\/fhir\.nhs\.uk\/STU3\/StructureDefinition\/GPConnect-Slot-1 constrains Slot, not Appointment \(the payload's resourceType\)\n1 file/);
  expect(r.code).toBe(1);
});

test('bad files: not JSON, a BOM, no such file; never a stack trace', () => {
  const notJson = join(scratch, 'not.json');
  writeFileSync(notJson, 'resourceType: Patient');
  const bom = join(scratch, 'bom.json');
  writeFileSync(bom, '\uFEFF{"resourceType":"Patient"}');
  const r = cli('validate', notJson, bom, '--config', project.config, '--offline');
  expect(r.stdout).toMatch(/not\.json:1:1: fatal \[invalid\] payload is not valid JSON: /);
  // A byte order mark is an error of its own rule (the file is validated after it), which --rule can turn off.
  expect(r.stdout).toMatch(/bom\.json:1:1: error \[invalid\] payload starts with a byte order mark .*\(rule json-byte-order-mark\)/);
  expect(r.code).toBe(1);
  const off = cli('validate', bom, '--config', project.config, '--offline', '--rule', 'json-byte-order-mark=off');
  expect(off.stdout).not.toMatch(/byte order mark/);
  expect(off.code).toBe(0);
  const missing = cli('validate', join(scratch, 'nothing-*.json'), '--config', project.config, '--offline');
  expect(missing.stderr).toMatch(/^error: no files match /);
  expect(missing.code).toBe(1);
  expect(r.stdout + r.stderr + missing.stderr).not.toMatch(/at .*\.ts:\d+/);
});

test('--rule sets a severity by rule id, shown at the end of each issue; a bad setting is exit 2', () => {
  const patient = join(scratch, 'patient.json');
  writeFileSync(patient, JSON.stringify({ resourceType: 'Patient', extension: [{ url: 'http://example.org/nowhere', valueString: 'x' }] }));
  const warned = cli('validate', patient, '--config', project.config, '--offline');
  expect(warned.stdout).toMatch(/patient\.json:\d+:\d+: warning \[extension\] Patient\.extension\[0\]: unknown extension http:\/\/example\.org\/nowhere: its definition does not resolve \(rule extension-unknown\)/);
  expect(warned.code).toBe(0);
  const failed = cli('validate', patient, '--rule', 'extension-unknown=error', '--config', project.config, '--offline');
  expect(failed.stdout).toMatch(/patient\.json:\d+:\d+: error \[extension\] Patient\.extension\[0\]: /);
  expect(failed.code).toBe(1);
  const bad = cli('validate', patient, '--rule', 'extension-unknown=loud', '--config', project.config, '--offline');
  expect(bad.stderr).toMatch(/^error: rule extension-unknown: unknown severity 'loud'/);
  expect(bad.code).toBe(2);
});

test('inputs that cannot be read are each a fatal issue of their own, and the batch goes on', () => {
  const dir = mkdtempSync(join(scratch, 'inputs-'));
  const good = join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json');
  mkdirSync(join(dir, 'folder.json'));
  symlinkSync(join(dir, 'loop-b.json'), join(dir, 'loop-a.json'));
  symlinkSync(join(dir, 'loop-a.json'), join(dir, 'loop-b.json'));
  spawnSync('mkfifo', [join(dir, 'pipe.json')]);
  const r = cli('validate', join(dir, 'missing.json'), join(dir, 'folder.json'), join(dir, 'loop-a.json'), join(dir, 'pipe.json'), good, '--config', project.config, '--offline');
  expect(r.stdout).toMatch(/missing\.json: fatal \[not-found\] cannot read .*missing\.json: no such file\n/);
  // A folder stands for the payload files beneath it: this one has none, which is said, not passed over.
  expect(r.stderr).toMatch(/^error: no \.json or \.xml files in the folder .*folder\.json$/m);
  expect(r.stdout).toMatch(/loop-a\.json: fatal \[not-found\] cannot read .*loop-a\.json: a loop of symbolic links\n/);
  expect(r.stdout).toMatch(/pipe\.json: fatal \[not-found\] cannot read .*pipe\.json: it is a FIFO \(named pipe\), not a file\n/);
  expect(r.stdout).toMatch(/book_appt_request_example\.json: valid\n/);
  expect(r.stdout).toMatch(/4 file\(s\): 1 valid, 3 invalid\n$/);
  expect(r.code).toBe(1);
  // A glob over the folder: the loop is reported as a file, the search does not abort.
  const glob = cli('validate', join(dir, '*.json'), '--config', project.config, '--offline');
  expect(glob.stdout).toMatch(/loop-a\.json: fatal \[not-found\] cannot read .*: a loop of symbolic links\n/);
  expect(glob.code).toBe(1);
});

test('a project that was not built: exit 2 with what to do', () => {
  const unbuilt = tempProject();
  const r = cli('validate', join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json'), '--config', unbuilt.config, '--offline');
  expect(r.stderr).toMatch(/no validators in .*generated: run the build first \(npm run build\)/);
  expect(r.code).toBe(2);
});

test('the build validates its examples: an invalid one fails the build with file and FHIRPath, generated/ untouched', async () => {
  const bad = tempProject({
    'examples/Slot-bad.xml': readFileSync(join(projectRoot, 'examples', 'Slot-gpc-slot-example.xml'), 'utf8').replace('<status value="free"/>', '<status value="freee"/>').replace('gpc-slot-example', 'bad-slot'),
  });
  const result = await build({ configFile: bad.config, offline: true });
  expect(result.status).toBe('content-errors');
  const errors = result.diagnostics.sorted().filter((d) => d.severity === 'error');
  expect(errors).toEqual([
    expect.objectContaining({ file: 'examples/Slot-bad.xml', code: 'example.code-invalid', path: 'Slot.status', message: "example Slot/bad-slot: 'freee' is not in the required value set http://hl7.org/fhir/ValueSet/slotstatus" }),
  ]);
  expect(existsSync(bad.out)).toBe(false);
});
