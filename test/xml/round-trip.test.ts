/**
 * Round trips through the XML writer and reader:
 * - every XML file of the NHS STU3 corpus (all folders): XML -> JSON -> XML -> JSON gives identical JSON
 *   (and the second XML is a fixed point: writing the JSON again gives the same bytes);
 * - every GP Connect JSON example: JSON -> XML -> JSON unchanged. Seven published examples break FHIR
 *   JSON's shape rules (a single object where the element repeats, an array where it does not, a number
 *   or boolean as a string); the writer reports each such place, and the round trip differs from the
 *   input exactly there (XML has no array/object distinction, so the reader gives the shape the
 *   definition demands). They are listed below with their faults.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Diagnostics, formatDiagnostic } from '../../scripts/diagnostics/diagnostics.js';
import { jsonToXml, xmlToJson } from '../../scripts/format/convert.js';
import type { JsonValue } from '../../scripts/model/fhir.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreIndex, gpconnectExamplesDir, nhsAssetsDir } from '../helpers/shared.js';

const model = ElementModel.fromSource(coreIndex());

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, ext));
    else if (name.endsWith(ext)) out.push(path);
  }
  return out;
}

/** FHIRPath-ish locations where two JSON values differ. */
function differences(a: JsonValue | undefined, b: JsonValue | undefined, path: string, out: string[]): string[] {
  if (a === b) return out;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => differences(v, b[i], `${path}[${i}]`, out));
  } else if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) differences(a[key], b[key], `${path}.${key}`, out);
  } else out.push(path);
  return out;
}

describe('NHS STU3 corpus XML: XML -> JSON -> XML -> JSON', () => {
  const files = filesUnder(nhsAssetsDir, '.xml');

  it('covers every XML file of every folder', () => {
    expect(files.length).toBeGreaterThan(700);
    expect(new Set(files.map((f) => relative(nhsAssetsDir, f).split('/')[0]))).toEqual(new Set(['CodeSystems', 'ConceptMaps', 'Examples', 'NamingSystems', 'Operations', 'StructureDefinitions', 'ValueSets']));
  });

  it('gives identical JSON, and the written XML is a fixed point', () => {
    const failures: string[] = [];
    for (const file of files) {
      const name = relative(nhsAssetsDir, file);
      // Four NHS Data Dictionary code systems have no namespace: reported, and read as FHIR all the same.
      const first = xmlToJson(readFileSync(file, 'utf8'), model, new Diagnostics(), name, { readUnqualified: true });
      if (!first) {
        failures.push(`${name}: not read`);
        continue;
      }
      const problems = new Diagnostics();
      const xml = jsonToXml(first, model, problems, name);
      const second = xml === undefined ? undefined : xmlToJson(xml, model, problems, `${name} (written)`);
      const rewritten = second === undefined ? undefined : jsonToXml(second, model, problems, name);
      const diff = differences(first as unknown as JsonValue, second as unknown as JsonValue, '', []);
      if (problems.all.length > 0) failures.push(...problems.all.slice(0, 3).map(formatDiagnostic));
      if (diff.length > 0) failures.push(`${name}: differs at ${diff.slice(0, 5).join(', ')}`);
      else if (JSON.stringify(first) !== JSON.stringify(second)) failures.push(`${name}: same content, different key order`);
      if (rewritten !== xml) failures.push(`${name}: writing the JSON again gives different XML`);
    }
    expect(failures).toEqual([]);
  }, 600000); // 731 files three ways: about 40 s alone, far more on a loaded machine
});

describe('GP Connect JSON examples: JSON -> XML -> JSON', () => {
  const files = filesUnder(gpconnectExamplesDir, '.json');
  /** The published examples that are not valid FHIR JSON, and where: every difference the round trip shows is one of these. */
  const malformed: Record<string, string> = {
    'accessrecord_structured/allergies_response1.json': 'Patient.generalPractitioner (0..*) given as an object',
    'accessrecord_structured/allergies_response2.json': 'Patient.generalPractitioner (0..*) given as an object',
    'accessrecord_structured/allergies_response3.json': 'Patient.generalPractitioner (0..*) given as an object',
    'accessrecord_structured/consultations_forwards_request1.json': 'valueBoolean "3" (a string; round-trips unchanged as the same invalid string)',
    'accessrecord_structured/consultations_forwards_response1.json': 'generalPractitioner and basedOn as objects; Quantity.value as strings ("28"); Duration.code as an array',
    'accessrecord_structured/meds_response.json': 'generalPractitioner and basedOn as objects; Quantity.value as strings ("28"); Duration.code as an array',
    'appointments/search_for_free_slots_response_example.json': 'Organization/Location telecom and address (0..*) as objects',
    'foundations/read_location_response_example.json': 'Location.address (0..1) as an array',
  };

  it('covers all 29 examples', () => {
    expect(files).toHaveLength(29);
  });

  it.each(files.map((f) => [relative(gpconnectExamplesDir, f), f]))('%s', (name, file) => {
    const input = JSON.parse(readFileSync(file, 'utf8')) as JsonValue;
    const written = new Diagnostics();
    const xml = jsonToXml(input, model, written, name);
    expect(xml).toBeDefined();
    const back = xmlToJson(xml as string, model, new Diagnostics(), name);
    const diff = differences(input, back as unknown as JsonValue, '', []);
    if (!(name in malformed)) {
      expect(written.all.map(formatDiagnostic)).toEqual([]);
      expect(back).toEqual(input);
      return;
    }
    // Each difference is at (or inside) a place the writer reported, with the resource type as the path's root.
    const reported = written.all.map((d) => (d.path ?? '').replace(/^[A-Za-z]+/, ''));
    expect(reported.length).toBeGreaterThan(0);
    for (const d of diff) expect(reported.some((r) => d === r || d.startsWith(`${r}.`) || d.startsWith(`${r}[`))).toBe(true);
    // And the result is proper FHIR JSON: another round trip changes nothing and reports nothing.
    const again = new Diagnostics();
    const xml2 = jsonToXml(back, model, again, name);
    expect(xmlToJson(xml2 as string, model, again, name)).toEqual(back);
    expect(again.all.filter((d) => !/must be a JSON boolean|'3' is not a valid boolean/.test(d.message)).map(formatDiagnostic)).toEqual([]); // the one invalid value stays
  });
});
