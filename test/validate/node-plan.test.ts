/**
 * Plans of the semantic walk (scripts/validate/node-plan.ts): decided once per element, type and context,
 * from the definitions only, so they are shared by every payload and every option set of a validator, and
 * a payload's verdict does not depend on what was validated before it or with which options.
 */
import { plannerFor } from '../../scripts/validate/node-plan.js';
import { withOptions } from '../../scripts/validate/semantic-context.js';
import { profileTree } from '../../scripts/validate/profile-tree.js';
import { EX, findings, rulesSetup } from './rules-setup.js';

/** The plan of a Patient root (the core Patient, not schema-covered). */
function patientPlan() {
  const { ctx } = rulesSetup();
  const patient = ctx.profiles('Patient');
  const root = patient && profileTree(patient)?.root;
  if (!root) throw new Error('no Patient snapshot');
  return plannerFor(ctx).plan(root, 'Patient', 'Patient', false);
}

const profiled = (id: string) => ({ meta: { profile: [`${EX}StructureDefinition/${id}`] } });

describe('plans', () => {
  test('one plan per element, type and context, whoever asks for it', () => {
    const { ctx } = rulesSetup();
    const patient = ctx.profiles('Patient');
    const root = patient && profileTree(patient)?.root;
    if (!root) throw new Error('no Patient snapshot');
    const planner = plannerFor(ctx);
    const plan = planner.plan(root, 'Patient', 'Patient', false);
    expect(planner.plan(root, 'Patient', 'Patient', false)).toBe(plan);
    // Another option set of the same validator shares the planner (and so its plans).
    expect(plannerFor(withOptions(ctx, { invariants: false })).plan(root, 'Patient', 'Patient', false)).toBe(plan);
    // The schema-covered variant is another plan: it leaves the required bindings the structure layer carries.
    expect(planner.plan(root, 'Patient', 'Patient', true)).not.toBe(plan);
  });

  test('a property plan knows its child element and the plan of its items', () => {
    const plan = patientPlan();
    const name = plan.property('name');
    expect(name?.child?.id).toBe('Patient.name');
    expect(name?.item().type).toBe('HumanName');
    expect(name?.item().ctxKey).toBe('HumanName');
    expect(plan.property('name')).toBe(name);
    // Not an element of Patient (the structure layer reports unknown properties): no plan.
    expect(plan.property('colour')).toBeUndefined();
    // A choice answers by its typed name.
    expect(plan.property('deceasedBoolean')?.prop.type).toBe('boolean');
    expect(plan.property('deceasedDateTime')?.prop.type).toBe('dateTime');
  });

  test('a primitive value is passed over where its element checks nothing on it, never where it does', () => {
    const plan = patientPlan();
    const inert = (key: string) => plan.property(key)?.primitiveInert();
    // A plain primitive: no binding, no invariant on its value.
    expect(inert('active')).toBe(true);
    expect(inert('birthDate')).toBe(true);
    // A code bound to a value set, and a Reference, are checked.
    expect(inert('gender')).toBe(false);
    expect(inert('managingOrganization')).toBe(false);
    // Extensions and contained resources are walked by their own rules; a wrong choice type is reported.
    expect(inert('extension')).toBe(false);
    expect(inert('contained')).toBe(false);
    // The narrative's div (xhtml) is checked.
    const text = plan.property('text')?.item();
    expect(text?.property('div')?.primitiveInert()).toBe(false);
    // Passing the plain leaves over leaves the bound code beside them checked.
    expect(findings({ resourceType: 'Patient', active: true, birthDate: '2001-02-03', gender: 'x' })).toEqual(['error binding-required Patient.gender']);
  });

  test('the same payload gets the same findings whatever was validated before it, and with which options', () => {
    const bad = { resourceType: 'Patient', ...profiled('ambiguous-identifiers'), identifier: [{ system: `${EX}identifiers/mrn`, value: '1' }] };
    const first = findings(bad);
    expect(first).toEqual(['error slice-multiple-match Patient.identifier[0]']);
    findings(bad, { invariants: false });
    findings({ resourceType: 'Patient', identifier: [{ system: 'urn:x', value: '2' }] });
    expect(findings(bad)).toEqual(first);
  });
});
