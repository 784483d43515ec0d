/** Release workflow pieces without a build: release levels, the level a diff needs, the changes file against the diff, constraints in diff. */
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import type { ElementDefinition, StructureDefinition } from '../../scripts/model/fhir.js';
import type { PackageDiff, ResourceDiff } from '../../scripts/release/changes.js';
import { checkChangesFile } from '../../scripts/release/changes-check.js';
import { parseChangesFile } from '../../scripts/release/changes-file.js';
import { diffPackages } from '../../scripts/release/diff.js';
import { releaseNotes } from '../../scripts/release/release-notes.js';
import { neededLevel, nextVersion, releaseLevel } from '../../scripts/release/version-rules.js';
import { versionWith } from '../release/versions.js';

describe('release levels (semantic versioning; 0.y.z counts one level up)', () => {
  test.each([
    ['1.2.7', '1.2.8', 'patch'],
    ['1.2.7', '1.3.0', 'minor'],
    ['1.2.7', '2.0.0', 'major'],
    ['1.2.7', '1.2.7', 'none'],
    ['1.2.7', '1.2.6', 'none'],
    ['1.2.7', '1.3.0-beta.1', 'minor'],
    ['1.3.0-beta.1', '1.3.0-beta.2', 'minor'],
    ['1.3.0-rc.1', '1.3.0', 'minor'],
    ['2.0.0-alpha.1', '2.0.0-beta.1', 'major'],
    ['1.2.8-rc.1', '1.2.8', 'patch'],
    ['0.1.0', '0.1.1', 'minor'],
    ['0.1.0', '0.2.0', 'major'],
    ['0.1.0', '1.0.0', 'major'],
  ])('%s -> %s is %s', (before, after, level) => {
    expect(releaseLevel(before, after)).toBe(level);
  });

  test.each([
    ['1.2.7', 'minor', '1.3.0'],
    ['1.2.7', 'major', '2.0.0'],
    ['1.2.7', 'patch', '1.2.8'],
    ['0.1.0', 'major', '0.2.0'],
    ['0.1.0', 'minor', '0.1.1'],
  ] as const)('the smallest %s release after %s is %s', (before, level, next) => {
    expect(nextVersion(before, level)).toBe(next);
  });
});

const diffOf = (resources: Array<Partial<ResourceDiff>>): PackageDiff => ({
  old: { label: 'x#1.0.0', version: '1.0.0' },
  new: { label: 'x#1.0.1', version: '1.0.1' },
  resources: resources.map((r) => ({ resourceType: 'ValueSet', id: 'a', url: 'u', status: 'changed', level: 'patch', unversionedBreaking: false, changes: [], ...r })),
  level: 'minor',
  unversionedBreaking: 0,
  suggestedBump: 'minor',
});

describe('the release level a diff needs', () => {
  test('an addition or a code added needs minor; text patch; a removal or breaking change major', () => {
    expect(neededLevel(diffOf([{ status: 'changed', level: 'patch', changes: [{ level: 'patch', code: 'element.text-changed', message: 'text changed: short' }] }]), false)).toEqual({ level: 'patch', reasons: ['ValueSet a: text changed: short'] });
    const added = neededLevel(diffOf([{ resourceType: 'StructureDefinition', id: 'p', status: 'added', level: 'minor' }, { status: 'changed', level: 'minor', changes: [{ level: 'minor', code: 'valueset.code-added', path: 'Visit', message: 'code added: Visit' }] }]), false);
    expect(added).toEqual({ level: 'minor', reasons: ['StructureDefinition p added', 'ValueSet a: Visit: code added: Visit'] });
    expect(neededLevel(diffOf([{ status: 'removed', level: 'breaking' }]), false).level).toBe('major');
    const breaking = diffOf([{ status: 'changed', level: 'breaking', unversionedBreaking: true, changes: [{ level: 'breaking', code: 'element.min-raised', path: 'Patient.birthDate', message: 'min raised 0 -> 1' }] }]);
    expect(neededLevel(breaking, false).level).toBe('major');
    // under GP Connect's convention the breaking change is reported as needing a new -N profile instead
    expect(neededLevel(breaking, true).level).toBe('minor');
  });
});

describe('the changes file against the diff', () => {
  const diff = diffOf([
    { resourceType: 'ValueSet', id: 'colours', status: 'changed', level: 'minor', changes: [{ level: 'minor', code: 'valueset.code-added', path: 'teal', message: 'code added: teal' }] },
    { resourceType: 'CodeSystem', id: 'colours', status: 'changed', level: 'minor', changes: [{ level: 'minor', code: 'codesystem.code-added', path: 'teal', message: 'code added: teal' }] },
  ]);
  const text = JSON.stringify({ release: '1.0.0', areas: ['Core'], changes: [{ title: 'Teal', tickets: [7], area: 'Core', resources: ['ValueSet/colours', 'StructureDefinition/patient'] }] }, null, 2);

  test('another release, an entry naming an unchanged artefact, a change no entry names: each a finding with its line', () => {
    const diagnostics = new Diagnostics();
    const changes = parseChangesFile(text, 'changes.json', diagnostics);
    if (!changes) throw new Error('unreadable');
    checkChangesFile({ diff, changes, file: 'changes.json', version: '1.0.1', compared: new Set(['ValueSet/colours', 'CodeSystem/colours', 'StructureDefinition/patient']), partial: false, diagnostics });
    expect(diagnostics.sorted().map((d) => `${d.severity} ${d.code} ${d.line ?? ''} ${d.path ?? ''}`)).toEqual([
      'warning release.change-without-entry  ',
      'error release.changes-version 2 release',
      'warning release.entry-without-change 15 changes[0].resources[1]',
    ]);
    expect(diagnostics.sorted()[1]?.message).toBe('the changes file is for release 1.0.0 but the package is 1.0.1: write the entries of 1.0.1 (and set "release": "1.0.1")');
  });

  test('the notes take the version from the package and list value sets and code systems apart from profiles', () => {
    const changes = parseChangesFile(text.replace('"StructureDefinition/patient"', '"CodeSystem/colours"'), 'changes.json', new Diagnostics());
    const notes = releaseNotes({ diff, changes });
    expect(notes).toMatch(/^# Package 1\.0\.1 release notes #/);
    expect(notes).toContain('**Value sets changed:**\n\n- [colours](u) (ValueSet, minor)');
    expect(notes).toContain('**Code systems changed:**\n\n- [colours](u) (CodeSystem, minor)');
    expect(notes).not.toContain('Profiles changed');
  });
});

describe('diff: constraints matched on key and expression', () => {
  const element = (constraint: ElementDefinition['constraint']): ElementDefinition => ({ id: 'Patient', path: 'Patient', constraint });
  const profile = (constraint: ElementDefinition['constraint']): StructureDefinition => ({
    resourceType: 'StructureDefinition', id: 'p', url: 'https://example.org/StructureDefinition/p', name: 'P', kind: 'resource', abstract: false, type: 'Patient',
    snapshot: { element: [element(constraint)] },
  });
  const changes = (before: ElementDefinition['constraint'], after: ElementDefinition['constraint']) =>
    diffPackages(versionWith('old', [profile(before)]), versionWith('new', [profile(after)])).resources.flatMap((r) => r.changes.map((c) => `${c.level} ${c.code}: ${c.message}`));
  const dom1 = { key: 'dom-1', severity: 'error' as const, human: 'no nested narrative', expression: 'contained.text.empty()' };
  const own = { key: 'clinic-1', severity: 'error' as const, human: 'a name or an identifier', expression: 'name.exists() or identifier.exists()' };

  test("a snapshot without constraint sources (Forge) against one with them: the core's invariants are not changes", () => {
    expect(changes([dom1, own], [{ ...dom1, source: 'DomainResource' }, { ...own, source: 'https://example.org/StructureDefinition/p' }])).toEqual([]);
  });

  test('a core invariant only one side lists is not a change; a profile invariant is', () => {
    expect(changes([{ ...dom1, source: 'http://hl7.org/fhir/StructureDefinition/DomainResource' }], [])).toEqual([]);
    expect(changes([own], [])).toEqual(['minor element.constraint-removed: constraint clinic-1 removed']);
  });

  test("the expression decides (layout aside), not the source", () => {
    expect(changes([own], [{ ...own, expression: 'name.exists()  or\n identifier.exists()' }])).toEqual([]);
    expect(changes([own], [{ ...own, expression: 'name.exists()' }])).toEqual(['breaking element.constraint-changed: constraint clinic-1 changed: name.exists() or identifier.exists() -> name.exists()']);
  });
});
