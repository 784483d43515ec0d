/** The FHIR XML reader: security gate, well-formedness, namespaces, and type-aware conversion. */
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { SourceMap } from '../../scripts/diagnostics/source-map.js';
import { readXmlResource } from '../../scripts/format/xml/read-xml.js';
import type { JsonObject, Resource } from '../../scripts/model/fhir.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreIndex } from '../helpers/shared.js';

const model = ElementModel.fromSource(coreIndex());
const NS = 'xmlns="http://hl7.org/fhir"';

function read(xml: string) {
  const diagnostics = new Diagnostics();
  const sources = new SourceMap();
  const resource = readXmlResource(xml, 'test.xml', { model, diagnostics, sources });
  return { resource, diagnostics: diagnostics.all, sources };
}

describe('security gate', () => {
  it('refuses a DOCTYPE', () => {
    const r = read(`<?xml version="1.0"?>\n<!DOCTYPE Patient>\n<Patient ${NS}/>`);
    expect(r.resource).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'load.xml-doctype', file: 'test.xml', line: 2 })]);
  });

  it('refuses a billion-laughs document without expanding anything', () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${entities.join('\n')}\n]>\n<Patient ${NS}><id value="&lol9;"/></Patient>`;
    const r = read(xml); // refused before parsing: an expansion would run out of memory, not merely be slow
    expect(r.resource).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['load.xml-doctype']);
  });

  it('refuses an external entity (XXE) and never reads the file', () => {
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<Patient ${NS}><id value="&xxe;"/></Patient>`;
    const r = read(xml);
    expect(r.resource).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['load.xml-doctype']);
    expect(JSON.stringify(r.diagnostics)).not.toContain('root:');
  });

  it('refuses an ENTITY declaration outside a DOCTYPE', () => {
    const r = read(`<!ENTITY x "y"><Patient ${NS}/>`);
    expect(r.resource).toBeUndefined();
    expect(r.diagnostics[0].code).toBe('load.xml-entity-declaration');
  });

  it('refuses an undeclared entity reference (not well-formed in XML 1.0) instead of expanding it', () => {
    const r = read(`<Patient ${NS}>\n  <id value="a&xxe;b"/>\n</Patient>`);
    expect(r.resource).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'load.xml-malformed', line: 2 })]);
    expect(r.diagnostics[0].message).toContain('undefined entity');
  });

  it('expands only the predefined entities and character references, once, normalising attribute whitespace', () => {
    const r = read(`<Patient ${NS}><id value="a&amp;lt;b"/><gender value="\tfe&#x41;male"/></Patient>`);
    expect(r.diagnostics.filter((d) => d.code === 'load.xml-malformed')).toEqual([]);
    expect(r.resource).toMatchObject({ id: 'a&lt;b', gender: ' feAmale' });
  });

  it('refuses processing instructions other than the leading XML declaration', () => {
    const stylesheet = read(`<?xml version="1.0"?>\n<?xml-stylesheet href="x.xsl"?>\n<Patient ${NS}/>`);
    expect(stylesheet.resource).toBeUndefined();
    expect(stylesheet.diagnostics).toEqual([expect.objectContaining({ code: 'load.xml-processing-instruction', line: 2 })]);
    const inside = read(`<Patient ${NS}>\n  <?php echo 1 ?>\n</Patient>`);
    expect(inside.resource).toBeUndefined();
    expect(inside.diagnostics).toEqual([expect.objectContaining({ code: 'load.xml-processing-instruction', line: 2 })]);
    const late = read(`\n<?xml version="1.0"?><Patient ${NS}/>`);
    expect(late.diagnostics[0].code).toBe('load.xml-processing-instruction');
  });

  it('lets comments and CDATA hold markup-like text', () => {
    const r = read(`<?xml version="1.0"?><!-- <!DOCTYPE x> <?pi?> --><Patient ${NS}><id value="p"/></Patient>`);
    expect(r.diagnostics).toEqual([]);
    expect(r.resource).toEqual({ resourceType: 'Patient', id: 'p' });
  });
});

describe('documents that cannot be read', () => {
  it('reports malformed XML with file and line', () => {
    const r = read(`<Patient ${NS}>\n  <id value="x"/>\n  <active value="true">\n</Patient>`);
    expect(r.resource).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'load.xml-malformed', file: 'test.xml', line: 4 })]);
  });

  it('reports unclosed documents and text only', () => {
    expect(read(`<Patient ${NS}><id value="x"/>`).diagnostics[0].code).toBe('load.xml-malformed');
    expect(read('not xml at all').diagnostics[0].code).toBe('load.xml-malformed');
    expect(read('').resource).toBeUndefined();
  });

  it('refuses what XML 1.0 forbids and a lenient parser would read: a raw < in an attribute, a duplicate attribute, unquoted values', () => {
    for (const [xml, line] of [
      [`<Patient ${NS}>\n  <id value="a<b"/>\n</Patient>`, 2],
      [`<Patient ${NS}>\n  <id value="a" value="b"/>\n</Patient>`, 2],
      [`<Patient ${NS}>\n\n  <id value=a/>\n</Patient>`, 3],
    ] as const) {
      const r = read(xml);
      expect(r.resource).toBeUndefined();
      expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'load.xml-malformed', line })]);
    }
  });

  it('refuses a root outside the FHIR namespace', () => {
    for (const root of ['<Patient xmlns="http://example.org/other"/>', '<Patient/>', '<x:Patient xmlns:x="urn:x"/>']) {
      const r = read(root);
      expect(r.resource).toBeUndefined();
      expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'load.xml-namespace', line: 1 })]);
    }
  });

  it('refuses an unknown or abstract root resource type', () => {
    for (const root of ['Foo', 'DomainResource', 'HumanName']) {
      const r = read(`<${root} ${NS}/>`);
      expect(r.resource).toBeUndefined();
      expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'load.xml-unknown-resource' })]);
    }
  });
});

describe('reading content', () => {
  it('reports an unknown element by FHIRPath and line, and carries on', () => {
    const r = read(`<Patient ${NS}>\n  <contact>\n    <foo value="x"/>\n    <gender value="male"/>\n  </contact>\n  <bar/>\n</Patient>`);
    expect(r.resource).toEqual({ resourceType: 'Patient', contact: [{ gender: 'male' }] });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'load.xml-unknown-element', path: 'Patient.contact[0].foo', line: 3 }),
      expect.objectContaining({ code: 'load.xml-unknown-element', path: 'Patient.bar', line: 6 }),
    ]);
  });

  it('types primitives, makes arrays of repeating elements, and puts properties in definition order', () => {
    const r = read(
      `<Patient ${NS}><id value="p1"/><active value="true"/><name><family value="Smith"/><given value="A"/><given value="B"/></name>` +
        `<birthDate value="1970-01-01"/><multipleBirthInteger value="2"/></Patient>`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.resource).toEqual({
      resourceType: 'Patient',
      id: 'p1',
      active: true,
      name: [{ family: 'Smith', given: ['A', 'B'] }],
      birthDate: '1970-01-01',
      multipleBirthInteger: 2,
    });
    expect(Object.keys(r.resource ?? {})).toEqual(['resourceType', 'id', 'active', 'name', 'birthDate', 'multipleBirthInteger']);
  });

  it('puts ids and extensions of primitives in _name, aligned with nulls for repeating ones', () => {
    const ext = '<extension url="http://e.org/x"><valueBoolean value="false"/></extension>';
    const r = read(
      `<Patient ${NS}><name><given value="A"/><given id="g2">${ext}</given><given value="C" id="g3"/></name>` +
        `<birthDate value="1970" id="b">${ext}</birthDate></Patient>`,
    );
    const extension = [{ url: 'http://e.org/x', valueBoolean: false }];
    expect(r.diagnostics).toEqual([]);
    expect(r.resource).toEqual({
      resourceType: 'Patient',
      name: [{ given: ['A', null, 'C'], _given: [null, { id: 'g2', extension }, { id: 'g3' }] }],
      birthDate: '1970',
      _birthDate: { id: 'b', extension },
    });
    const name = (r.resource?.name as JsonObject[])[0];
    expect(Object.keys(name)).toEqual(['given', '_given']);
    expect(Object.keys(r.resource ?? {})).toEqual(['resourceType', 'name', 'birthDate', '_birthDate']);
  });

  it('reads choice types, element ids and extension urls in definition order', () => {
    const r = read(
      `<Observation ${NS}><status value="final"/><code><text value="t"/></code>` +
        `<valueQuantity id="q"><extension url="http://e.org/y"><valueCodeableConcept><text value="c"/></valueCodeableConcept></extension><value value="1.50"/><unit value="mg"/></valueQuantity></Observation>`,
    );
    expect(r.diagnostics).toEqual([]);
    const value = r.resource?.valueQuantity as JsonObject;
    expect(value).toEqual({ id: 'q', extension: [{ url: 'http://e.org/y', valueCodeableConcept: { text: 'c' } }], value: 1.5, unit: 'mg' });
    expect(Object.keys((value.extension as JsonObject[])[0])).toEqual(['url', 'valueCodeableConcept']);
  });

  it('reads resources inside contained, Bundle.entry.resource and Parameters.parameter.resource', () => {
    const contained = read(`<Patient ${NS}><contained><Organization><id value="o"/><name value="Org"/></Organization></contained><active value="false"/></Patient>`);
    expect(contained.resource).toEqual({ resourceType: 'Patient', contained: [{ resourceType: 'Organization', id: 'o', name: 'Org' }], active: false });
    const bundle = read(`<Bundle ${NS}><type value="collection"/><entry><fullUrl value="urn:x"/><resource><Patient><id value="p"/></Patient></resource></entry></Bundle>`);
    expect(bundle.resource).toEqual({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:x', resource: { resourceType: 'Patient', id: 'p' } }] });
    const params = read(`<Parameters ${NS}><parameter><name value="r"/><resource><Basic><id value="b"/></Basic></resource></parameter></Parameters>`);
    expect(params.resource).toEqual({ resourceType: 'Parameters', parameter: [{ name: 'r', resource: { resourceType: 'Basic', id: 'b' } }] });
    expect(contained.sources.locate((contained.resource?.contained as Resource[])[0])?.path).toBe('Patient.contained[0]');
  });

  it('reports a resource wrapper holding something other than one resource', () => {
    const r = read(`<Patient ${NS}><contained><Foo/></contained><contained/></Patient>`);
    expect(r.resource).toEqual({ resourceType: 'Patient' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['load.xml-unknown-resource', 'load.xml-resource-wrapper']);
  });

  it('follows contentReference (Questionnaire.item.item)', () => {
    const r = read(`<Questionnaire ${NS}><status value="draft"/><item><linkId value="1"/><type value="group"/><item><linkId value="1.1"/><type value="string"/></item></item></Questionnaire>`);
    expect(r.diagnostics).toEqual([]);
    expect(r.resource?.item).toEqual([{ linkId: '1', type: 'group', item: [{ linkId: '1.1', type: 'string' }] }]);
  });

  it('serialises the narrative div to a string carrying its namespace', () => {
    const r = read(
      `<Patient ${NS}><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p class="a">x &amp; &lt;y&gt; <b>z</b></p><br/></div></text></Patient>`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.resource?.text).toEqual({ status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p class="a">x &amp; &lt;y&gt; <b>z</b></p><br/></div>' });
  });

  it('decodes references and normalises whitespace in attribute values as XML requires', () => {
    const r = read(`<Patient ${NS}><name><text value="a&#xA;b&lt;c&#9;d\te"/></name></Patient>`);
    expect((r.resource?.name as JsonObject[])[0].text).toBe('a\nb<c\td e');
  });

  it('accepts a prefixed FHIR namespace and ignores xsi attributes', () => {
    const r = read(
      `<f:Patient xmlns:f="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="x"><f:id value="p"/></f:Patient>`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.resource).toEqual({ resourceType: 'Patient', id: 'p' });
  });

  it('reports bad values, repeats of single elements, choice conflicts, order, text and unknown attributes', () => {
    const r = read(
      `<Patient ${NS} foo="1"><active value="yes"/><active value="true"/><gender value="male"/><birthDate value="1970"/>` +
        `<id value="late"/><deceasedBoolean value="true"/><deceasedDateTime value="2000"/>text</Patient>`,
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual([
      'load.xml-unknown-attribute',
      'load.xml-invalid-value',
      'load.xml-repeated-element',
      'load.xml-element-order',
      'load.xml-choice-conflict',
      'load.xml-unexpected-text',
    ]);
    expect(r.resource).toEqual({ resourceType: 'Patient', id: 'late', active: 'yes', gender: 'male', birthDate: '1970', deceasedBoolean: true });
    expect(Object.keys(r.resource ?? {})).toEqual(['resourceType', 'id', 'active', 'gender', 'birthDate', 'deceasedBoolean']);
  });

  it('warns about an empty primitive and leaves it out', () => {
    const r = read(`<Patient ${NS}><active/><name><given/><given value="B"/></name></Patient>`);
    expect(r.resource).toEqual({ resourceType: 'Patient', name: [{ given: [null, 'B'] }] });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'load.xml-empty-element', path: 'Patient.active' }),
      expect.objectContaining({ severity: 'warning', code: 'load.xml-empty-element', path: 'Patient.name[0].given[0]' }),
    ]);
  });

  it('never lets element or attribute names reach an object prototype', () => {
    for (const xml of [
      `<Patient ${NS}><__proto__ value="x"/></Patient>`,
      `<Patient ${NS}><constructor><prototype value="x"/></constructor></Patient>`,
      `<Patient ${NS} __proto__="x"/>`,
      `<Patient ${NS}><name><toString value="x"/></name></Patient>`,
    ]) {
      const r = read(xml);
      expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      if (r.resource) expect(Object.getPrototypeOf(r.resource)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).value).toBeUndefined();
    }
  });

  it('records file, line and path for resources and object nodes', () => {
    const r = read(`<Patient ${NS}>\n  <name>\n    <given value="A"/>\n  </name>\n</Patient>`);
    const name = (r.resource?.name as JsonObject[])[0];
    expect(r.sources.locate(r.resource as object)).toEqual({ file: 'test.xml', line: 1, column: 1, path: 'Patient' });
    expect(r.sources.locate(name)).toEqual({ file: 'test.xml', line: 2, column: 3, path: 'Patient.name[0]' });
  });

  it('ignores a byte order mark and handles CRLF line ends in line numbers', () => {
    const r = read(`\ufeff<?xml version="1.0" encoding="UTF-8"?>\r\n<Patient ${NS}>\r\n<name>\r\n<foo/></name></Patient>`);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'load.xml-unknown-element', line: 4 })]);
  });
});
