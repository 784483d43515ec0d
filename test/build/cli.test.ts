import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nhsAssetsDir, projectRoot } from '../helpers/shared.js';
import { tempProject } from './project.js';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), ...args], { encoding: 'utf8', cwd: projectRoot });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI', () => {
  test('build: progress, summary, exit 0', () => {
    const project = tempProject();
    const r = cli('build', '--config', project.config, '--offline');
    expect(r.stderr).toMatch(/loading hl7\.fhir\.r3\.core#3\.0\.2/);
    expect(r.stderr).toMatch(/snapshotting \d+ profiles/);
    expect(r.stderr).toMatch(/resources: \d+ CapabilityStatement, \d+ CodeSystem, \d+ StructureDefinition, \d+ ValueSet/);
    expect(r.stderr).toMatch(/0 error\(s\)/);
    // Every invariant is compiled, native, or listed with why it is left to fhirpath.js.
    const m = /invariants: (\d+) of (\d+) compiled to JavaScript, (\d+) checked natively, (\d+) by fhirpath\.js\n((?: {2}.*\n)*)/.exec(r.stderr);
    expect(m).not.toBeNull();
    const [compiled, total, native, interpreted] = (m as RegExpExecArray).slice(1, 5).map(Number);
    expect(compiled + native + interpreted).toBe(total);
    expect(compiled + native).toBeGreaterThan(total * 0.9);
    const listed = (m as RegExpExecArray)[5].split('\n').filter(Boolean);
    expect(listed).toHaveLength(interpreted);
    for (const line of listed) expect(line).toMatch(/^ {2}[a-z0-9-]+ on [A-Za-z.]+: \S/);
    const qa = JSON.parse(readFileSync(join(project.out, 'qa.json'), 'utf8')) as { invariants?: { total: number; compiled: number; interpreted: unknown[] } };
    expect(qa.invariants).toMatchObject({ total, compiled });
    expect(qa.invariants?.interpreted).toHaveLength(interpreted);
    expect(r.code).toBe(0);
  });

  test('build --quiet with a content error: only the error, with file and path, exit 1', () => {
    const project = tempProject({ 'valuesets/Broken.json': '{"resourceType": "ValueSet",\n "id": "Broken",}' });
    const r = cli('build', '--config', project.config, '--offline', '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^valuesets\/Broken\.json:2:\d+: error \[load\.json-[a-z-]+\] /m);
    expect(r.stderr).not.toMatch(/resources:/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  test('a missing dependency is an environment error naming package#version and where it looked: exit 2', () => {
    const empty = mkdtempSync(join(tmpdir(), 'fhir-stu3-empty-'));
    const project = tempProject({}, { dependencySources: [{ type: 'directory', path: empty }, { type: 'registry' }] });
    const r = cli('build', '--config', project.config, '--offline');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('hl7.fhir.r3.core#3.0.2');
    expect(r.stderr).toContain(empty);
    expect(r.stderr).toMatch(/offline/);
    // printed once: as the finding, not again as a progress line
    expect(r.stderr.match(/dependency hl7\.fhir\.r3\.core#3\.0\.2 not found/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/^fhir\.config\.json:\d+: error \[load\.package-missing\]/m);
  });

  test('--version prints the toolchain version; --help lists every command', () => {
    const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    expect(cli('--version')).toEqual(expect.objectContaining({ code: 0, stdout: `${version}\n` }));
    const help = cli('--help');
    expect(help.code).toBe(0);
    for (const command of ['build', 'snapshot', 'validate', 'convert', 'diff', 'release-notes', 'publish']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(cli('help', 'validate').stdout).toMatch(/--profile <url>/);
  });

  test('usage errors exit 2', () => {
    expect(cli('build', '--config', join(tmpdir(), 'does-not-exist.json')).code).toBe(2);
    expect(cli('no-such-command').code).toBe(2);
    expect(cli('snapshot', 'x').code).toBe(2); // --out is required
  });

  test('snapshot --compare prints the agreement per file and overall, and writes JSON', () => {
    const out = mkdtempSync(join(tmpdir(), 'fhir-stu3-snap-'));
    const dir = join(nhsAssetsDir, 'StructureDefinitions');
    const r = cli('snapshot', join(dir, 'GPConnect-Slot-1.xml'), join(dir, 'Extension-GPConnect-DeliveryChannel-2.xml'), '--out', out, '--compare', '--offline');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+\.\d\d%\s+100\.00%\s+\d+\/\d+\s+.*GPConnect-Slot-1\.xml/);
    expect(r.stdout).toMatch(/overall, plain: \d+\/\d+ elements identical \(\d+\.\d\d%\) over 2 file\(s\)/);
    expect(r.stdout).toMatch(/overall, normalised: \d+\/\d+ elements identical \(100\.00%\) over 2 file\(s\)/);
    expect(r.stdout).toMatch(/^ {2}unfolded \(\d+ elements\): /m);
    expect(readdirSync(out).sort()).toEqual(['Extension-GPConnect-DeliveryChannel-2.json', 'GPConnect-Slot-1.json']);
  });

  test('snapshot --format xml writes FHIR XML, and warns of a type profile that does not resolve', () => {
    const out = mkdtempSync(join(tmpdir(), 'fhir-stu3-snap-'));
    const input = join(mkdtempSync(join(tmpdir(), 'fhir-stu3-in-')), 'Test-Slot-2.json');
    const missing = 'https://example.org/StructureDefinition/Missing-Extension-1';
    writeFileSync(
      input,
      JSON.stringify({
        resourceType: 'StructureDefinition', id: 'Test-Slot-2', url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Test-Slot-2', name: 'Test-Slot-2', status: 'draft', kind: 'resource', abstract: false, type: 'Slot',
        baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Slot', derivation: 'constraint',
        differential: { element: [{ id: 'Slot.extension:missing', path: 'Slot.extension', sliceName: 'missing', type: [{ code: 'Extension', profile: missing }] }] },
      }),
    );
    const r = cli('snapshot', input, '--out', out, '--format', 'xml', '--offline');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning \[profile\.unresolved-external-url\] .*Missing-Extension-1 is not in the project or its dependencies/);
    expect(readdirSync(out)).toEqual(['Test-Slot-2.xml']);
    const xml = readFileSync(join(out, 'Test-Slot-2.xml'), 'utf8');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<StructureDefinition xmlns="http:\/\/hl7\.org\/fhir">/);
    expect(xml).toContain('<element id="Slot.extension:missing">');
    expect(xml).toContain('<key value="ele-1"/>');
  });

  test('snapshot of JSON input', () => {
    const out = mkdtempSync(join(tmpdir(), 'fhir-stu3-snap-'));
    const input = join(mkdtempSync(join(tmpdir(), 'fhir-stu3-in-')), 'p.json');
    writeFileSync(input, JSON.stringify({ resourceType: 'StructureDefinition', id: 'Test-Slot-1', url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Test-Slot-1', name: 'Test-Slot-1', status: 'draft', kind: 'resource', abstract: false, type: 'Slot', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Slot', derivation: 'constraint', differential: { element: [{ id: 'Slot.comment', path: 'Slot.comment', max: '0' }] } }));
    const r = cli('snapshot', input, '--out', out, '--offline', '--quiet');
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toEqual(['p.json']);
  });
});
