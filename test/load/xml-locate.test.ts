/** Lines of FHIRPath locations found in the parsed XML tree (what XML payload issues from the JSON layers carry). */
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { lineOfPath } from '../../scripts/format/xml/xml-locate.js';
import { parseXmlDocument, type XmlDocument } from '../../scripts/format/xml/xml-tree.js';

const xml = [
  '<Bundle xmlns="http://hl7.org/fhir">', // 1
  '  <type value="searchset"/>',
  '  <entry>', // 3
  '    <resource>',
  '      <Patient>', // 5
  '        <name><family value="A"/></name>',
  '        <name>', // 7
  '          <family value="B"/>',
  '        </name>',
  '      </Patient>',
  '    </resource>',
  '  </entry>',
  '  <entry>', // 13
  '    <resource><Patient><extension url="http://x"><valueString value="s"/></extension></Patient></resource>',
  '  </entry>',
  '</Bundle>',
].join('\n');

function doc(): XmlDocument {
  const parsed = parseXmlDocument(xml, 'b.xml', new Diagnostics());
  if (!parsed) throw new Error('test document did not parse');
  return parsed;
}

describe('lineOfPath', () => {
  const d = doc();

  it('finds elements by name and sibling index, through resource wrappers', () => {
    expect(lineOfPath(d, 'Bundle.type')).toBe(2);
    expect(lineOfPath(d, 'Bundle.entry[0].resource')).toBe(4);
    expect(lineOfPath(d, 'Bundle.entry[0].resource.name[0].family')).toBe(6);
    expect(lineOfPath(d, 'Bundle.entry[0].resource.name[1]')).toBe(7);
    expect(lineOfPath(d, 'Bundle.entry[0].resource.name[1].family')).toBe(8);
    expect(lineOfPath(d, 'Bundle.entry[1].resource.extension[0].valueString')).toBe(14);
  });

  it('stops at the deepest element that exists: attributes, missing elements, functions', () => {
    expect(lineOfPath(d, 'Bundle.entry[1].resource.extension[0].url')).toBe(14);
    expect(lineOfPath(d, 'Bundle.entry[0].resource.name[5].family')).toBe(4);
    expect(lineOfPath(d, 'Bundle.entry[1]')).toBe(13);
    expect(lineOfPath(d, "Bundle.entry[0].resource.extension('http://x')")).toBe(4);
    expect(lineOfPath(d, 'Bundle')).toBe(1);
  });
});
