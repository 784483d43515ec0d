/**
 * Codes against the CodeSystems held (terminology.html, codesystem.html, datatypes.html#Coding): wherever a
 * Coding appears, bound or not. A code that a complete CodeSystem does not define is an error; a display
 * that is none of the concept's display and designations a warning; a system not held, information (the
 * three severities are policies: policy.ts).
 */
import { EX, findings, issuesOf } from './rules-setup.js';

const colours = `${EX}CodeSystem/colours`;
/** A Coding where no binding applies: Observation.code has an example binding only. */
const observation = (coding: object) => ({ resourceType: 'Observation', status: 'final', code: { coding: [coding] } });

describe('a complete CodeSystem', () => {
  test('valid: a defined code with its display, a designation, or the display in another case and spacing', () => {
    expect(findings(observation({ system: colours, code: 'red', display: 'Red' }))).toEqual([]);
    expect(findings(observation({ system: colours, code: 'red', display: 'Rouge' }))).toEqual([]);
    expect(findings(observation({ system: colours, code: 'red', display: '  red ' }))).toEqual([]);
    expect(findings(observation({ system: colours, code: 'dark-green' }))).toEqual([]);
  });
  test('invalid: a code it does not define, at the code', () => {
    expect(findings(observation({ system: colours, code: 'blue' }))).toEqual(['error code-unknown Observation.code.coding[0].code']);
  });
  test('invalid: a code in another case when the system is case-sensitive', () => {
    expect(findings(observation({ system: colours, code: 'Red' }))).toEqual(['error code-unknown Observation.code.coding[0].code']);
  });
  test('warning: a display that is not the code system display', () => {
    expect(findings(observation({ system: colours, code: 'red', display: 'Crimson' }))).toEqual(['warning display-mismatch Observation.code.coding[0].display']);
    const [issue] = issuesOf(observation({ system: colours, code: 'red', display: 'Crimson' }));
    expect(issue.diagnostics).toBe(`display 'Crimson' is not the display of ${colours}|red: expected 'Red' or 'Rouge'`);
  });
  test('a core CodeSystem: Observation.category codes (preferred binding too)', () => {
    const category = (code: string) => ({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, category: [{ coding: [{ system: 'http://hl7.org/fhir/observation-category', code }] }] });
    expect(findings(category('vital-signs'))).toEqual([]);
    expect(findings(category('vitals'))).toEqual(['error code-unknown Observation.category[0].coding[0].code', 'warning binding-preferred Observation.category[0]']);
  });
  test('in a Coding-typed element (meta.tag) too', () => {
    expect(findings({ resourceType: 'Patient', meta: { tag: [{ system: colours, code: 'blue' }] } })).toEqual(['error code-unknown Patient.meta.tag[0].code']);
  });
});

describe('a fragment CodeSystem answers for the codes it has only', () => {
  test('an absent code is not reported; a wrong display of a present one is', () => {
    expect(findings(observation({ system: `${EX}CodeSystem/shapes`, code: 'square' }))).toEqual([]);
    expect(findings(observation({ system: `${EX}CodeSystem/shapes`, code: 'circle', display: 'Round' }))).toEqual(['warning display-mismatch Observation.code.coding[0].display']);
  });
});

describe('a code system not held', () => {
  test('is information at the Coding', () => {
    expect(findings(observation({ system: 'http://example.org/unheld', code: 'x' }), { information: true })).toEqual(['information code-system-unknown Observation.code.coding[0]']);
  });
  test('so is another version of a held one (its codes may differ)', () => {
    expect(findings(observation({ system: colours, version: '2', code: 'blue' }), { information: true })).toEqual(['information code-system-unknown Observation.code.coding[0]']);
  });
});

describe('a code in a bound value set only ignoring case (codesystem.html#CodeSystem.caseSensitive)', () => {
  const withLanguage = (language: string) => ({ resourceType: 'Patient', language });
  const relationship = (code: string) => ({ resourceType: 'Patient', name: [{ family: 'X' }], contact: [{ name: { family: 'Y' }, relationship: [{ coding: [{ system: 'http://hl7.org/fhir/v2/0131', code }] }] }] });

  test('valid: BCP 47 language tags compare ignoring case (RFC 5646 2.1.1): en-us is the value set’s en-US, noted as information', () => {
    expect(findings(withLanguage('en-US'), { information: true })).toEqual([]);
    expect(findings(withLanguage('en-us'), { information: true })).toEqual(['information code-case-difference Patient.language']);
    const [issue] = issuesOf(withLanguage('en-us'));
    expect(issue.diagnostics).toBe("code 'en-us' is in the value set http://hl7.org/fhir/ValueSet/languages as 'en-US': urn:ietf:bcp:47 compares codes ignoring case");
  });
  test('invalid: a tag the value set does not hold in any case is outside the extensible binding', () => {
    expect(findings(withLanguage('xx-zz'), { information: true })).toEqual(['warning binding-extensible Patient.language']);
  });
  test('valid: a held CodeSystem with caseSensitive false (v2 0131) answers for its codes in any case', () => {
    expect(findings(relationship('C'), { information: true })).toEqual([]);
    expect(findings(relationship('c'), { information: true })).toEqual(['information code-case-difference Patient.contact[0].relationship[0]']);
  });
  test('invalid: a code of that system it does not define at all', () => {
    expect(findings(relationship('zz'))).toEqual(['error code-unknown Patient.contact[0].relationship[0].coding[0].code', 'warning binding-extensible Patient.contact[0].relationship[0]']);
  });
  test('invalid: a case-sensitive system (caseSensitive true) is matched exactly, in its binding too', () => {
    const gender = (gender: string) => ({ resourceType: 'Patient', gender });
    expect(findings(gender('female'))).toEqual([]);
    expect(findings(gender('Female'))).toEqual(['error binding-required Patient.gender']);
  });
});
