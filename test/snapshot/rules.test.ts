/**
 * The general rules of snapshot generation, each with a small differential written for the test and the
 * snapshot elements it must give: type profile vs target profile, choices renamed at any depth (under
 * slices, inside extensions, children under another id spelling than their parent), ids that do not fit
 * their path, bases from a dependency package, reslicing, slices inside slices, type-level constraints,
 * and the error for an element that matches nothing.
 */
import type { StageContext } from '../../scripts/context.js';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { SourceMap } from '../../scripts/diagnostics/source-map.js';
import type { ElementDefinition, StructureDefinition } from '../../scripts/model/fhir.js';
import { LayeredResolver, ResourceIndex } from '../../scripts/resolve/resolver.js';
import { SnapshotGenerator } from '../../scripts/snapshot/generate.js';
import { canonical, coreContext, differentialProfile, snapshotElement } from '../helpers/context.js';
import { coreIndex } from '../helpers/shared.js';

const CORE = 'http://hl7.org/fhir/StructureDefinition';

const profile = differentialProfile;

function generate(target: StructureDefinition, others: StructureDefinition[] = [], ctx: StageContext = coreContext([target, ...others])) {
  const result = new SnapshotGenerator(ctx).generate(target);
  return { ctx, snap: result?.profile, result };
}

const el = snapshotElement;
const ids = (sd: StructureDefinition | undefined) => (sd?.snapshot?.element ?? []).map((e) => e.id as string);
const keys = (e: ElementDefinition) => (e.constraint ?? []).map((c) => c.key);

describe('type profile and target profile', () => {
  const patient = profile('Test-Patient-1', 'Patient', [
    { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
    { id: 'Patient.identifier:nhs', path: 'Patient.identifier', sliceName: 'nhs', max: '1' },
  ]);

  test.each([
    ['targetProfile', { code: 'Reference', targetProfile: patient.url }],
    ['profile (a target profile misplaced, as some Forge versions write it)', { code: 'Reference', profile: patient.url }],
  ])('a Reference whose %s names a Patient profile unfolds the Reference type, not the Patient', (_what, type) => {
    const condition = profile('Test-Condition-1', 'Condition', [
      { id: 'Condition.subject', path: 'Condition.subject', type: [type] },
      { id: 'Condition.subject.reference', path: 'Condition.subject.reference', min: 1 },
    ]);
    const { ctx, snap } = generate(condition, [patient]);
    expect(ctx.diagnostics.all.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ids(snap).filter((i) => i.startsWith('Condition.subject.'))).toEqual(['Condition.subject.id', 'Condition.subject.extension', 'Condition.subject.reference', 'Condition.subject.identifier', 'Condition.subject.display']);
    expect(el(snap, 'Condition.subject.reference')).toMatchObject({ min: 1, base: { path: 'Reference.reference' } });
    // The Patient profile's root rules (dom-*) are not carried into the reference either.
    expect(keys(el(snap, 'Condition.subject'))).toEqual(['ele-1', 'ref-1']);
  });

  test('an extension slice unfolds from its extension definition (a type profile of Extension)', () => {
    const ext = profile('Extension-Test-Flag-1', 'Extension', [{ id: 'Extension.value[x]:valueBoolean', path: 'Extension.valueBoolean', sliceName: 'valueBoolean', type: [{ code: 'boolean' }] }]);
    const p = profile('Test-Slot-1', 'Slot', [
      { id: 'Slot.extension:flag', path: 'Slot.extension', sliceName: 'flag', type: [{ code: 'Extension', profile: ext.url }] },
      { id: 'Slot.extension:flag.value[x]:valueBoolean', path: 'Slot.extension.valueBoolean', sliceName: 'valueBoolean', min: 1 },
    ]);
    const { ctx, snap } = generate(p, [ext]);
    expect(ctx.diagnostics.all).toEqual([]);
    expect(el(snap, 'Slot.extension:flag.value[x]:valueBoolean')).toMatchObject({ min: 1, type: [{ code: 'boolean' }] });
    expect(el(snap, 'Slot.extension:flag.url').fixedUri).toBeUndefined(); // the extension's own differential fixes nothing here
  });
});

describe('choices renamed to one type, at any depth', () => {
  test("children may use another spelling than their parent (Forge's valueX:valueX beside value[x]:valueX)", () => {
    const ext = profile('Extension-Test-Code-1', 'Extension', [
      { id: 'Extension.value[x]:valueCodeableConcept', path: 'Extension.valueCodeableConcept', sliceName: 'valueCodeableConcept', min: 1, type: [{ code: 'CodeableConcept' }] },
      { id: 'Extension.valueCodeableConcept:valueCodeableConcept.coding', path: 'Extension.valueCodeableConcept.coding', min: 1, max: '1' },
      { id: 'Extension.value[x]:valueCodeableConcept.coding.system', path: 'Extension.valueCodeableConcept.coding.system', min: 1 },
      { id: 'Extension.valueCodeableConcept.coding.code', path: 'Extension.valueCodeableConcept.coding.code', min: 1 },
    ]);
    const { ctx, snap } = generate(ext);
    expect(ctx.diagnostics.all).toEqual([]);
    expect(ids(snap).filter((i) => i.includes('value'))).toEqual([
      'Extension.value[x]:valueCodeableConcept',
      'Extension.value[x]:valueCodeableConcept.id',
      'Extension.value[x]:valueCodeableConcept.extension',
      'Extension.value[x]:valueCodeableConcept.coding',
      'Extension.value[x]:valueCodeableConcept.coding.id',
      'Extension.value[x]:valueCodeableConcept.coding.extension',
      'Extension.value[x]:valueCodeableConcept.coding.system',
      'Extension.value[x]:valueCodeableConcept.coding.version',
      'Extension.value[x]:valueCodeableConcept.coding.code',
      'Extension.value[x]:valueCodeableConcept.coding.display',
      'Extension.value[x]:valueCodeableConcept.coding.userSelected',
      'Extension.value[x]:valueCodeableConcept.text',
    ]);
    expect(el(snap, 'Extension.value[x]:valueCodeableConcept.coding')).toMatchObject({ min: 1, max: '1', path: 'Extension.valueCodeableConcept.coding' });
    expect(el(snap, 'Extension.value[x]:valueCodeableConcept.coding.system').min).toBe(1);
    expect(el(snap, 'Extension.value[x]:valueCodeableConcept.coding.code').min).toBe(1);
  });

  test('a choice under a slice of a backbone element, with an extension inside it', () => {
    const qr = profile('Test-QuestionnaireResponse-1', 'QuestionnaireResponse', [
      { id: 'QuestionnaireResponse.item', path: 'QuestionnaireResponse.item', slicing: { discriminator: [{ type: 'value', path: 'linkId' }], rules: 'open' } },
      { id: 'QuestionnaireResponse.item:q1', path: 'QuestionnaireResponse.item', sliceName: 'q1', max: '1' },
      { id: 'QuestionnaireResponse.item:q1.answer.value[x]:valueCoding', path: 'QuestionnaireResponse.item.answer.valueCoding', sliceName: 'valueCoding' },
      { id: 'QuestionnaireResponse.item:q1.answer.value[x]:valueCoding.extension', path: 'QuestionnaireResponse.item.answer.valueCoding.extension', max: '0' },
      { id: 'QuestionnaireResponse.item:q1.answer.valueCoding:valueCoding.code', path: 'QuestionnaireResponse.item.answer.valueCoding.code', min: 1 },
    ]);
    const { ctx, snap } = generate(qr);
    expect(ctx.diagnostics.all).toEqual([]);
    expect(el(snap, 'QuestionnaireResponse.item:q1.answer.value[x]:valueCoding')).toMatchObject({ path: 'QuestionnaireResponse.item.answer.valueCoding', type: [{ code: 'Coding' }] });
    expect(el(snap, 'QuestionnaireResponse.item:q1.answer.value[x]:valueCoding.extension').max).toBe('0');
    expect(el(snap, 'QuestionnaireResponse.item:q1.answer.value[x]:valueCoding.code').min).toBe(1);
    // The unsliced item keeps its choice unrenamed.
    expect(ids(snap)).not.toContain('QuestionnaireResponse.item.answer.value[x]:valueCoding');
  });

  test('inside a complex extension, and with the path left at value[x] as some Forge versions write it', () => {
    const ext = profile('Extension-Test-Pair-1', 'Extension', [
      { id: 'Extension.extension:kind', path: 'Extension.extension', sliceName: 'kind' },
      { id: 'Extension.extension:kind.url', path: 'Extension.extension.url', fixedUri: 'kind' },
      { id: 'Extension.extension:kind.valueCodeableConcept:valueCodeableConcept', path: 'Extension.extension.valueCodeableConcept', sliceName: 'valueCodeableConcept', type: [{ code: 'CodeableConcept' }] },
      { id: 'Extension.extension:kind.valueCodeableConcept:valueCodeableConcept.coding.system', path: 'Extension.extension.valueCodeableConcept.coding.system', min: 1 },
      { id: 'Extension.extension:when', path: 'Extension.extension', sliceName: 'when' },
      { id: 'Extension.extension:when.value[x]:valueDateTime', path: 'Extension.extension.value[x]', sliceName: 'valueDateTime', type: [{ code: 'dateTime' }] },
      { id: 'Extension.value[x]', path: 'Extension.value[x]', max: '0' },
    ]);
    const { ctx, snap } = generate(ext);
    expect(ctx.diagnostics.all).toEqual([]);
    expect(el(snap, 'Extension.extension:kind.valueCodeableConcept:valueCodeableConcept.coding.system').min).toBe(1);
    expect(el(snap, 'Extension.extension:when.value[x]:valueDateTime')).toMatchObject({ path: 'Extension.extension.value[x]', type: [{ code: 'dateTime' }] });
    expect(ids(snap)).not.toContain('Extension.extension:when.value[x]');
  });
});

describe('differential ids that do not fit their path', () => {
  test('are matched by path, with a warning on the id', () => {
    const consent = profile('Test-Consent-1', 'Consent', [{ id: 'patient.reference', path: 'Consent.patient.reference', min: 1 }]);
    const ctx = coreContext([consent]);
    const at = { file: 'Test-Consent-1.xml', line: 12 };
    const elements = consent.differential?.element ?? [];
    ctx.sources.record(elements[0], at);
    const { snap } = generate(consent, [], ctx);
    expect(el(snap, 'Consent.patient.reference').min).toBe(1);
    expect(ctx.diagnostics.all).toEqual([expect.objectContaining({ severity: 'warning', code: 'snapshot.id-not-path', file: 'Test-Consent-1.xml', line: 12, path: 'StructureDefinition.differential.element[0].id' })]);
  });
});

describe('a root named with a slice (STU3 SimpleQuantity names its root Quantity:simplequantity)', () => {
  // A root occurs once and is never sliced: the slice is a label of the root, kept in every snapshot id.
  const labelled = (elements: ElementDefinition[]) => profile('Test-Quantity-1', 'Quantity', [{ id: 'Quantity:simple', path: 'Quantity', sliceName: 'Simple' }, ...elements]);

  test('is kept as a label in every id, with an information diagnostic on the id', () => {
    const sd = labelled([{ id: 'Quantity:simple.comparator', path: 'Quantity.comparator', max: '0' }]);
    const { ctx, snap } = generate(sd);
    expect(ids(snap)).toEqual(['Quantity:simple', 'Quantity:simple.id', 'Quantity:simple.extension', 'Quantity:simple.value', 'Quantity:simple.comparator', 'Quantity:simple.unit', 'Quantity:simple.system', 'Quantity:simple.code']);
    expect(snap?.snapshot?.element[0]).toMatchObject({ path: 'Quantity', sliceName: 'Simple' });
    expect(el(snap, 'Quantity:simple.comparator')).toMatchObject({ path: 'Quantity.comparator', max: '0' });
    expect(ctx.diagnostics.all).toEqual([expect.objectContaining({ severity: 'information', code: 'snapshot.root-label', path: 'StructureDefinition.differential.element[0].id' })]);
  });

  test('an id without the label still names the labelled root; an id with another label matches nothing', () => {
    const sd = labelled([
      { id: 'Quantity.unit', path: 'Quantity.unit', min: 1 },
      { id: 'Quantity:other.code', path: 'Quantity.code', min: 1 },
    ]);
    const { ctx, snap } = generate(sd);
    expect(el(snap, 'Quantity:simple.unit').min).toBe(1);
    expect(el(snap, 'Quantity:simple.code').min).toBe(0);
    expect(ctx.diagnostics.all.map((d) => `${d.severity} ${d.code}`)).toEqual(['information snapshot.root-label', 'error snapshot.unmatched-element']);
  });

  test('a profile on a labelled profile (on SimpleQuantity) keeps the base’s label; its ids may leave it out', () => {
    const derived = profile('Test-Quantity-2', 'Quantity', [{ id: 'Quantity.value', path: 'Quantity.value', min: 1 }], `${CORE}/SimpleQuantity`);
    const { ctx, snap } = generate(derived);
    expect(ctx.diagnostics.all).toEqual([]);
    expect(el(snap, 'Quantity:simplequantity.value').min).toBe(1);
    expect(el(snap, 'Quantity:simplequantity.comparator').max).toBe('0');
  });
});

describe('a base profile from a dependency package', () => {
  // A package profile with a generated snapshot: a slice, a renamed choice, and an extension slice.
  const packaged = profile('Dep-Observation-1', 'Observation', [
    { id: 'Observation.identifier', path: 'Observation.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
    { id: 'Observation.identifier:local', path: 'Observation.identifier', sliceName: 'local', max: '1' },
    { id: 'Observation.identifier:local.system', path: 'Observation.identifier.system', min: 1, fixedUri: 'https://dep.example/id' },
    { id: 'Observation.value[x]:valueQuantity', path: 'Observation.valueQuantity', sliceName: 'valueQuantity', type: [{ code: 'Quantity' }] },
  ]);
  packaged.url = 'https://dep.example/StructureDefinition/Dep-Observation-1';

  function dependencyContext(project: StructureDefinition[], pkg: StructureDefinition[]): StageContext {
    return { resolver: new LayeredResolver([new ResourceIndex(project), new ResourceIndex(pkg, 'dep.example#1.0.0'), coreIndex()], canonical), diagnostics: new Diagnostics(), sources: new SourceMap() };
  }

  test.each([
    ['with its snapshot', true],
    ['as a differential only (snapshotted first)', false],
  ])('keeps its slices and renamed choices, and their children can be constrained (%s)', (_what, withSnapshot) => {
    const pkg = withSnapshot ? (generate(packaged).snap as StructureDefinition) : packaged;
    const derived = profile('Test-Observation-1', 'Observation', [
      { id: 'Observation.identifier:local.value', path: 'Observation.identifier.value', min: 1 },
      { id: 'Observation.identifier:local/hospital', path: 'Observation.identifier', sliceName: 'local/hospital', max: '1' },
      { id: 'Observation.valueQuantity.unit', path: 'Observation.valueQuantity.unit', min: 1 },
      { id: 'Observation.value[x]:valueQuantity.system', path: 'Observation.valueQuantity.system', min: 1 },
    ], packaged.url);
    const ctx = dependencyContext([derived], [pkg]);
    const { snap } = generate(derived, [], ctx);
    expect(ctx.diagnostics.all).toEqual([]);
    expect(el(snap, 'Observation.identifier:local.system').fixedUri).toBe('https://dep.example/id');
    expect(el(snap, 'Observation.identifier:local.value').min).toBe(1);
    expect(el(snap, 'Observation.identifier:local/hospital')).toMatchObject({ sliceName: 'local/hospital', max: '1' });
    expect(el(snap, 'Observation.value[x]:valueQuantity.unit').min).toBe(1);
    expect(el(snap, 'Observation.value[x]:valueQuantity.system').min).toBe(1);
    expect(ids(snap)).not.toContain('Observation.value[x]');
  });

  test('a base snapshot that names a renamed choice by its path only (`Extension.valueCoding`) is matched under every spelling', () => {
    const base = generate(profile('Dep-Extension-1', 'Extension', [{ id: 'Extension.valueCoding', path: 'Extension.valueCoding', type: [{ code: 'Coding' }] }])).snap as StructureDefinition;
    expect(ids(base)).toContain('Extension.valueCoding');
    const derived = profile('Test-Extension-1', 'Extension', [{ id: 'Extension.value[x]:valueCoding.code', path: 'Extension.valueCoding.code', min: 1 }], base.url);
    const ctx = dependencyContext([derived], [base]);
    const { snap } = generate(derived, [], ctx);
    expect(ctx.diagnostics.all).toEqual([]);
    expect(el(snap, 'Extension.valueCoding.code').min).toBe(1);
  });
});

describe('slices', () => {
  test('slices inside a slice (a child of a slice sliced again), each starting from the base type', () => {
    const obs = profile('Test-Observation-2', 'Observation', [
      { id: 'Observation.component', path: 'Observation.component', slicing: { discriminator: [{ type: 'pattern', path: 'code' }], rules: 'open' } },
      { id: 'Observation.component:systolic', path: 'Observation.component', sliceName: 'systolic', min: 1, max: '1' },
      { id: 'Observation.component:systolic.code.coding', path: 'Observation.component.code.coding', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
      { id: 'Observation.component:systolic.code.coding:loinc', path: 'Observation.component.code.coding', sliceName: 'loinc', min: 1, max: '1' },
      { id: 'Observation.component:systolic.code.coding:loinc.system', path: 'Observation.component.code.coding.system', fixedUri: 'http://loinc.org' },
      { id: 'Observation.component:systolic.code.coding:snomed', path: 'Observation.component.code.coding', sliceName: 'snomed', max: '1' },
    ]);
    const { ctx, snap } = generate(obs);
    expect(ctx.diagnostics.all).toEqual([]);
    const all = ids(snap);
    const at = (i: string) => all.indexOf(i);
    expect(at('Observation.component:systolic.code.coding:loinc')).toBeGreaterThan(at('Observation.component:systolic.code.coding.userSelected'));
    expect(at('Observation.component:systolic.code.coding:snomed')).toBeGreaterThan(at('Observation.component:systolic.code.coding:loinc.userSelected'));
    expect(el(snap, 'Observation.component:systolic.code.coding').slicing).toMatchObject({ rules: 'open', ordered: false });
    expect(el(snap, 'Observation.component:systolic.code.coding:loinc.system').fixedUri).toBe('http://loinc.org');
    expect(el(snap, 'Observation.component:systolic.code.coding:snomed')).toMatchObject({ sliceName: 'snomed', max: '1', min: 0 });
    expect(all).not.toContain('Observation.component.code.coding:loinc');
  });

  test('a slice named like its element (`identifier:identifier`) stays a slice, not a choice spelling', () => {
    const composition = profile('Test-Composition-1', 'Composition', [
      { id: 'Composition.identifier', path: 'Composition.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
      { id: 'Composition.identifier:identifier', path: 'Composition.identifier', sliceName: 'identifier', min: 1 },
      { id: 'Composition.identifier:identifier.system', path: 'Composition.identifier.system', min: 1 },
    ]);
    const { ctx, snap } = generate(composition);
    expect(ctx.diagnostics.all).toEqual([]);
    expect(el(snap, 'Composition.identifier')).toMatchObject({ min: 0 });
    expect(el(snap, 'Composition.identifier').sliceName).toBeUndefined();
    expect(el(snap, 'Composition.identifier:identifier')).toMatchObject({ sliceName: 'identifier', min: 1 });
    expect(el(snap, 'Composition.identifier:identifier.system').min).toBe(1);
  });

  test('a reslice of a slice a base profile defines', () => {
    const base = profile('Test-Slot-Base-1', 'Slot', [
      { id: 'Slot.identifier', path: 'Slot.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
      { id: 'Slot.identifier:local', path: 'Slot.identifier', sliceName: 'local', max: '2' },
      { id: 'Slot.identifier:local.system', path: 'Slot.identifier.system', fixedUri: 'https://local' },
    ]);
    const derived = profile('Test-Slot-Derived-1', 'Slot', [
      { id: 'Slot.identifier:local', path: 'Slot.identifier', sliceName: 'local', slicing: { discriminator: [{ type: 'value', path: 'value' }], rules: 'closed' } },
      { id: 'Slot.identifier:local/main', path: 'Slot.identifier', sliceName: 'local/main', max: '1' },
      { id: 'Slot.identifier:local/main.value', path: 'Slot.identifier.value', min: 1 },
    ], base.url);
    const { ctx, snap } = generate(derived, [base]);
    expect(ctx.diagnostics.all).toEqual([]);
    expect(el(snap, 'Slot.identifier:local/main')).toMatchObject({ max: '1', sliceName: 'local/main' });
    // The reslice starts from its slice: the slice's fixed system holds in it.
    expect(el(snap, 'Slot.identifier:local/main.system').fixedUri).toBe('https://local');
    expect(el(snap, 'Slot.identifier:local/main.value').min).toBe(1);
    expect(el(snap, 'Slot.identifier:local').slicing?.rules).toBe('closed');
  });
});

describe('type-level constraints', () => {
  const slot = profile('Test-Slot-2', 'Slot', [
    { id: 'Slot.schedule', path: 'Slot.schedule', short: 'The schedule' },
    { id: 'Slot.comment', path: 'Slot.comment', max: '0' },
  ]);
  const { snap } = generate(slot);

  test("every typed element carries its type root's invariants along the type's derivation, with source, before its own", () => {
    expect(el(snap, 'Slot.schedule').constraint?.map((c) => [c.key, c.source])).toEqual([
      ['ele-1', 'Element'],
      ['ref-1', `${CORE}/Reference`],
    ]);
    expect(el(snap, 'Slot.schedule').condition).toEqual(['ele-1']);
    expect(keys(el(snap, 'Slot.comment'))).toEqual(['ele-1']);
    expect(keys(el(snap, 'Slot.identifier'))).toEqual(['ele-1']);
    // The root has no type: its own invariants only.
    expect(keys(el(snap, 'Slot'))).toEqual(['dom-2', 'dom-1', 'dom-4', 'dom-3']);
  });

  test('a choice carries only what all its types share, also once restricted to one type', () => {
    const obs = profile('Test-Observation-3', 'Observation', [
      { id: 'Observation.component.value[x]:valueQuantity', path: 'Observation.component.valueQuantity', sliceName: 'valueQuantity', type: [{ code: 'Quantity' }] },
      { id: 'Observation.component.value[x]:valueQuantity.system', path: 'Observation.component.valueQuantity.system', min: 1 },
    ]);
    const { snap } = generate(obs);
    expect(keys(el(snap, 'Observation.value[x]'))).toEqual(['ele-1']);
    expect(keys(el(snap, 'Observation.component.value[x]:valueQuantity'))).toEqual(['ele-1']);
    // Its children come from Quantity: qty-3 is Quantity's own, on the root only.
    expect(el(snap, 'Observation.component.value[x]:valueQuantity.system').condition).toEqual(['ele-1', 'qty-3']);
  });

  test('a profile on a profile adds nothing twice', () => {
    const derived = profile('Test-Slot-3', 'Slot', [{ id: 'Slot.schedule', path: 'Slot.schedule', short: 'Again' }], slot.url);
    const { snap: again } = generate(derived, [slot]);
    expect(keys(el(again, 'Slot.schedule'))).toEqual(['ele-1', 'ref-1']);
    expect(el(again, 'Slot.schedule').condition).toEqual(['ele-1']);
  });

  test('a primitive keeps the limits of the primitive it specialises (code.value is a string of at most 1MB)', () => {
    const p = profile('Test-Slot-4', 'Slot', [{ id: 'Slot.status.value', path: 'Slot.status.value', short: 'the code' }]);
    const { snap: s } = generate(p);
    expect(el(s, 'Slot.status.value').maxLength).toBe(1048576);
  });
});

describe('a differential element that matches nothing', () => {
  test('is an error with file, line, and the nearest element that exists', () => {
    const bad = profile('Test-Bad-2', 'Slot', [{ id: 'Slot.identifier.sytem', path: 'Slot.identifier.sytem', min: 1 }]);
    const ctx = coreContext([bad]);
    ctx.sources.record(bad.differential?.element[0] as ElementDefinition, { file: 'Test-Bad-2.xml', line: 30 });
    const { snap } = generate(bad, [], ctx);
    expect(ctx.diagnostics.all).toEqual([
      expect.objectContaining({ severity: 'error', code: 'snapshot.unmatched-element', file: 'Test-Bad-2.xml', line: 30, path: 'StructureDefinition.differential.element[0]' }),
    ]);
    expect(ctx.diagnostics.all[0].message).toMatch(/nearest element that exists is Slot\.identifier \(children: id, extension, use, type, system, value, period, assigner\)/);
    // The rest of the profile is still generated: the error does not stop the stage.
    expect(ids(snap)).toContain('Slot.identifier.system');
  });
});
