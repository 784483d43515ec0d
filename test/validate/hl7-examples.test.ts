/**
 * HL7's own STU3 examples, every layer: npm `hl7.fhir.r3.examples` 3.0.2 (CC0; a dev dependency), 8,287
 * resources of every type, the core specification's conformance resources among them. This project was
 * not written against them: they check the rules on material nobody here chose, as the NHS corpus does
 * for GP Connect. HL7 published them after its own validator had run, so nearly all are valid; each error
 * found is one HL7's examples really have, listed below with why. The list is two-sided: a new error, or
 * an error listed that is no longer found, fails the test (counted per file and rule).
 *
 * What running them found wrong here (each now a rule with small tests of its own): a targetProfile under
 * HL7's base URL (vitalsigns) read as a type; extension contexts on elements reused by contentReference
 * (CodeSystem.concept.concept); `#id` references and ref-1 inside contained resources; information issues
 * stopping a large Bundle at the issue limit; a byte order mark ending validation before it started.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { jsonToXml } from '../../scripts/format/convert.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import type { ValidationIssue } from '../../scripts/validate/issues.js';
import { coreIndex } from '../helpers/shared.js';
import { validatorSetup } from './validator-setup.js';

const examplesDir = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r3.examples/package.json'));

interface Known {
  /** `severity rule` (the rule id, an invariant's key, else the issue code), and how many per file. */
  finding: string;
  count: number;
  files: string[];
  why: string;
}

const KNOWN: Known[] = [
  { finding: 'error invariant', count: 1, files: ['ActivityDefinition-blood-tubes-supply.json', 'ActivityDefinition-heart-valve-replacement.json', 'Questionnaire-zika-virus-exposure-assessment.json'], why: 'txt-2: the narrative div holds only white space' },
  { finding: 'error modifier-extension-unknown', count: 3, files: ['Basic-referral.json'], why: 'modifier extensions under example.org/do-not-use, whose definitions are published nowhere' },
  { finding: 'error modifier-extension-unknown', count: 2, files: ['Patient-null.json'], why: 'modifier extensions under example.org, whose definitions are published nowhere' },
  { finding: 'error dom-1', count: 1, files: ['Patient-null.json'], why: 'a contained resource with a narrative' },
  { finding: 'error bundle-fullurl-id', count: 1, files: ['Bundle-10bb101f-a121-4264-a920-67be9cb82c74.json', 'Bundle-3a0707d3-549e-4467-b8b8-5a2ab3800efe.json'], why: 'a fullUrl ending Patient/pat12 for the resource Patient/pat2 (and the like)' },
  { finding: 'error bundle-fullurl-id', count: 2, files: ['Bundle-terminologies.json'], why: 'fullUrls naming CodeSystem/example and CodeSystem/summary for NamingSystem resources' },
  { finding: 'error binding-required', count: 1, files: ['Claim-960151.json'], why: 'accident.type coded in http://hl7.org/fhir/v3/ActIncidentCode; the value set takes its codes from http://hl7.org/fhir/v3/ActCode' },
  { finding: 'error binding-required', count: 1, files: ['Questionnaire-qs1.json'], why: "questionnaire-allowedResource's valueCode 'vitalsigns', a profile's name, not a resource type" },
  { finding: 'error required', count: 57, files: ['Questionnaire-qs1.json'], why: 'items without a linkId (1..1)' },
  { finding: 'error extension-context', count: 14, files: ['CodeSystem-dicom-dcim.json'], why: 'valueset-comments, whose context is ValueSet.compose.include.concept, used on CodeSystem.concept' },
  { finding: 'error value', count: 4, files: ['CodeSystem-v2-0550.json'], why: 'codes ending in a no-break space, which the code type refuses' },
  {
    finding: 'error dae-1',
    count: 1,
    files: ['base64Binary', 'boolean', 'date', 'dateTime', 'decimal', 'instant', 'integer', 'string', 'time', 'uri', 'xhtml'].map((t) => `DataElement-${t}.id.json`),
    why: 'data elements generated from the type definitions keep the element base, which a DataElement may not have',
  },
  { finding: 'error dae-2', count: 1, files: ['DataElement-DomainResource.extension.json', 'DataElement-DomainResource.modifierExtension.json', 'DataElement-Element.extension.json'], why: 'data elements generated from the type definitions keep the slicing, which a DataElement may not have' },
  { finding: 'error json-byte-order-mark', count: 1, files: [1, 2, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27].map((n) => `NamingSystem-4.3.${n}.json`), why: 'the file starts with a byte order mark' },
  {
    finding: 'error required',
    count: 1,
    files: [
      ...['author', 'effective', 'end', 'keyword', 'workflow'].flatMap((p) => [`SearchParameter-codesystem-extensions-CodeSystem-${p}.json`, `SearchParameter-valueset-extensions-ValueSet-${p}.json`]),
      'SearchParameter-location-extensions-Location-alias.json',
      'SearchParameter-organization-extensions-Organization-alias.json',
      'StructureDefinition-Definition.json',
      'StructureDefinition-Event.json',
      'StructureDefinition-Request.json',
    ],
    why: 'search parameters on extensions published without a base (1..*); the workflow pattern models without a type (1..1)',
  },
  { finding: 'error sdf-4', count: 1, files: ['StructureDefinition-Definition.json', 'StructureDefinition-Event.json', 'StructureDefinition-Request.json'], why: 'workflow pattern models, not abstract, without a baseDefinition' },
  { finding: 'error required', count: 2, files: ['ImplementationGuide-fhir.json', 'ig-r4.json'], why: 'ImplementationGuides without a name and a status' },
  { finding: 'error structure', count: 3, files: ['ig-r4.json'], why: 'an R4 ImplementationGuide (license, manifest...) in the STU3 package' },
];

function expected(): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of KNOWN) for (const f of k.files) out.set(`${f} | ${k.finding}`, k.count);
  return out;
}

/** The files, and each one's issues from its JSON (errors to warnings: information notes aside), read once for both tests. */
async function validated() {
  const { validator } = await validatorSetup();
  const files = readdirSync(examplesDir)
    .filter((f) => f.endsWith('.json') && f !== 'package.json' && !f.startsWith('.'))
    .sort();
  const issues = new Map(files.map((file) => [file, validator.jsonIssues(readFileSync(join(examplesDir, file))).filter((i) => i.severity !== 'information')]));
  return { validator, files, issues };
}

let run: ReturnType<typeof validated> | undefined;
const once = () => (run ??= validated());

test("every HL7 STU3 example validates as HL7 published it: the errors found are the examples' own, listed with why", async () => {
  const { files, issues } = await once();
  expect(files.length).toBe(8287);
  const found = new Map<string, number>();
  for (const file of files) {
    for (const issue of issues.get(file) ?? []) {
      if (issue.severity !== 'error' && issue.severity !== 'fatal') continue;
      const key = `${file} | ${issue.severity} ${issue.rule ?? issue.code}`;
      found.set(key, (found.get(key) ?? 0) + 1);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].map(([k, n]) => `${k} x${n}`).sort();
  expect(sorted(found)).toEqual(sorted(expected()));
}, 120_000);

/**
 * The same examples written as FHIR XML by the element model (jsonToXml) and validated as XML: the same
 * errors and warnings at the same FHIRPaths (their lines differ). ig-r4.json is R4 content the STU3 model
 * cannot write (jsonToXml reports its unknown elements), so it has no XML form.
 */
test('each example as XML gets the issues it gets as JSON', async () => {
  const { validator, files, issues } = await once();
  const model = ElementModel.fromSource(coreIndex());
  const differences: string[] = [];
  let written = 0;
  for (const file of files) {
    const diagnostics = new Diagnostics();
    const xml = jsonToXml(JSON.parse(readFileSync(join(examplesDir, file), 'utf8').replace(/^\uFEFF/, '')) as unknown, model, diagnostics, file);
    if (!xml || diagnostics.all.length > 0) {
      differences.push(`${file}: no XML form`);
      continue;
    }
    written++;
    const show = (i: ValidationIssue) => `${i.severity} ${i.rule ?? i.code} ${i.expression}`;
    // The byte order mark is a property of the JSON file, not of the resource.
    const fromJson = (issues.get(file) ?? []).filter((i) => i.rule !== 'json-byte-order-mark').map(show).sort();
    const fromXml = validator.xmlIssues(xml).filter((i) => i.severity !== 'information').map(show).sort();
    if (JSON.stringify(fromJson) !== JSON.stringify(fromXml)) differences.push(`${file}: JSON ${fromJson.join('; ')} / XML ${fromXml.join('; ')}`);
  }
  expect(written).toBe(8286);
  expect(differences).toEqual(['ig-r4.json: no XML form']);
}, 240_000);
