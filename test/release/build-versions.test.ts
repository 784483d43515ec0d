import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../../scripts/build.js';
import { diffPackages } from '../../scripts/release/diff.js';
import { tempProject } from '../build/project.js';
import { projectRoot } from '../helpers/shared.js';
import { versionOf } from './versions.js';

const PATIENT = 'profiles/StructureDefinition-CareConnect-GPC-Patient-1.xml';
const source = (path: string) => readFileSync(join(projectRoot, path), 'utf8');

/** CareConnect-GPC-Patient-1 with birthDate made mandatory: a breaking change. */
function birthDateMandatory(xml: string): string {
  const out = xml.replace('<path value="Patient.birthDate"/>\n      <mustSupport', '<path value="Patient.birthDate"/>\n      <min value="1"/>\n      <mustSupport');
  if (out === xml) throw new Error('the Patient profile no longer has the expected birthDate element');
  return out;
}

/** The same profile as major version 2 (id, url, name). */
const asMajor2 = (xml: string) => xml.replace(/CareConnect-GPC-Patient-1"/g, 'CareConnect-GPC-Patient-2"');
const errorsOf = (r: Awaited<ReturnType<typeof build>>) => r.diagnostics.sorted().filter((d) => d.severity === 'error' || d.severity === 'fatal');

describe('version rules at build', () => {
  const baseline = tempProject();
  let baselineTarball: string;

  beforeAll(async () => {
    const r = await build({ configFile: baseline.config, offline: true });
    expect(errorsOf(r)).toEqual([]);
    baselineTarball = r.tarball as string;
  });

  test('two majors side by side: CareConnect-GPC-Patient-1 and a -2 with a breaking change build into one package', async () => {
    const project = tempProject({ 'profiles/StructureDefinition-CareConnect-GPC-Patient-2.xml': birthDateMandatory(asMajor2(source(PATIENT))) });
    const r = await build({ configFile: project.config, offline: true });
    expect(errorsOf(r)).toEqual([]);
    expect(r.status).toBe('ok');
    const built = await versionOf(r.tarball as string, ['CareConnect-GPC-Patient-1']);
    expect(built.resources.map((x) => x.id)).toEqual(['CareConnect-GPC-Patient-1', 'CareConnect-GPC-Patient-2']);
    // diff from the baseline: the -2 is a new major of -1, its breaking change allowed
    const diff = diffPackages(await versionOf(baselineTarball, ['CareConnect-GPC-Patient-1']), built);
    expect(diff.resources.map((x) => `${x.id} ${x.status} ${x.level}`)).toEqual(['CareConnect-GPC-Patient-2 new-major breaking']);
    // birthDate, and Patient.link.other, which now targets the -2 instead of the -1 (the renaming did that)
    expect(diff.resources[0]?.changes.filter((c) => c.level === 'breaking').map((c) => `${c.code} ${c.path}`)).toEqual(['element.min-raised Patient.birthDate', 'element.target-removed Patient.link.other']);
    expect(diff.unversionedBreaking).toBe(0);
  });

  test('given the previous release, a breaking change to a profile that keeps its major version fails the build', async () => {
    const project = tempProject({ [PATIENT]: birthDateMandatory(source(PATIENT)) }, { version: '1.2.8', previousPackage: baselineTarball });
    const r = await build({ configFile: project.config, offline: true });
    expect(r.status).toBe('content-errors');
    const errors = errorsOf(r);
    // GP Connect (its config turns the convention on): a new major of the profile is needed, and that is a minor release
    expect(errors.map((d) => d.code)).toEqual(['version.bump-too-small', 'version.breaking-without-major']);
    const breaking = errors[1];
    expect(breaking?.message).toBe('1 breaking change(s) (Patient.birthDate: min raised 0 -> 1) since nhsdigital.gpconnect.stu3#1.2.7 without a new major version of CareConnect-GPC-Patient-1 (make it CareConnect-GPC-Patient-2)');
    expect(breaking?.file).toBe(PATIENT);
    expect(errors[0]?.message).toMatch(/^1\.2\.8 is a patch release after 1\.2\.7, but the changes since need a minor release \(make it 1\.3\.0\)/);
  });

  test('the same change as a new major beside the old one passes the check; --previous overrides the config', async () => {
    const project = tempProject({ 'profiles/StructureDefinition-CareConnect-GPC-Patient-2.xml': birthDateMandatory(asMajor2(source(PATIENT))) }, { version: '1.3.0' });
    const r = await build({ configFile: project.config, offline: true, previous: baselineTarball });
    expect(errorsOf(r)).toEqual([]);
    expect(r.status).toBe('ok');
  });

  test('the version must go up from the previous release; a bad version form is an error', async () => {
    const same = await build({ configFile: tempProject({}, { previousPackage: baselineTarball }).config, offline: true });
    expect(errorsOf(same).map((d) => d.code)).toEqual(['version.not-increased']);
    for (const version of ['1.2', '1.2.8-preview.1', '1.2.8-beta', 'v1.2.8']) {
      const r = await build({ configFile: tempProject({}, { version }).config, offline: true });
      expect(r.status).toBe('environment-error');
      expect(errorsOf(r)[0]?.message).toMatch(/must be semver x\.y\.z, optionally with -alpha\.N, -beta\.N or -rc\.N/);
    }
  });

  test('a malformed previous release is an environment error naming it; nothing is written', async () => {
    const project = tempProject({ 'previous.tgz': 'not a tarball' }, { previousPackage: 'previous.tgz' });
    const r = await build({ configFile: project.config, offline: true });
    expect(r.status).toBe('environment-error');
    expect(errorsOf(r).map((d) => d.code).sort()).toEqual(['release.package-malformed', 'version.previous-unreadable']);
    expect(r.tarball).toBeUndefined();
  });

  test('the majors of one profile built side by side must constrain the same type', async () => {
    const slot = source('profiles/StructureDefinition-GPConnect-Slot-1.xml').replace(/GPConnect-Slot-1"/g, 'CareConnect-GPC-Patient-2"');
    const r = await build({ configFile: tempProject({ 'profiles/StructureDefinition-CareConnect-GPC-Patient-2.xml': slot }).config, offline: true });
    const errors = errorsOf(r).filter((d) => d.code === 'version.majors-same-type');
    expect(errors.map((d) => d.message)).toEqual(['CareConnect-GPC-Patient-2 constrains Slot but CareConnect-GPC-Patient-1, another major version of it, constrains Patient']);
  });

  test('id and name of a profile carry the same major version', async () => {
    const mismatched = source(PATIENT).replace('<name value="CareConnect-GPC-Patient-1"/>', '<name value="CareConnect-GPC-Patient-2"/>');
    const r = await build({ configFile: tempProject({ [PATIENT]: mismatched }).config, offline: true });
    expect(errorsOf(r).map((d) => `${d.code} ${d.path}`)).toContain('profile.major-version-mismatch StructureDefinition.name');
  });
});

