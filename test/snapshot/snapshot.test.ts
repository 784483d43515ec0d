import type { StructureDefinition } from '../../scripts/model/fhir.js';
import { checkProfiles } from '../../scripts/check/check-profiles.js';
import { SnapshotGenerator } from '../../scripts/snapshot/generate.js';
import { canonical, coreContext, differentialProfile, snapshotElement } from '../helpers/context.js';

const SD = `${canonical}/StructureDefinition`;

const profile = differentialProfile;

const codingExtension = profile('Extension-Test-Channel-1', 'Extension', [
  { id: 'Extension', path: 'Extension', short: 'The channel', definition: 'How the appointment is delivered.', max: '1' },
  { id: 'Extension.url', path: 'Extension.url', fixedUri: `${SD}/Extension-Test-Channel-1` },
  { id: 'Extension.value[x]:valueCoding', path: 'Extension.valueCoding', sliceName: 'valueCoding', min: 1, type: [{ code: 'Coding' }], binding: { strength: 'required', valueSetReference: { reference: 'http://hl7.org/fhir/ValueSet/appointmentstatus' } } },
]);

const complexExtension = profile('Extension-Test-Registration-1', 'Extension', [
  { id: 'Extension', path: 'Extension', short: 'Registration' },
  { id: 'Extension.extension', path: 'Extension.extension', slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'closed' } },
  { id: 'Extension.extension:period', path: 'Extension.extension', sliceName: 'period', max: '1' },
  { id: 'Extension.extension:period.url', path: 'Extension.extension.url', fixedUri: 'period' },
  { id: 'Extension.extension:period.valuePeriod', path: 'Extension.extension.valuePeriod', type: [{ code: 'Period' }] },
  { id: 'Extension.url', path: 'Extension.url', fixedUri: `${SD}/Extension-Test-Registration-1` },
  { id: 'Extension.value[x]', path: 'Extension.value[x]', max: '0' },
]);

function ids(sd: StructureDefinition | undefined): string[] {
  return (sd?.snapshot?.element ?? []).map((e) => e.id as string);
}
const el = snapshotElement;

describe('snapshot generation', () => {
  const appointment = profile('Test-Appointment-1', 'Appointment', [
    { id: 'Appointment.extension', path: 'Appointment.extension' },
    { id: 'Appointment.extension:channel', path: 'Appointment.extension', sliceName: 'channel', type: [{ code: 'Extension', profile: `${SD}/Extension-Test-Channel-1` }] },
    { id: 'Appointment.extension:registration', path: 'Appointment.extension', sliceName: 'registration', type: [{ code: 'Extension', profile: `${SD}/Extension-Test-Registration-1` }] },
    { id: 'Appointment.extension:registration.extension:period.valuePeriod.start', path: 'Appointment.extension.extension.valuePeriod.start', min: 1 },
    { id: 'Appointment.identifier', path: 'Appointment.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
    { id: 'Appointment.identifier:b', path: 'Appointment.identifier', sliceName: 'b', max: '1' },
    { id: 'Appointment.identifier:a', path: 'Appointment.identifier', sliceName: 'a', max: '1' },
    { id: 'Appointment.identifier:a.system', path: 'Appointment.identifier.system', min: 1, fixedUri: 'https://a' },
    { id: 'Appointment.identifier.value', path: 'Appointment.identifier.value', min: 1 },
    { id: 'Appointment.status', path: 'Appointment.status', short: 'Status', mustSupport: true, constraint: [{ key: 'test-1', severity: 'error', human: 'h', expression: 'true' }] },
    { id: 'Appointment.start', path: 'Appointment.start', min: 1 },
    { id: 'Appointment.participant.actor', path: 'Appointment.participant.actor', type: [{ code: 'Reference', targetProfile: 'http://hl7.org/fhir/StructureDefinition/Patient' }] },
  ]);
  const ctx = coreContext([codingExtension, complexExtension, appointment]);
  const gen = new SnapshotGenerator(ctx);
  const result = gen.generate(appointment);
  const snap = result?.profile;

  test('no diagnostics for a valid profile', () => {
    expect(ctx.diagnostics.all).toEqual([]);
  });

  test('order follows the base; slices follow their entry in differential order, each with its children', () => {
    const all = ids(snap);
    const at = (id: string) => all.indexOf(id);
    expect(at('Appointment.identifier')).toBeLessThan(at('Appointment.identifier.value'));
    expect(at('Appointment.identifier.value')).toBeLessThan(at('Appointment.identifier:b'));
    expect(at('Appointment.identifier:b')).toBeLessThan(at('Appointment.identifier:a'));
    expect(at('Appointment.identifier:a')).toBeLessThan(at('Appointment.identifier:a.system'));
    expect(at('Appointment.identifier:a.system')).toBeLessThan(at('Appointment.status'));
    expect(at('Appointment.extension:channel')).toBeLessThan(at('Appointment.extension:registration'));
    expect(at('Appointment.modifierExtension')).toBeGreaterThan(at('Appointment.extension:registration.extension:period.valuePeriod.start'));
  });

  test('slice entries carry slicing with defaults; extensions slice by url', () => {
    expect(el(snap, 'Appointment.extension').slicing).toMatchObject({ discriminator: [{ type: 'value', path: 'url' }], rules: 'open', ordered: false });
    expect(el(snap, 'Appointment.participant.modifierExtension').slicing).toBeUndefined();
    expect(el(snap, 'Appointment.identifier').slicing).toEqual({ discriminator: [{ type: 'value', path: 'system' }], rules: 'open', ordered: false });
    expect(el(snap, 'Appointment.identifier:a').slicing).toBeUndefined();
  });

  test('slice children start from the base type, not from the constrained entry', () => {
    expect(el(snap, 'Appointment.identifier.value').min).toBe(1);
    expect(el(snap, 'Appointment.identifier:a.system')).toMatchObject({ min: 1, fixedUri: 'https://a', base: { path: 'Identifier.system', min: 0, max: '1' } });
  });

  test('base points at the original definition', () => {
    expect(el(snap, 'Appointment.extension:channel').base).toEqual({ path: 'DomainResource.extension', min: 0, max: '*' });
    expect(el(snap, 'Appointment.status').base).toEqual({ path: 'Appointment.status', min: 1, max: '1' });
  });

  test('an extension slice takes text and cardinality from its definition', () => {
    expect(el(snap, 'Appointment.extension:channel')).toMatchObject({ short: 'The channel', max: '1', sliceName: 'channel' });
  });

  test('nested complex extensions unfold from the extension definition', () => {
    expect(el(snap, 'Appointment.extension:registration.extension:period.url').fixedUri).toBe('period');
    expect(el(snap, 'Appointment.extension:registration.extension:period.valuePeriod.start')).toMatchObject({ min: 1, path: 'Appointment.extension.extension.valuePeriod.start' });
  });

  test('merge rules: text replaced, constraints appended with source, mustSupport set', () => {
    const status = el(snap, 'Appointment.status');
    expect(status.short).toBe('Status');
    expect(status.mustSupport).toBe(true);
    const before = result?.trace.find((t) => t.id === 'Appointment.status')?.base?.constraint ?? [];
    expect(status.constraint?.map((c) => c.key)).toEqual([...before.map((c) => c.key), 'test-1']);
    expect(status.constraint?.find((c) => c.key === 'test-1')?.source).toBe(appointment.url);
  });

  test('backbone children and target profiles', () => {
    expect(el(snap, 'Appointment.participant.actor').type).toEqual([{ code: 'Reference', targetProfile: 'http://hl7.org/fhir/StructureDefinition/Patient' }]);
  });

  test('a choice restricted to one type keeps the id form of the differential', () => {
    const ext = gen.resolve(`${SD}/Extension-Test-Channel-1`);
    expect(ids(ext)).toEqual(['Extension', 'Extension.id', 'Extension.extension', 'Extension.url', 'Extension.value[x]:valueCoding']);
    expect(el(ext, 'Extension.value[x]:valueCoding')).toMatchObject({ path: 'Extension.valueCoding', min: 1, type: [{ code: 'Coding' }], base: { path: 'Extension.value[x]' } });
  });

  test('inherited closed slicing never loosens', () => {
    const derived = profile('Test-Registration-Derived-1', 'Extension', [{ id: 'Extension.extension', path: 'Extension.extension', slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' } }], `${SD}/Extension-Test-Registration-1`);
    const c = coreContext([complexExtension, derived]);
    const result = new SnapshotGenerator(c).generate(derived);
    expect(el(result?.profile, 'Extension.extension').slicing?.rules).toBe('closed');
    checkProfiles(result ? [result] : [], c, { canonical });
    expect(c.diagnostics.all.map((d) => d.code)).toContain('profile.slicing-loosened');
  });

  test('a profile on a project profile keeps its base slices', () => {
    const derived = profile('Test-Appointment-Derived-1', 'Appointment', [{ id: 'Appointment.identifier:a.value', path: 'Appointment.identifier.value', min: 1 }], appointment.url);
    const c = coreContext([codingExtension, complexExtension, appointment, derived]);
    const s = new SnapshotGenerator(c).generate(derived)?.profile;
    expect(el(s, 'Appointment.identifier:a.value').min).toBe(1);
    expect(el(s, 'Appointment.identifier:a.system').fixedUri).toBe('https://a');
    expect(c.diagnostics.all).toEqual([]);
  });

  test('contentReference unfolds only when constrained', () => {
    const q = profile('Test-Questionnaire-1', 'Questionnaire', [{ id: 'Questionnaire.item.item.linkId', path: 'Questionnaire.item.item.linkId', short: 'nested' }]);
    const c = coreContext([q]);
    const s = new SnapshotGenerator(c).generate(q)?.profile;
    expect(el(s, 'Questionnaire.item.item.linkId')).toMatchObject({ short: 'nested', base: { path: 'Questionnaire.item.linkId' } });
    expect(ids(s)).not.toContain('Questionnaire.item.item.item.linkId');
    expect(el(s, 'Questionnaire.item.item.item').contentReference).toBe('#Questionnaire.item');
  });

  test('a differential element that matches nothing is an error, never dropped silently', () => {
    const bad = profile('Test-Bad-1', 'Slot', [{ id: 'Slot.nosuch', path: 'Slot.nosuch', min: 1 }]);
    const c = coreContext([bad]);
    new SnapshotGenerator(c).generate(bad);
    expect(c.diagnostics.all).toEqual([expect.objectContaining({ severity: 'error', code: 'snapshot.unmatched-element', path: 'StructureDefinition.differential.element[0]' })]);
  });

  test('a reslice follows its slice and starts from it', () => {
    const resliced = profile('Test-Reslice-1', 'Slot', [
      { id: 'Slot.identifier', path: 'Slot.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
      { id: 'Slot.identifier:local', path: 'Slot.identifier', sliceName: 'local', slicing: { discriminator: [{ type: 'value', path: 'value' }], rules: 'open' } },
      { id: 'Slot.identifier:local.system', path: 'Slot.identifier.system', min: 1 },
      { id: 'Slot.identifier:other', path: 'Slot.identifier', sliceName: 'other' },
      { id: 'Slot.identifier:local/special', path: 'Slot.identifier', sliceName: 'local/special', max: '1' },
    ]);
    const c = coreContext([resliced]);
    const s = new SnapshotGenerator(c).generate(resliced)?.profile;
    const all = ids(s);
    expect(all.indexOf('Slot.identifier:local/special')).toBe(all.indexOf('Slot.identifier:local.assigner') + 1);
    expect(all.indexOf('Slot.identifier:other')).toBeGreaterThan(all.indexOf('Slot.identifier:local/special'));
    expect(el(s, 'Slot.identifier:local/special')).toMatchObject({ sliceName: 'local/special', max: '1' });
    expect(el(s, 'Slot.identifier:local/special').slicing).toBeUndefined();
    expect(c.diagnostics.all).toEqual([]);
  });

  test('differential elements without ids get ids from path and slice context', () => {
    const noIds = profile('Test-NoIds-1', 'Slot', [
      { path: 'Slot.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
      { path: 'Slot.identifier', sliceName: 'local' },
      { path: 'Slot.identifier.system', min: 1 },
    ]);
    const c = coreContext([noIds]);
    const s = new SnapshotGenerator(c).generate(noIds)?.profile;
    expect(el(s, 'Slot.identifier:local.system').min).toBe(1);
    expect(el(s, 'Slot.identifier').min).toBe(0);
  });
});
