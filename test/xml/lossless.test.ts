/**
 * Conversion never changes data without a word: decimals keep their exact text JSON -> XML -> JSON and
 * XML -> JSON -> XML; duplicate keys, forbidden characters and unsafe narratives are errors (the CLI then
 * writes nothing); the JSON parser and writer agree with JSON.parse / JSON.stringify wherever no number
 * text is at stake.
 */
import { Diagnostics, formatDiagnostic } from '../../scripts/diagnostics/diagnostics.js';
import { convertPayload } from '../../scripts/format/convert.js';
import { parseJson } from '../../scripts/format/json/parse-json.js';
import { stringifyJson } from '../../scripts/format/json/write-json.js';
import { plainNumber } from '../../scripts/model/number-text.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { checkNarrativeNode } from '../../scripts/validate/xml-narrative.js';
import { coreIndex } from '../helpers/shared.js';

const model = ElementModel.fromSource(coreIndex());

function convert(text: string, from: 'json' | 'xml', to: 'json' | 'xml', narratives = false): { out?: string; problems: string[] } {
  const diagnostics = new Diagnostics();
  const onXhtml = narratives
    ? (node: Parameters<typeof checkNarrativeNode>[0], scope: Parameters<typeof checkNarrativeNode>[1], path: string, lines: Parameters<typeof checkNarrativeNode>[3]) => {
        for (const f of checkNarrativeNode(node, scope, path, lines)) diagnostics.error('convert.narrative', f.message, { path: f.path });
      }
    : undefined;
  const out = convertPayload(text, from, to, model, diagnostics, undefined, { onXhtml });
  return { out, problems: diagnostics.all.map(formatDiagnostic) };
}

const DECIMALS = ['1.10', '12345678901234567890.12', '0.0000001', '3.0', '-0.0', '100', '0.1', '9007199254740993'];

describe('decimals keep their text', () => {
  test.each(DECIMALS)('%s: JSON -> XML -> JSON', (value) => {
    const json = `{\n  "resourceType": "Observation",\n  "status": "final",\n  "code": {\n    "text": "t"\n  },\n  "valueQuantity": {\n    "value": ${value}\n  }\n}\n`;
    const xml = convert(json, 'json', 'xml');
    expect(xml.problems).toEqual([]);
    expect(xml.out).toContain(`<value value="${value}"/>`);
    const back = convert(xml.out as string, 'xml', 'json');
    expect(back.problems).toEqual([]);
    expect(back.out).toBe(json);
  });

  test('XML -> JSON -> XML, in arrays too (SampledData, repeating decimals)', () => {
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<RiskAssessment xmlns="http://hl7.org/fhir">',
      '  <status value="final"/>',
      '  <subject>',
      '    <display value="x"/>',
      '  </subject>',
      '  <prediction>',
      '    <probabilityDecimal value="0.50"/>',
      '    <relativeRisk value="1.000"/>',
      '  </prediction>',
      '  <prediction>',
      '    <probabilityDecimal value="0.25"/>',
      '  </prediction>',
      '</RiskAssessment>',
      '',
    ].join('\n');
    const json = convert(xml, 'xml', 'json');
    expect(json.problems).toEqual([]);
    expect(json.out).toContain('"probabilityDecimal": 0.50');
    expect(json.out).toContain('"relativeRisk": 1.000');
    expect(convert(json.out as string, 'json', 'xml').out).toBe(xml);
  });

  test('JSON re-written as JSON keeps them too', () => {
    const json = '{\n  "resourceType": "Observation",\n  "status": "final",\n  "code": {\n    "text": "t"\n  },\n  "valueQuantity": {\n    "value": 1.50\n  }\n}\n';
    expect(convert(json, 'json', 'json').out).toBe(json);
  });
});

describe('what cannot be converted faithfully is an error, never a silent change', () => {
  test('duplicate keys', () => {
    const r = convert('{"resourceType":"Patient","id":"a","id":"b"}', 'json', 'xml');
    expect(r.problems).toEqual(["payload.json:1: error [load.json-duplicate-key] Patient.id: property 'id' occurs more than once; the first is kept"]);
  });

  test('control characters and lone surrogates are refused by the XML writer', () => {
    const r = convert('{"resourceType":"Patient","id":"a","name":[{"family":"x\\u0001y","given":["\\ud800"]}]}', 'json', 'xml');
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('[load.json-forbidden-character] Patient.name[0].family: the string holds the control character U+0001'),
        expect.stringContaining('[emit.xml-invalid-character] Patient.name[0].family: the string holds the control character U+0001'),
        expect.stringContaining('[emit.xml-invalid-character] Patient.name[0].given[0]: the string holds a lone surrogate (U+D800)'),
      ]),
    );
  });

  test('unsafe narratives are reported both ways', () => {
    const div = '<div xmlns=\\"http://www.w3.org/1999/xhtml\\"><p onclick=\\"x()\\">hi</p><script>alert(1)</script><a href=\\"javascript:x()\\">l</a></div>';
    const json = convert(`{"resourceType":"Patient","text":{"status":"generated","div":"${div}"}}`, 'json', 'xml', true);
    expect(json.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Patient\.text\.div: event attribute 'onclick'/),
        expect.stringMatching(/Patient\.text\.div: element 'script' is not allowed/),
        expect.stringMatching(/Patient\.text\.div: 'href' on 'a' holds a script URL/),
      ]),
    );
    const xml = '<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script>x</div></text></Patient>';
    expect(convert(xml, 'xml', 'json', true).problems).toEqual([expect.stringMatching(/Patient\.text\.div: element 'script' is not allowed/)]);
  });
});

describe('the JSON parser and writer', () => {
  const samples = [
    '{"a":1,"b":[true,false,null,"x\\"y\\\\z\\n\\u00e9\\ud83d\\ude00"],"c":{},"d":[],"e":-1.5e3,"f":0}',
    '[1,2,{"x":[[]]}]',
    '"text"',
    '{"__x":{"y":{"z":[1,{"w":"\\/"}]}}}',
  ];
  test.each(samples)('reads as JSON.parse does: %s', (text) => {
    const parsed = parseJson(text, { maxDepth: 200 });
    expect(parsed.error).toBeUndefined();
    expect(parsed.value).toEqual(JSON.parse(text));
    expect(stringifyJson(parsed.value)).toBe(JSON.stringify(JSON.parse(text), null, 2).replace('-1500', '-1.5e3'));
  });

  test.each([
    ['{"a":1,}', "unexpected '}', expected a property name", 7],
    ['{"a":01}', "unexpected '1', expected ',' or '}'", 6],
    ['{"a":"x', 'unterminated string', 7],
    ['{"a":"\t"}', 'a control character must be escaped in a JSON string', 6],
    ['[1 2]', "unexpected '2', expected ',' or ']'", 3],
    ['{"a":1} x', "unexpected 'x' after the JSON value", 8],
    ['{"a":1.}', 'invalid number: digits expected after the decimal point', 7],
    ['{"a":"\\x"}', "invalid escape '\\x' in a string", 6],
  ])('refuses %s: %s', (text, message, offset) => {
    expect(parseJson(text, { maxDepth: 200 }).error).toEqual({ message, offset });
  });

  test('plain decimal notation for numbers with no text kept', () => {
    expect([1e-7, 1e21, -1.5e-10, 123.456, 5e-324].map(plainNumber)).toEqual(['0.0000001', '1000000000000000000000', '-0.00000000015', '123.456', `0.${'0'.repeat(323)}5`]);
  });
});
