/**
 * Extension context (STU3 StructureDefinition.contextType and context; extensibility.html: an extension
 * "SHALL only be used" where its definition's context allows). resource: element paths in resources;
 * datatype: data types and paths in them; extension: the extension it nests in.
 */
import { EX, findings } from './rules-setup.js';

const url = (id: string) => `${EX}StructureDefinition/${id}`;

describe('contextType resource', () => {
  test('an Appointment-only extension on an Appointment is valid', () => {
    const appointment = { resourceType: 'Appointment', status: 'booked', start: '2020-01-01T10:00:00Z', end: '2020-01-01T10:10:00Z', participant: [{ status: 'accepted', actor: { display: 'x' } }], extension: [{ url: url('appointment-only'), valueString: 'v' }] };
    expect(findings(appointment)).toEqual([]);
  });
  test('an Appointment-only extension on a Patient is an error at the extension', () => {
    expect(findings({ resourceType: 'Patient', extension: [{ url: url('appointment-only'), valueString: 'v' }] })).toEqual(['error extension-context Patient.extension[0]']);
  });
  test('inside a Bundle, the context is the entry resource', () => {
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', extension: [{ url: url('appointment-only'), valueString: 'v' }] } }] };
    expect(findings(bundle)).toEqual(['error extension-context Bundle.entry[0].resource.extension[0]']);
  });
  test('a Patient.contact extension: valid on a contact, an error on the Patient itself', () => {
    const ext = [{ url: url('patient-contact-only'), valueString: 'v' }];
    expect(findings({ resourceType: 'Patient', contact: [{ name: { text: 'x' }, extension: ext }] })).toEqual([]);
    expect(findings({ resourceType: 'Patient', extension: ext })).toEqual(['error extension-context Patient.extension[0]']);
  });
  test("'*' allows anywhere, on a resource or on a data type", () => {
    const ext = [{ url: url('anywhere'), valueString: 'v' }];
    expect(findings({ resourceType: 'Patient', extension: ext, name: [{ family: 'x', extension: ext }] })).toEqual([]);
  });
});

describe('contextType datatype', () => {
  test('a HumanName extension: valid on a name (in a Patient, in a Practitioner), an error on the resource', () => {
    const ext = [{ url: url('human-name-only'), valueString: 'v' }];
    expect(findings({ resourceType: 'Patient', name: [{ family: 'x', extension: ext }] })).toEqual([]);
    expect(findings({ resourceType: 'Practitioner', name: [{ family: 'x', extension: ext }] })).toEqual([]);
    expect(findings({ resourceType: 'Patient', extension: ext })).toEqual(['error extension-context Patient.extension[0]']);
  });
  test('a HumanName.family extension: valid on the family primitive (_family), an error on the name', () => {
    const ext = [{ url: url('family-only'), valueString: 'v' }];
    expect(findings({ resourceType: 'Patient', name: [{ family: 'x', _family: { extension: ext } }] })).toEqual([]);
    expect(findings({ resourceType: 'Patient', name: [{ family: 'x', extension: ext }] })).toEqual(['error extension-context Patient.name[0].extension[0]']);
  });
  test('a Quantity extension is allowed on a Duration (a Quantity specialisation), not on a Period', () => {
    const ext = [{ url: url('quantity-only'), valueString: 'v' }];
    const request = { resourceType: 'MedicationRequest', status: 'active', intent: 'order', medicationCodeableConcept: { text: 'x' }, subject: { reference: 'Patient/1' } };
    expect(findings({ ...request, dispenseRequest: { expectedSupplyDuration: { value: 28, unit: 'days', extension: ext } } })).toEqual([]);
    expect(findings({ ...request, dispenseRequest: { validityPeriod: { start: '2020-01-01', extension: ext } } })).toEqual(['error extension-context MedicationRequest.dispenseRequest.validityPeriod.extension[0]']);
  });
});

describe('contextType extension', () => {
  test('an extension for use inside the outer extension: valid there, an error on a resource', () => {
    const inner = { url: url('inner-of-outer'), valueString: 'v' };
    expect(findings({ resourceType: 'Patient', extension: [{ url: url('outer'), extension: [{ url: 'part', valueString: 'p' }, inner] }] })).toEqual([]);
    expect(findings({ resourceType: 'Patient', extension: [inner] })).toEqual(['error extension-context Patient.extension[0]']);
  });
});

describe('modifier extensions and unknown extensions', () => {
  test('a modifierExtension out of context is an error too', () => {
    expect(findings({ resourceType: 'Patient', modifierExtension: [{ url: url('appointment-only'), valueString: 'v' }] })).toEqual(['error extension-context Patient.modifierExtension[0]']);
  });
  test('an unknown extension is a warning (policy), an unknown modifier extension an error', () => {
    expect(findings({ resourceType: 'Patient', extension: [{ url: 'http://example.org/nowhere', valueString: 'v' }] })).toEqual(['warning extension-unknown Patient.extension[0]']);
    expect(findings({ resourceType: 'Patient', modifierExtension: [{ url: 'http://example.org/nowhere', valueString: 'v' }] })).toEqual(['error modifier-extension-unknown Patient.modifierExtension[0]']);
  });
});

/**
 * An element that reuses another's definition (`contentReference`: CodeSystem.concept.concept is
 * `#CodeSystem.concept`, at every depth) is that element for an extension's context: HL7's own code
 * systems put codesystem-comments (context `CodeSystem.concept`) on nested concepts.
 */
describe('context on an element that reuses another by contentReference', () => {
  const comments = (text: string) => [{ url: 'http://hl7.org/fhir/StructureDefinition/codesystem-comments', valueString: text }];
  const codeSystem = (concept: object[], extension?: object[]) => ({ resourceType: 'CodeSystem', url: 'http://example.org/cs', status: 'draft', content: 'complete', ...(extension ? { extension } : {}), concept });
  test('valid on a concept and on concepts nested in it, at any depth', () => {
    const nested = { code: 'c', extension: comments('c'), concept: [{ code: 'd', extension: comments('d') }] };
    expect(findings(codeSystem([{ code: 'a', extension: comments('a'), concept: [{ code: 'b', extension: comments('b') }, nested] }]))).toEqual([]);
  });
  test('still an error on the CodeSystem itself, and on an element that reuses nothing (a concept designation)', () => {
    expect(findings(codeSystem([{ code: 'a' }], comments('x')))).toEqual(['error extension-context CodeSystem.extension[0]']);
    expect(findings(codeSystem([{ code: 'a', concept: [{ code: 'b', designation: [{ value: 'B', extension: comments('x') }] }] }]))).toEqual(['error extension-context CodeSystem.concept[0].concept[0].designation[0].extension[0]']);
  });
});
