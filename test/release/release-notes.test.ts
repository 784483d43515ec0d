import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { parseChangesFile } from '../../scripts/release/changes-file.js';
import { diffPackages } from '../../scripts/release/diff.js';
import { releaseNotes } from '../../scripts/release/release-notes.js';
import { nhsAssetsDir, projectRoot } from '../helpers/shared.js';
import { versionOf, versionWith } from './versions.js';

const ONLY = ['GPConnect-DeliveryChannel-1', 'GPConnect-PractitionerRole-1', 'CareConnect-HumanLanguage-1'];
const expectedFile = join(projectRoot, 'test', 'release', 'expected', 'release-notes-1.2.7.md');

/** Release notes of our terminology against the NHS corpus, with the project's changes.json. */
async function notes(): Promise<string> {
  const corpus = await versionOf(nhsAssetsDir, ONLY);
  const vs = await versionOf(join(projectRoot, 'valuesets'), ONLY);
  const cs = await versionOf(join(projectRoot, 'codesystems'), ONLY);
  const ours = versionWith('nhsdigital.gpconnect.stu3#1.2.7', [...cs.resources, ...vs.resources], '1.2.7');
  const diagnostics = new Diagnostics();
  const changes = parseChangesFile(readFileSync(join(projectRoot, 'changes.json'), 'utf8'), 'changes.json', diagnostics);
  expect(diagnostics.sorted()).toEqual([]);
  return releaseNotes({ diff: diffPackages({ ...corpus, label: 'NHS corpus' }, ours), changes, title: 'GP Connect API' });
}

describe('release notes', () => {
  test('match the expected Markdown (sections per area, tickets, affects, impacts, artefacts changed, untitled leftovers)', async () => {
    const text = await notes();
    if (process.env.UPDATE_EXPECTED === '1') writeFileSync(expectedFile, text);
    expect(text).toBe(readFileSync(expectedFile, 'utf8'));
  });

  test('are deterministic', async () => {
    expect(await notes()).toBe(await notes());
  });

  test('the changes file: every ticket of the 1.2.7 release notes, each in its area', () => {
    const diagnostics = new Diagnostics();
    const changes = parseChangesFile(readFileSync(join(projectRoot, 'changes.json'), 'utf8'), 'changes.json', diagnostics);
    expect(changes?.areas).toEqual(['Core', 'Foundations', 'Appointment Management']);
    expect(changes?.changes.flatMap((c) => c.tickets).sort((a, b) => a - b)).toEqual([636, 658, 661, 697, 826, 837, 847, 886, 890, 892, 905, 910]);
  });

  test('without a changes file every change found is listed, untitled', async () => {
    const corpus = await versionOf(nhsAssetsDir, ['GPConnect-DeliveryChannel-1']);
    const ours = await versionOf(join(projectRoot, 'codesystems'), ['GPConnect-DeliveryChannel-1']);
    const text = releaseNotes({ diff: diffPackages({ ...corpus, label: 'NHS corpus' }, { ...ours, version: '1.2.7', label: 'ours' }) });
    expect(text).toMatch(/^# Package 1\.2\.7 release notes #\n/);
    expect(text).toMatch(/## Other changes ##[\s\S]*### CodeSystem GPConnect-DeliveryChannel-1 \*\(untitled\)\* ###\n\n\*\*Change:\*\* changed, minor\n\n- \[GPConnect-DeliveryChannel-1\]\(https:\/\/fhir\.nhs\.uk\/STU3\/CodeSystem\/GPConnect-DeliveryChannel-1\)\n {2}- minor: code added: Visit "Visit"/);
    expect(text).toMatch(/### ValueSet GPConnect-DeliveryChannel-1 \*\(untitled\)\* ###\n\n\*\*Change:\*\* removed, breaking/);
  });

  test('a bad changes file is a diagnostic naming the file and the path', () => {
    const diagnostics = new Diagnostics();
    parseChangesFile('{"areas": ["Core"], "changes": [{"title": "x", "area": "Elsewhere", "tickets": [1]}]}', 'changes.json', diagnostics);
    expect(diagnostics.sorted().map((d) => `${d.file} ${d.path} ${d.message}`)).toEqual(["changes.json changes[0].area the area of 'x' must be one of the areas (Core)"]);
  });
});
