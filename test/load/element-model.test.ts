/** The element model over hl7.fhir.r3.core: contexts, children, choice resolution, primitives. */
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreIndex } from '../helpers/shared.js';

const model = ElementModel.fromSource(coreIndex());

describe('ElementModel', () => {
  it('lists the children of a resource in definition order', () => {
    const names = model.children('Patient')?.map((c) => c.name);
    expect(names?.slice(0, 9)).toEqual(['id', 'meta', 'implicitRules', 'language', 'text', 'contained', 'extension', 'modifierExtension', 'identifier']);
    const contact = model.property('Patient', 'contact');
    expect(contact?.element).toEqual(expect.objectContaining({ path: 'Patient.contact', min: 0, max: '*', repeats: true, types: ['BackboneElement'], choice: false }));
    expect(contact?.context).toBe('Patient.contact');
    expect(model.children('Patient.contact')?.map((c) => c.name)).toEqual(['id', 'extension', 'modifierExtension', 'relationship', 'name', 'telecom', 'address', 'gender', 'organization', 'period']);
    expect(model.property('Patient.contact', 'id')?.element.xmlAttribute).toBe(true);
    expect(model.property('Patient', 'id')?.element.xmlAttribute).toBe(false);
  });

  it('resolves choice properties to element and type', () => {
    const p = model.property('Extension', 'valueCodeableConcept');
    expect(p?.element.path).toBe('Extension.value[x]');
    expect(p?.element.name).toBe('value');
    expect(p?.element.choice).toBe(true);
    expect(p?.type).toBe('CodeableConcept');
    expect(p?.context).toBe('CodeableConcept');
    expect(model.property('Extension', 'valueBase64Binary')?.type).toBe('base64Binary');
    expect(model.property('Extension', 'value')).toBeUndefined();
    expect(model.property('Extension', 'url')?.element.xmlAttribute).toBe(true);
    expect(model.property('Observation', 'effectivePeriod')?.type).toBe('Period');
  });

  it('follows contentReference and inline Element children', () => {
    expect(model.property('Questionnaire.item', 'item')?.context).toBe('Questionnaire.item');
    expect(model.property('Timing', 'repeat')?.context).toBe('Timing.repeat');
    expect(model.property('Timing.repeat', 'boundsDuration')?.type).toBe('Duration');
    expect(model.context('Patient.nothing')).toBeUndefined();
    expect(model.context('NoSuchType')).toBeUndefined();
  });

  it('knows primitive types and their JSON types from the definitions', () => {
    expect(model.primitiveJsonType('boolean')).toBe('boolean');
    expect(model.primitiveJsonType('decimal')).toBe('number');
    expect(model.primitiveJsonType('positiveInt')).toBe('number');
    expect(model.primitiveJsonType('date')).toBe('string');
    expect(model.primitiveJsonType('HumanName')).toBeUndefined();
    expect(model.primitive('xhtml')).toEqual({ jsonType: 'string', xhtml: true });
    expect(model.isPrimitive('code')).toBe(true);
    expect(model.context('string')?.primitive?.jsonType).toBe('string');
  });

  it('tells resource types and resource slots apart', () => {
    expect(model.isResourceType('Patient')).toBe(true);
    expect(model.isResourceType('DomainResource')).toBe(false);
    expect(model.isResourceType('HumanName')).toBe(false);
    expect(model.isResourceSlot('Resource')).toBe(true);
    expect(model.property('Bundle.entry', 'resource')?.type).toBe('Resource');
  });

  it('caches contexts', () => {
    expect(model.context('Patient')).toBe(model.context('Patient'));
  });
});
