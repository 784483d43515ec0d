/**
 * XML payload validation throughput (payloads per second) on real XML: the 57 NHS corpus example payloads
 * (../shared/corpus/nhs-stu3-assets/Examples, documents and message Bundles among them) and the 29 GP
 * Connect examples written as XML by our writer. Side by side, in one run, on the same bytes (in memory):
 *
 * - bare fast-xml-parser parsing: default options (attributes dropped, so not a usable FHIR parse),
 *   attributes on, and ordered with offsets (what a FHIR reader needs); the faster of the last two is the
 *   floor; beside them saxes with no handlers (the strict parser our reader is built on);
 * - ours: the XML rules + type-aware JSON (readXmlPayload); + structure and required bindings (compiled
 *   ajv); full validation (+ slicing, extensions, other bindings, references); and with FHIRPath invariants
 *   (reported apart, as for JSON);
 * - libxml2's XML Schema validation against fhir-single.xsd (what `xmllint --schema` runs), through its
 *   WebAssembly build (npm libxml2-wasm) in this process, the schema compiled once, measured beside the
 *   floor as ours are (a system xmllint is not assumed: the bench runs with Node and npm only);
 * - FHIR.js 4.12 (npm `fhir`): xmlToObj + validate, set up as bench/fhirjs.ts says (hl7.fhir.r3.core),
 *   measured beside the floor as ours are and compared through it.
 *
 * Target: full validation within 3x the bare parse time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { Diagnostics } from '../scripts/diagnostics/diagnostics.js';
import { jsonToXml } from '../scripts/format/convert.js';
import type { LoadedPackages } from '../scripts/load/packages/index.js';

import type { ElementModel } from '../scripts/resolve/element-model.js';
import { readXmlPayload } from '../scripts/validate/xml-rules.js';
import { gpconnectExamplesDir, nhsAssetsDir } from '../test/helpers/shared.js';
import { loadXsd } from '../test/helpers/xsd.js';
import { validatorSetup } from '../test/validate/validator-setup.js';
import { fastXmlParserOptions, alternating, ratio, say, timeSync, type Row } from './common.js';
import { fhirJsPeer } from './fhirjs.js';

const SECTION = 'XML payload validation (57 NHS example payloads + 29 GP Connect examples as XML)';

interface Payload {
  name: string;
  text: string;
}

const perSecond = (n: number) => `${Math.round(n).toLocaleString('en')} payloads/s`;

function loadPayloads(model: ElementModel): Payload[] {
  const examples = join(nhsAssetsDir, 'Examples');
  const payloads: Payload[] = readdirSync(examples)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(join(examples, f), 'utf8') }));
  for (const folder of readdirSync(gpconnectExamplesDir).sort())
    for (const f of readdirSync(join(gpconnectExamplesDir, folder)).sort()) {
      const xml = jsonToXml(JSON.parse(readFileSync(join(gpconnectExamplesDir, folder, f), 'utf8')), model, new Diagnostics());
      if (xml) payloads.push({ name: `gpc-${folder}-${f.replace(/\.json$/, '.xml')}`, text: xml });
    }
  return payloads;
}

export async function benchXmlValidate(rows: Row[], packages: LoadedPackages, model: ElementModel): Promise<void> {
  say('xml validation: payloads and validator set-up');
  const payloads = loadPayloads(model);
  const bytes = payloads.reduce((n, p) => n + Buffer.byteLength(p.text), 0);
  const { validator } = await validatorSetup();

  say('xml validation: fast-xml-parser floors');
  const parseWithReaderOptions = (p: Payload) => new XMLParser(fastXmlParserOptions).parse(p.text);
  const [bareDefault, bareAttributes, bareReader, bareSaxes] = alternating(
    payloads,
    payloads.length,
    [(p) => new XMLParser().parse(p.text), (p) => new XMLParser({ ignoreAttributes: false }).parse(p.text), parseWithReaderOptions, (p) => void new SaxesParser().write(p.text).close()],
    4000,
  );
  // The floor: the faster of the two bare parses that keep attributes (FHIR XML's values are attributes).
  const readerIsFloor = bareReader >= bareAttributes;
  const floorParse = readerIsFloor ? parseWithReaderOptions : (p: Payload) => new XMLParser({ ignoreAttributes: false }).parse(p.text);
  rows.push({ section: SECTION, what: `fast-xml-parser, default options (${payloads.length} payloads, ${(bytes / 1e6).toFixed(1)} MB)`, value: perSecond(bareDefault), note: 'drops attributes, so FHIR values: not a usable parse' });
  rows.push({ section: SECTION, what: 'fast-xml-parser, attributes on', value: perSecond(bareAttributes), note: readerIsFloor ? `${ratio(bareReader, bareAttributes)} the floor's time` : 'the floor' });
  rows.push({ section: SECTION, what: 'fast-xml-parser, ordered, attributes and offsets kept', value: perSecond(bareReader), note: readerIsFloor ? 'the floor' : `${ratio(bareAttributes, bareReader)} the floor's time` });
  const floorRate = Math.max(bareReader, bareAttributes);
  rows.push({ section: SECTION, what: "saxes, no handlers (the reader's parser, bare)", value: perSecond(bareSaxes), note: `${ratio(floorRate, bareSaxes)} the floor's time; strict: it also checks well-formedness` });

  // Each of our variants alternating with the floor alone; each ratio is against the floor measured beside it.
  say('xml validation: ours, each beside the floor');
  const beside = (fn: (p: Payload) => void) => alternating(payloads, payloads.length, [floorParse, fn], 4000);
  const [rulesFloor, rules] = beside((p) => void readXmlPayload(p.text, model));
  const [structureFloor, structure] = beside((p) => void validator.xmlIssues(p.text, { semantic: false }));
  const [semanticFloor, semantic] = beside((p) => void validator.xmlIssues(p.text, { invariants: false }));
  const [fullFloor, full] = beside((p) => void validator.xmlIssues(p.text));
  const floorNote = (floorRate: number, rate: number) => `${ratio(floorRate, rate)} the bare parse time`;
  rows.push({ section: SECTION, what: 'ours: XML rules + type-aware JSON (readXmlPayload)', value: perSecond(rules), note: floorNote(rulesFloor, rules) });
  rows.push({ section: SECTION, what: 'ours: + structure and required bindings (compiled ajv)', value: perSecond(structure), note: floorNote(structureFloor, structure) });
  rows.push({ section: SECTION, what: 'ours: full validation (+ slicing, extensions, other bindings, references)', value: perSecond(semantic), note: `${floorNote(semanticFloor, semantic)} (target: within 3x)` });
  rows.push({ section: SECTION, what: 'ours: the same + FHIRPath invariants', value: perSecond(full), note: floorNote(fullFloor, full) });

  say('xml validation: libxml2 XML Schema validation (fhir-single.xsd)');
  const schema = timeSync(() => loadXsd());
  const [xsdFloor, xsd] = beside((p) => void schema.value(p.text));
  // Compared through the floors, as FHIR.js below: each ratio is to the parse measured beside it.
  const xsdOver = (floor: number, rate: number) => `${(xsdFloor / xsd / (floor / rate)).toFixed(2)}x`;
  rows.push({
    section: SECTION,
    what: 'libxml2 XML Schema validation, fhir-single.xsd (npm libxml2-wasm: libxml2 compiled to WebAssembly, in process)',
    value: perSecond(xsd),
    note: `${floorNote(xsdFloor, xsd)}; the schema compiled once first (${(schema.ms / 1000).toFixed(2)} s, not counted); ours (XML rules) ${xsdOver(rulesFloor, rules)} its speed, + structure ${xsdOver(structureFloor, structure)}; the WebAssembly build, not a native xmllint, whose speed may differ`,
  });

  say('xml validation: FHIR.js xmlToObj + validate');
  const fhir = fhirJsPeer(packages);
  const failures = new Set<string>();
  // Beside its own floor and compared through it, as our variants are: blocks run at different times see
  // different machine load, while each block's ratio to its floor holds.
  const [fhirJsFloor, fhirJs] = beside((p) => {
    try {
      fhir.validate(fhir.xmlToObj(p.text) as object, {});
    } catch {
      failures.add(p.name);
    }
  });
  const speedOver = (floor: number, rate: number) => `${(fhirJsFloor / fhirJs / (floor / rate)).toFixed(2)}x`;
  rows.push({
    section: SECTION,
    what: 'FHIR.js 4.12 xmlToObj + validate (STU3 parser, core value sets loaded)',
    value: perSecond(fhirJs),
    note: `${floorNote(fhirJsFloor, fhirJs)}; ours (XML rules + structure) ${speedOver(structureFloor, structure)} its speed, full ${speedOver(semanticFloor, semantic)}, with invariants ${speedOver(fullFloor, full)}${failures.size ? `; it throws on ${failures.size} of the ${payloads.length} payloads (counted in its time)` : ''}`,
  });
}
