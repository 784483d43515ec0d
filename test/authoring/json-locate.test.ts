import { jsonFieldLocator, jsonLocator } from '../../scripts/format/json/json-locate.js';

const text = `{
  "resourceType": "Bundle",
  "entry": [
    { "resource": { "resourceType": "Patient", "name": [{ "given": ["A"] }, { "given": ["B", "C"] }] } },
    {
      "resource": {
        "resourceType": "Observation",
        "_status": { "extension": [{ "url": "x" }] },
        "valueQuantity": { "value": 3 }
      }
    }
  ]
}`;

describe('FHIRPath locations in JSON text', () => {
  const at = jsonLocator(text);
  test.each([
    ['Bundle.entry[0].resource.name[1].given[1]', { line: 4, column: 94 }],
    ['Bundle.entry[0].resource.Patient.name[0]', { line: 4, column: 57 }],
    ['Bundle.entry[1].resource.status.extension[0]', { line: 8, column: 36 }],
    ['Bundle.entry[1].resource.valueQuantity.value', { line: 9, column: 28 }],
    ['Bundle.entry[1].resource.ofType(Observation).valueQuantity', { line: 9, column: 9 }],
    ['Bundle.entry[5].resource', { line: 3, column: 3 }],
    ['entry[1]', { line: 5, column: 5 }],
  ])('%s', (expression, expected) => {
    expect(at(expression)).toEqual(expected);
  });

  test('fields of a JSON document by their printed path', () => {
    const doc = '{\n  "release": "1.0.0",\n  "changes": [\n    { "resources": ["ValueSet/a", "CodeSystem/b"] }\n  ]\n}';
    const field = jsonFieldLocator(doc);
    expect(field('release')).toEqual({ line: 2, column: 3 });
    expect(field('changes[0].resources[1]')).toEqual({ line: 4, column: 35 });
  });
});
