/** The FHIR JSON reader: strict JSON, refused keys, and source locations. */
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { SourceMap } from '../../scripts/diagnostics/source-map.js';
import { readJsonResource } from '../../scripts/format/json/read-json.js';
import type { StructureDefinition } from '../../scripts/model/fhir.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreIndex } from '../helpers/shared.js';

function read(json: string, withModel = false) {
  const diagnostics = new Diagnostics();
  const sources = new SourceMap();
  const model = withModel ? ElementModel.fromSource(coreIndex()) : undefined;
  const resource = readJsonResource(json, 'test.json', { diagnostics, sources, model });
  return { resource, diagnostics: diagnostics.all, sources };
}

describe('readJsonResource', () => {
  it('reads a resource and records lines for the resource and differential elements', () => {
    const text = [
      '{',
      '  "resourceType": "StructureDefinition",',
      '  "id": "x",',
      '  "differential": {',
      '    "element": [',
      '      { "id": "Patient", "path": "Patient" },',
      '      {',
      '        "id": "Patient.name", "path": "Patient.name", "min": 1',
      '      }',
      '    ]',
      '  }',
      '}',
    ].join('\n');
    const r = read(text);
    expect(r.diagnostics).toEqual([]);
    const sd = r.resource as StructureDefinition;
    expect(sd.differential?.element).toEqual([
      { id: 'Patient', path: 'Patient' },
      { id: 'Patient.name', path: 'Patient.name', min: 1 },
    ]);
    expect(r.sources.locate(sd)).toEqual({ file: 'test.json', line: 1, column: 1, path: 'StructureDefinition' });
    const elements = sd.differential?.element ?? [];
    expect(r.sources.locate(elements[0])).toEqual({ file: 'test.json', line: 6, column: 7, path: 'StructureDefinition.differential.element[0]' });
    expect(r.sources.locate(elements[1])?.line).toBe(7);
  });

  it('reports malformed JSON with its line', () => {
    const r = read('{\n  "resourceType": "Patient",\n  "id": \n}');
    expect(r.resource).toBeUndefined();
    expect(r.diagnostics[0]).toEqual(expect.objectContaining({ severity: 'error', code: 'load.json-malformed', file: 'test.json', line: 4 }));
  });

  it('refuses comments and trailing commas', () => {
    expect(read('{ "resourceType": "Patient" // c\n}').diagnostics[0].code).toBe('load.json-malformed');
    expect(read('{ "resourceType": "Patient", }').diagnostics[0].code).toBe('load.json-malformed');
    expect(read('{ "resourceType": "Patient", "name": [{}, ] }').resource).toBeUndefined();
    expect(read('').diagnostics[0].code).toBe('load.json-malformed');
  });

  it('refuses a byte order mark', () => {
    const r = read('\ufeff{ "resourceType": "Patient" }');
    expect(r.resource).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'load.json-bom', line: 1 })]);
  });

  it('refuses a top level that is not an object, and a missing resourceType', () => {
    expect(read('[{ "resourceType": "Patient" }]').diagnostics).toEqual([expect.objectContaining({ code: 'load.json-not-object' })]);
    expect(read('"Patient"').diagnostics[0].code).toBe('load.json-not-object');
    expect(read('{ "id": "x" }').diagnostics).toEqual([expect.objectContaining({ code: 'load.json-resource-type' })]);
    expect(read('{ "resourceType": 3 }').diagnostics[0].code).toBe('load.json-resource-type');
    expect(read('{ "resourceType": "Foo" }', true).diagnostics).toEqual([expect.objectContaining({ code: 'load.json-resource-type' })]);
    expect(read('{ "resourceType": "Patient" }', true).resource).toEqual({ resourceType: 'Patient' });
  });

  it('never lets __proto__, constructor or prototype reach an object', () => {
    const r = read('{ "resourceType": "Patient",\n "__proto__": { "polluted": true },\n "name": [{ "constructor": { "prototype": { "polluted": true } }, "family": "F" }] }');
    expect(r.resource).toEqual({ resourceType: 'Patient', name: [{ family: 'F' }] });
    expect(Object.getPrototypeOf(r.resource)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(r.resource, '__proto__')).toBe(false);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'load.json-forbidden-key', line: 2, path: 'Patient.__proto__' }),
      expect.objectContaining({ code: 'load.json-forbidden-key', line: 3, path: 'Patient.name[0].constructor' }),
      // The refused value is still read (and its own refused key reported) before it is left out.
      expect.objectContaining({ code: 'load.json-forbidden-key', line: 3, path: 'Patient.name[0].constructor.prototype' }),
    ]);
  });

  it('reports duplicate keys and keeps the first', () => {
    const r = read('{ "resourceType": "Patient", "id": "a", "id": "b" }');
    expect(r.resource).toEqual({ resourceType: 'Patient', id: 'a' });
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'load.json-duplicate-key', path: 'Patient.id' })]);
  });

  it('refuses absurd nesting without throwing', () => {
    const deep = `{ "resourceType": "Basic", "x": ${'['.repeat(5000)}${']'.repeat(5000)} }`;
    const r = read(deep);
    expect(r.diagnostics.map((d) => d.code)).toContain('load.json-too-deep');
  });
});
