import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { loadPackageVersion, type PackageVersion } from '../../scripts/definitions/package-version.js';
import type { ElementDefinition, Resource, StructureDefinition, ValueSet } from '../../scripts/model/fhir.js';
import type { Change } from '../../scripts/release/changes.js';
import { diffPackages } from '../../scripts/release/diff.js';
import { formatDiffJson, formatDiffText } from '../../scripts/release/format-diff.js';
import { nhsAssetsDir, projectRoot } from '../helpers/shared.js';
import { clone, loadOptions, versionOf, versionWith } from './versions.js';

const DC = 'GPConnect-DeliveryChannel-1';

describe('diff: the NHS corpus DeliveryChannel (no Visit) against ours', () => {
  let corpus: PackageVersion;
  let ours: PackageVersion;

  beforeAll(async () => {
    corpus = await versionOf(nhsAssetsDir, [DC]);
    const vs = await versionOf(join(projectRoot, 'valuesets'), [DC]);
    const cs = await versionOf(join(projectRoot, 'codesystems'), [DC]);
    ours = versionWith('ours', [...cs.resources, ...vs.resources]);
  });

  test('both sides hold the CodeSystem and the ValueSet', () => {
    expect(corpus.resources.map((r) => `${r.resourceType}/${r.id}`)).toEqual([`CodeSystem/${DC}`, `ValueSet/${DC}`]);
    expect(ours.resources.map((r) => `${r.resourceType}/${r.id}`)).toEqual([`CodeSystem/${DC}`, `ValueSet/${DC}`]);
  });

  test('"code added" Visit, minor, in both; nothing breaking', () => {
    const diff = diffPackages(corpus, ours);
    expect(diff.level).toBe('minor');
    expect(diff.suggestedBump).toBe('minor');
    expect(diff.unversionedBreaking).toBe(0);
    for (const type of ['CodeSystem', 'ValueSet']) {
      const r = diff.resources.find((x) => x.resourceType === type);
      expect(r).toMatchObject({ status: 'changed', level: 'minor', unversionedBreaking: false });
      const added = r?.changes.filter((c) => c.code.endsWith('.code-added'));
      expect(added).toEqual([expect.objectContaining({ level: 'minor', path: 'Visit' })]);
      expect(r?.changes.filter((c) => c.level === 'breaking')).toEqual([]);
      // version 1.0.0 -> 1.2.7 and the reworded description are text: patch
      expect(r?.changes).toContainEqual(expect.objectContaining({ code: 'resource.version-changed', level: 'patch' }));
    }
    // the corpus ValueSet includes the whole code system: its codes come from the corpus CodeSystem
    expect(formatDiffText(diff)).toMatch(/ValueSet GPConnect-DeliveryChannel-1: changed, minor\n\s+minor\s+Visit: code added: Visit/);
  });

  test('the other way round, Visit removed from the value set is breaking once a profile binds it required', () => {
    const binding: StructureDefinition = {
      resourceType: 'StructureDefinition', id: 'Binder-1', url: 'https://example.org/StructureDefinition/Binder-1', name: 'Binder-1', kind: 'complex-type', abstract: false, type: 'Extension',
      snapshot: { element: [{ id: 'Extension.valueCode', path: 'Extension.valueCode', binding: { strength: 'required', valueSetReference: { reference: `https://fhir.nhs.uk/STU3/ValueSet/${DC}` } } }] },
    };
    const loose = diffPackages(ours, corpus);
    expect(loose.resources.find((r) => r.resourceType === 'ValueSet')?.changes).toContainEqual(expect.objectContaining({ code: 'valueset.code-removed', level: 'minor', path: 'Visit' }));
    const bound = diffPackages(versionWith('ours', [...ours.resources, binding]), versionWith('corpus', [...corpus.resources, binding]));
    expect(bound.resources.find((r) => r.resourceType === 'ValueSet')?.changes).toContainEqual(expect.objectContaining({ code: 'valueset.code-removed', level: 'breaking', path: 'Visit' }));
    expect(bound.unversionedBreaking).toBe(2); // the value set and the code system it draws on
  });
});

describe('diff: profiles element by element', () => {
  let patient: StructureDefinition;
  const base = () => clone(patient);
  const el = (sd: StructureDefinition, id: string) => {
    const e = sd.snapshot?.element.find((x) => x.id === id);
    if (!e) throw new Error(`no ${id}`);
    return e;
  };
  /** The changes one edit of the corpus CareConnect-GPC-Patient-1 makes. */
  const changesOf = (edit: (sd: StructureDefinition) => void): Change[] => {
    const after = base();
    edit(after);
    const diff = diffPackages(versionWith('old', [patient]), versionWith('new', [after]));
    return diff.resources[0]?.changes ?? [];
  };
  const levelOf = (edit: (sd: StructureDefinition) => void) => changesOf(edit).map((c) => `${c.level} ${c.code} ${c.path ?? ''}`);

  beforeAll(async () => {
    patient = (await versionOf(nhsAssetsDir, ['CareConnect-GPC-Patient-1'])).resources[0] as StructureDefinition;
  });

  test('the corpus profile has a snapshot to compare', () => {
    expect(patient.url).toBe('https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1');
    expect(patient.snapshot?.element.length).toBeGreaterThan(100);
    expect(changesOf(() => {})).toEqual([]);
  });

  test('breaking: min raised, max lowered, type or target removed, binding strengthened, fixed value added, new mandatory element', () => {
    expect(levelOf((sd) => (el(sd, 'Patient.birthDate').min = 1))).toEqual(['breaking element.min-raised Patient.birthDate']);
    expect(levelOf((sd) => (el(sd, 'Patient.address').max = '1'))).toEqual(['breaking element.max-lowered Patient.address']);
    expect(levelOf((sd) => (el(sd, 'Patient.address').max = '0'))).toEqual(['breaking element.prohibited Patient.address']);
    const gp = (sd: StructureDefinition) => el(sd, 'Patient.generalPractitioner');
    expect(base().snapshot && gp(base()).type?.length).toBeGreaterThan(1);
    expect(levelOf((sd) => gp(sd).type?.pop())).toEqual([expect.stringMatching(/^breaking element\.(target|type)-removed Patient\.generalPractitioner$/)]);
    const strength = (value: 'preferred' | 'extensible' | 'required') => (sd: StructureDefinition) => {
      const b = el(sd, 'Patient.maritalStatus').binding;
      if (b) b.strength = value;
    };
    const preferred = base();
    strength('preferred')(preferred);
    for (const value of ['extensible', 'required'] as const) {
      const after = clone(preferred);
      strength(value)(after);
      const diff = diffPackages(versionWith('old', [preferred]), versionWith('new', [after]));
      expect(diff.resources[0]?.changes.map((c) => `${c.level} ${c.code} ${c.path ?? ''}`)).toEqual(['breaking binding.strengthened Patient.maritalStatus']);
    }
    expect(levelOf((sd) => (el(sd, 'Patient.language') as ElementDefinition & { fixedCode?: string }).fixedCode = 'en')).toEqual(['breaking element.fixed-added Patient.language']);
    const added = (min: number) => (sd: StructureDefinition) => {
      const at = sd.snapshot?.element.findIndex((e) => e.id === 'Patient.identifier:nhsNumber') ?? 0;
      sd.snapshot?.element.splice(at, 0, { id: 'Patient.identifier:localNumber', path: 'Patient.identifier', sliceName: 'localNumber', min, max: '1', base: { path: 'Patient.identifier', min: 0, max: '*' }, type: [{ code: 'Identifier' }] });
    };
    expect(levelOf(added(1))).toEqual(['breaking element.mandatory-added Patient.identifier:localNumber']);
    expect(levelOf(added(0))).toEqual(['minor element.optional-added Patient.identifier:localNumber']);
  });

  test('not breaking: loosening, text, version, example/preferred bindings', () => {
    expect(levelOf((sd) => (el(sd, 'Patient.telecom.system').min = 0))).toEqual(['minor element.min-lowered Patient.telecom.system']);
    expect(levelOf((sd) => (el(sd, 'Patient.gender').short = 'Sex or gender'))).toEqual(['patch element.text-changed Patient.gender']);
    expect(levelOf((sd) => (sd.version = '9.9.9'))).toEqual(['patch resource.version-changed version']);
    expect(levelOf((sd) => (sd.description = 'reworded'))).toEqual(['patch resource.text-changed ']);
    const preferred = (sd: StructureDefinition) => {
      el(sd, 'Patient.communication.language').binding = { strength: 'example', valueSetReference: { reference: 'https://example.org/ValueSet/a' } };
    };
    const before = base();
    preferred(before);
    const after = clone(before);
    const b = el(after, 'Patient.communication.language').binding;
    if (b) {
      b.strength = 'preferred';
      b.valueSetReference = { reference: 'https://example.org/ValueSet/b' };
    }
    const diff = diffPackages(versionWith('old', [before]), versionWith('new', [after]));
    expect(diff.resources[0]?.changes.map((c) => `${c.level} ${c.code}`)).toEqual(['patch binding.strengthened', 'patch binding.value-set-changed']);
    expect(diff.level).toBe('patch');
  });
});

describe('diff: a -1 and its successor -2 are the same artefact', () => {
  test('corpus Extension-GPConnect-DeliveryChannel-1 -> -2: a new major version, its breaking changes allowed', async () => {
    const both = await versionOf(join(nhsAssetsDir, 'StructureDefinitions'), ['Extension-GPConnect-DeliveryChannel-1']);
    expect(both.resources.map((r) => r.id ?? r.url)).toHaveLength(2);
    const one = both.resources.filter((r) => String(r.url).endsWith('-1'));
    const two = both.resources.filter((r) => String(r.url).endsWith('-2'));
    const sideBySide = diffPackages(versionWith('1.0.0', one, '1.0.0'), versionWith('1.1.0', [...one, ...two], '1.1.0'));
    const r = sideBySide.resources[0];
    expect(sideBySide.resources).toHaveLength(1);
    expect(r).toMatchObject({ id: 'Extension-GPConnect-DeliveryChannel-2', status: 'new-major', related: String(one[0]?.url), level: 'breaking', unversionedBreaking: false });
    // value[x] went from CodeableConcept to code: the CodeableConcept form is gone
    expect(r?.changes.filter((c) => c.level === 'breaking').map((c) => c.path)).toContain('Extension.valueCodeableConcept');
    expect(sideBySide.unversionedBreaking).toBe(0);
    expect(sideBySide.suggestedBump).toBe('minor');

    // dropping -1 for -2 removes an artefact: breaking unless the package gets a new major version
    const replaced = diffPackages(versionWith('1.0.0', one, '1.0.0'), versionWith('1.1.0', two, '1.1.0'));
    expect(replaced.resources.map((x) => `${x.id} ${x.status} ${x.unversionedBreaking}`)).toEqual(['Extension-GPConnect-DeliveryChannel-1 removed true', 'Extension-GPConnect-DeliveryChannel-2 new-major false']);
    const major = diffPackages(versionWith('1.0.0', one, '1.0.0'), versionWith('2.0.0', two, '2.0.0'));
    expect(major.unversionedBreaking).toBe(0);
    expect(major.suggestedBump).toBe('major');
  });
});

describe('diff: inputs', () => {
  test('identical versions: no changes, in text and JSON', async () => {
    const corpus = await versionOf(nhsAssetsDir, [DC]);
    const diff = diffPackages(corpus, versionWith('ours', corpus.resources.map((r) => clone(r) as Resource)));
    expect(diff.resources).toEqual([]);
    expect(formatDiffText(diff)).toMatch(/no changes/);
    const json = JSON.parse(formatDiffJson(diffPackages(corpus, corpus))) as { level: string };
    expect(json.level).toBe('none');
  });

  test('malformed, missing and unknown inputs are errors naming the input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fhir-stu3-diff-'));
    const bad = join(dir, 'broken.tgz');
    writeFileSync(bad, 'not a tarball');
    const cases: Array<[string, RegExp]> = [
      [bad, /broken\.tgz is not a readable package tarball/],
      [join(dir, 'nothing-here'), /no such file or folder, and not a package name@version/],
      ['no.such.package@1.0.0', /no\.such\.package#1\.0\.0/],
    ];
    for (const [spec, message] of cases) {
      const diagnostics = new Diagnostics();
      expect(await loadPackageVersion(spec, loadOptions(diagnostics))).toBeUndefined();
      expect(diagnostics.sorted().map((d) => d.message).join('\n')).toMatch(message);
    }
  });

  test('valueset codes: display changes are patch', () => {
    const vs: ValueSet = { resourceType: 'ValueSet', url: 'https://example.org/ValueSet/x', compose: { include: [{ system: 'https://example.org/cs', concept: [{ code: 'a', display: 'A' }] }] } };
    const after = clone(vs);
    const inc = after.compose?.include[0];
    if (inc?.concept?.[0]) inc.concept[0].display = 'Alpha';
    const diff = diffPackages(versionWith('old', [vs]), versionWith('new', [after]));
    expect(diff.resources[0]?.changes.map((c) => `${c.level} ${c.code}`)).toEqual(['patch valueset.display-changed']);
  });
});

describe('diff CLI', () => {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), 'diff', ...args], { encoding: 'utf8', cwd: projectRoot });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test('JSON output; --fail-on breaking is a CI gate (exit 1); unreadable input exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fhir-stu3-diff-cli-'));
    const [one, two] = [join(dir, 'one'), join(dir, 'two')];
    mkdirSync(one);
    mkdirSync(two);
    copyFileSync(join(nhsAssetsDir, 'StructureDefinitions', 'Extension-GPConnect-DeliveryChannel-1.xml'), join(one, 'a.xml'));
    copyFileSync(join(nhsAssetsDir, 'StructureDefinitions', 'Extension-GPConnect-DeliveryChannel-2.xml'), join(two, 'b.xml'));
    const replaced = cli(one, two, '--format', 'json', '--fail-on', 'breaking', '--offline');
    expect(replaced.code).toBe(1); // -1 removed without a new package major
    const json = JSON.parse(replaced.stdout) as { resources: Array<{ id: string; status: string }>; unversionedBreaking: number };
    expect(json.resources.map((r) => `${r.id} ${r.status}`)).toEqual(['Extension-GPConnect-DeliveryChannel-1 removed', 'Extension-GPConnect-DeliveryChannel-2 new-major']);
    expect(json.unversionedBreaking).toBe(1);
    const minor = cli(nhsAssetsDir, join(projectRoot, 'codesystems'), '--only', 'GPConnect-DeliveryChannel-1', '--fail-on', 'breaking', '--offline');
    // the code system gained Visit (minor); the value set is not in codesystems/, so it counts as removed
    expect(minor.stdout).toMatch(/CodeSystem GPConnect-DeliveryChannel-1: changed, minor\n\s+minor\s+Visit: code added: Visit/);
    expect(minor.stdout).toMatch(/ValueSet GPConnect-DeliveryChannel-1: removed, breaking/);
    expect(minor.code).toBe(1);
    expect(cli(nhsAssetsDir, join(projectRoot, 'codesystems'), '--only', 'GPConnect-DeliveryChannel-1', '--offline').code).toBe(0);
    writeFileSync(join(dir, 'bad.tgz'), 'nope');
    const bad = cli(join(dir, 'bad.tgz'), two, '--offline');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.tgz is not a readable package tarball/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
