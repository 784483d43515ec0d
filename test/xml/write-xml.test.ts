/** The JSON -> XML writer: order, primitives and their companions, choices, wrappers, narrative, attributes, determinism, bad input. */
import { Diagnostics, formatDiagnostic } from '../../scripts/diagnostics/diagnostics.js';
import { convertPayload, jsonToXml, xmlToJson } from '../../scripts/format/convert.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreIndex } from '../helpers/shared.js';
import { loadXsd } from '../helpers/xsd.js';

const model = ElementModel.fromSource(coreIndex());

function write(resource: unknown): { xml: string | undefined; problems: string[] } {
  const diagnostics = new Diagnostics();
  const xml = jsonToXml(resource, model, diagnostics);
  return { xml, problems: diagnostics.all.map(formatDiagnostic) };
}

const patient = {
  resourceType: 'Patient',
  gender: 'female', // before `id` in the JSON: the XML follows the definition
  id: 'p1',
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Jane &amp; <b>Doe</b></p></div>' },
  name: [{ id: 'n1', given: ['Jane', null, 'Ann'], _given: [null, { extension: [{ url: 'http://example.org/x', valueString: 'hidden' }] }, { id: 'g3' }], family: 'Doe' }],
  extension: [{ url: 'http://example.org/birthPlace', valueAddress: { city: 'Leeds' } }],
  deceasedBoolean: false,
  multipleBirthInteger: 2,
  contained: [{ resourceType: 'Organization', id: 'o1', name: 'GP' }],
  managingOrganization: { reference: '#o1' },
};

describe('jsonToXml', () => {
  const { xml, problems } = write(patient);

  it('writes FHIR XML in definition order, with ids, urls and values as attributes', () => {
    expect(problems).toEqual([]);
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Patient xmlns="http://hl7.org/fhir">',
        '  <id value="p1"/>',
        '  <text>',
        '    <status value="generated"/>',
        '    <div xmlns="http://www.w3.org/1999/xhtml"><p>Jane &amp; <b>Doe</b></p></div>',
        '  </text>',
        '  <contained>',
        '    <Organization>',
        '      <id value="o1"/>',
        '      <name value="GP"/>',
        '    </Organization>',
        '  </contained>',
        '  <extension url="http://example.org/birthPlace">',
        '    <valueAddress>',
        '      <city value="Leeds"/>',
        '    </valueAddress>',
        '  </extension>',
        '  <name id="n1">',
        '    <family value="Doe"/>',
        '    <given value="Jane"/>',
        '    <given>',
        '      <extension url="http://example.org/x">',
        '        <valueString value="hidden"/>',
        '      </extension>',
        '    </given>',
        '    <given id="g3" value="Ann"/>',
        '  </name>',
        '  <gender value="female"/>',
        '  <deceasedBoolean value="false"/>',
        '  <multipleBirthInteger value="2"/>',
        '  <managingOrganization>',
        '    <reference value="#o1"/>',
        '  </managingOrganization>',
        '</Patient>',
        '',
      ].join('\n'),
    );
  });

  it('reads back to the same JSON', () => {
    expect(xmlToJson(xml as string, model, new Diagnostics())).toEqual(patient);
  });

  it('is deterministic: the JSON key order does not matter', () => {
    const shuffled = Object.fromEntries(Object.entries(patient).reverse());
    expect(write(shuffled).xml).toBe(xml);
  });

  it('is valid against the official XML schema', () => {
    // The verdict is plain data, so a failure reports libxml2's messages (lines and reasons).
    expect(loadXsd()(xml as string).messages).toEqual([]);
  });

  it('wraps Bundle entry resources and puts the XHTML namespace on a div that lacks it', () => {
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'Basic', text: { status: 'generated', div: '<div>x<br/>y</div>' }, code: { text: 'c' } } }] };
    const out = write(bundle);
    expect(out.problems).toEqual([]);
    expect(out.xml).toContain('<entry>\n    <fullUrl value="urn:uuid:1"/>\n    <resource>\n      <Basic>\n');
    expect(out.xml).toContain('<div xmlns="http://www.w3.org/1999/xhtml">x<br/>y</div>');
  });

  it('escapes attribute values so that they survive', () => {
    const out = write({ resourceType: 'Basic', code: { text: 'a < b & "c"\nline 2\ttab' } });
    expect(out.xml).toContain('<text value="a &lt; b &amp; &quot;c&quot;&#xA;line 2&#x9;tab"/>');
    expect(xmlToJson(out.xml as string, model, new Diagnostics())).toEqual({ resourceType: 'Basic', code: { text: 'a < b & "c"\nline 2\ttab' } });
  });

  it('reports what FHIR JSON does not allow, with its FHIRPath, and leaves it out', () => {
    const out = write({
      resourceType: 'Patient',
      bogus: 1,
      active: 'yes',
      name: { family: 'X' },
      _name: { id: 'x' },
      gender: ['male'],
      deceasedBoolean: true,
      deceasedDateTime: '2020',
      _birthDate: { value: 'x' },
      text: { status: 'generated', div: '<div><!DOCTYPE x></div>' },
    });
    expect(out.problems).toEqual([
      'error [emit.xml-unknown-property] Patient.bogus: unknown property \'bogus\'',
      "error [emit.xml-unknown-property] Patient._name: unknown property '_name'",
      "error [emit.xml-xhtml] Patient.text.div: narrative: DOCTYPE declarations are not allowed in FHIR XML (refused, nothing expanded)",
      'error [emit.xml-invalid-json] Patient.active: \'active\' must be a JSON boolean (boolean), found string "yes"',
      'error [emit.xml-invalid-json] Patient.name: this element repeats: its JSON value must be an array',
      'error [emit.xml-invalid-json] Patient.gender: this element does not repeat: its JSON value must not be an array',
      "error [emit.xml-unknown-property] Patient.birthDate: unknown property 'value' in '_birthDate'",
      "error [emit.xml-choice-conflict] Patient.deceasedDateTime: 'deceasedBoolean', 'deceasedDateTime' are one choice element: only the first is written",
    ]);
    expect(write({ resourceType: 'Nope' }).xml).toBeUndefined();
    const cyclic: Record<string, unknown> = { url: 'http://x.example' };
    cyclic.extension = [cyclic];
    expect(write({ resourceType: 'Basic', extension: [cyclic], code: { text: 'c' } }).problems).toEqual([expect.stringMatching(/emit\.xml-too-deep.* nested more than 200 levels deep \(or a cycle\)/)]);
    expect(write([1, 2]).xml).toBeUndefined();
  });

  it('convertPayload goes both ways from text', () => {
    const diagnostics = new Diagnostics();
    const json = convertPayload(xml as string, 'xml', 'json', model, diagnostics);
    expect(JSON.parse(json as string)).toEqual(patient);
    expect(convertPayload(json as string, 'json', 'xml', model, diagnostics)).toBe(xml);
    expect(diagnostics.all).toEqual([]);
  });
});

describe('size', () => {
  test('a Bundle of 20,000 entries is written (its lines are never spread into one call) and reads back whole', () => {
    const entry = (i: number) => ({ fullUrl: `urn:uuid:${i}`, resource: { resourceType: 'Patient', id: `p${i}`, active: true } });
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: Array.from({ length: 20_000 }, (_, i) => entry(i)) };
    const diagnostics = new Diagnostics();
    const xml = jsonToXml(bundle, model, diagnostics);
    expect(diagnostics.all).toEqual([]);
    const back = xmlToJson(xml ?? '', model, diagnostics) as unknown as typeof bundle;
    expect(back.entry).toHaveLength(20_000);
    expect(back.entry[19_999]).toEqual(entry(19_999));
  });
});
