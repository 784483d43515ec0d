import { checkProfiles } from '../../scripts/check/check-profiles.js';
import type { ElementDefinition, StructureDefinition } from '../../scripts/model/fhir.js';
import { RulePolicy } from '../../scripts/diagnostics/policy.js';
import type { RuleSetting } from '../../scripts/diagnostics/rules.js';
import { SnapshotGenerator } from '../../scripts/snapshot/generate.js';
import { gpConnectRules } from '../build/project.js';
import { canonical, coreContext } from '../helpers/context.js';

/** The project's own (GP Connect) rule settings, or none (every rule at its default). */
const GP_CONNECT = gpConnectRules as Record<string, RuleSetting>;

function run(id: string, type: string, elements: ElementDefinition[], extra: Partial<StructureDefinition> = {}, rules: Record<string, RuleSetting> = GP_CONNECT) {
  const sd: StructureDefinition = {
    resourceType: 'StructureDefinition',
    id,
    url: `${canonical}/StructureDefinition/${id}`,
    name: id,
    kind: 'resource',
    abstract: false,
    type,
    baseDefinition: `http://hl7.org/fhir/StructureDefinition/${type}`,
    derivation: 'constraint',
    differential: { element: elements },
    ...extra,
  };
  const ctx = coreContext([sd]);
  ctx.diagnostics.usePolicy(new RulePolicy(rules));
  const result = new SnapshotGenerator(ctx).generate(sd);
  checkProfiles(result ? [result] : [], ctx, { canonical });
  return ctx.diagnostics.sorted().map((d) => `${d.severity} ${d.code} ${d.path}`);
}

describe('profile checks', () => {
  test('a valid profile gives no findings', () => {
    expect(run('GPConnect-Slot-1', 'Slot', [{ id: 'Slot.start', path: 'Slot.start', short: 'x' }])).toEqual([]);
  });

  test.each<[string, ElementDefinition, string]>([
    ['min below base', { id: 'Slot.status', path: 'Slot.status', min: 0 }, 'error profile.min-below-base StructureDefinition.differential.element[0].min'],
    ['max above base', { id: 'Slot.start', path: 'Slot.start', max: '2' }, 'error profile.max-above-base StructureDefinition.differential.element[0].max'],
    ['type not allowed', { id: 'Slot.comment', path: 'Slot.comment', type: [{ code: 'integer' }] }, 'error profile.type-not-allowed StructureDefinition.differential.element[0].type[0].code'],
    ['binding weakened', { id: 'Slot.status', path: 'Slot.status', binding: { strength: 'preferred', valueSetReference: { reference: 'http://hl7.org/fhir/ValueSet/slotstatus' } } }, 'error profile.binding-weakened StructureDefinition.differential.element[0].binding.strength'],
    ['fixed of the wrong type', { id: 'Slot.comment', path: 'Slot.comment', fixedCode: 'x' }, 'error profile.value-wrong-type StructureDefinition.differential.element[0].fixedCode'],
    ['unknown project extension', { id: 'Slot.extension:x', path: 'Slot.extension', sliceName: 'x', type: [{ code: 'Extension', profile: `${canonical}/StructureDefinition/Extension-Missing-1` }] }, 'error profile.unknown-project-url StructureDefinition.differential.element[0].type[0].profile'],
    ['unknown external extension', { id: 'Slot.extension:x', path: 'Slot.extension', sliceName: 'x', type: [{ code: 'Extension', profile: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-X-1' }] }, 'warning profile.unresolved-external-url StructureDefinition.differential.element[0].type[0].profile'],
    ['unknown project value set', { id: 'Slot.serviceType', path: 'Slot.serviceType', binding: { strength: 'required', valueSetReference: { reference: `${canonical}/ValueSet/Missing-1` } } }, 'error profile.unknown-project-url StructureDefinition.differential.element[0].binding'],
  ])('%s', (_name, element, expected) => {
    expect(run('GPConnect-Slot-1', 'Slot', [element])).toContain(expected);
  });

  test('by default, GP Connect conventions are not checked and an unresolved URL under the canonical is a warning', () => {
    const missing = { id: 'Slot.extension:x', path: 'Slot.extension', sliceName: 'x', type: [{ code: 'Extension', profile: `${canonical}/StructureDefinition/Extension-Missing` }] };
    expect(run('my-slot', 'Slot', [missing], { url: `${canonical}/StructureDefinition/other`, name: 'MySlot' }, {})).toEqual([
      'warning profile.unknown-project-url StructureDefinition.differential.element[0].type[0].profile',
    ]);
  });

  test('a profile without an id: no url message with a missing id in it', () => {
    const findings = run('x', 'Slot', [], { id: undefined as unknown as string });
    expect(findings.filter((f) => f.includes('url-convention'))).toEqual([]);
  });

  test('url and major-version naming conventions', () => {
    expect(run('GPConnect-Slot', 'Slot', [], { url: `${canonical}/StructureDefinition/Other-1` })).toEqual([
      'error profile.major-version-suffix StructureDefinition.id',
      'error profile.major-version-suffix StructureDefinition.name',
      'error profile.url-convention StructureDefinition.url',
    ]);
  });
});
