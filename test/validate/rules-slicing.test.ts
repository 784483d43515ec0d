/**
 * Slicing (profiling.html#slicing, #discriminator): a value/pattern discriminator compares what the slice
 * states at the discriminator's element: a fixed value or pattern, membership of a required binding's
 * value set (here one contained in the profile, `#pressure-codes`), or fixed values on the element's
 * children; a slice that states none of these cannot be matched. An item that matches two slices is
 * reported, as the reference validator does.
 */
import { EX, findings, issuesOf } from './rules-setup.js';

const meta = (id: string) => ({ meta: { profile: [`${EX}StructureDefinition/${id}`] } });
const loinc = (code: string) => ({ code: { coding: [{ system: 'http://loinc.org', code }] }, valueQuantity: { value: 120, unit: 'mmHg' } });
const local = (code: string) => ({ code: { coding: [{ system: `${EX}CodeSystem/local-observables`, code }] }, valueString: 'calm' });
const observation = (components: object[]) => ({ resourceType: 'Observation', ...meta('observation-components'), status: 'final', code: { text: 'panel' }, component: components });

describe('value discriminator on component.code', () => {
  test('valid: two pressure components (by the contained value set), one local (by fixed children), one other (open slicing)', () => {
    expect(findings(observation([loinc('8480-6'), loinc('8462-4'), local('mood'), loinc('29463-7')]))).toEqual([]);
  });
  test('a slice defined only by a required binding takes the members of its value set only', () => {
    // Three pressure codes: the slice allows two. A fourth, other code must not count.
    expect(findings(observation([loinc('8480-6'), loinc('8462-4'), loinc('8480-6'), loinc('29463-7')]))).toEqual(['error slice-cardinality Observation.component']);
  });
  test('the contained value set is found (no "not found" information)', () => {
    const info = issuesOf(observation([loinc('8480-6')])).filter((i) => /not contained|not found/.test(i.diagnostics));
    expect(info).toEqual([]);
  });
  test('fixed values on the children of the discriminator element (code.coding.system and .code) match as one pattern', () => {
    // 'anger' is not the local slice's code: the item is in no slice (open), and the complete local code system does not define it.
    expect(findings(observation([local('anger')]))).toEqual(['error code-unknown Observation.component[0].code.coding[0].code']);
    expect(findings(observation([local('mood'), local('mood')]))).toEqual(['error slice-cardinality Observation.component']);
  });
});

describe('an item matching more than one slice', () => {
  test('is an error at the item, naming both slices; other items are unaffected', () => {
    const patient = { resourceType: 'Patient', ...meta('ambiguous-identifiers'), identifier: [{ system: `${EX}identifiers/mrn`, value: '1' }, { system: 'http://example.org/other', value: '2' }] };
    expect(findings(patient)).toEqual(['error slice-multiple-match Patient.identifier[0]']);
    const [issue] = issuesOf(patient).filter((i) => i.rule === 'slice-multiple-match');
    expect(issue.diagnostics).toBe("item matches more than one slice of Patient.identifier: 'first', 'second'; taken as 'first'");
  });
});

describe('a slice with nothing to compare at its value discriminator', () => {
  test('is reported once (a warning: the profile is at fault) and matches no item', () => {
    const patient = { resourceType: 'Patient', ...meta('undiscriminated-identifiers'), identifier: [{ system: `${EX}identifiers/mrn`, value: '1' }, { system: 'http://example.org/x', value: '2' }] };
    expect(findings(patient)).toEqual(['warning slice-discriminator-undefined Patient.identifier']);
  });
});
