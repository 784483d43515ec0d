/**
 * The types package as a consumer gets it: `npm pack` of generated/types, installed into a fresh project,
 * compiled with TypeScript (strict, NodeNext). Must-compile files give no diagnostic at all; must-fail
 * lines carry `// @ts-expect-error` (an unused directive is itself an error), and the same file without
 * the directives fails exactly on those lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { StructureDefinition } from '../../scripts/model/fhir.js';
import { profileTypeName } from '../../scripts/emit/types/naming.js';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { buildProject, compile, completionsAt, consumerProject, corpusResources, readJson, runGuards, TYPES_PACKAGE, type Consumer, type Payload } from './setup.js';

const DELIVERY_CHANNEL = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-DeliveryChannel-2';

let out: string;
let consumer: Consumer;
let visit: Record<string, unknown>;

beforeAll(async () => {
  out = await buildProject();
  consumer = consumerProject(out);
  visit = readJson(join(out, 'package', 'examples', 'Appointment-gpc-appointment-visit-example.json'));
}, 300_000);

afterAll(() => consumer?.dispose());

const literal = (value: unknown) => JSON.stringify(value);
const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

describe('the packed types package', () => {
  test('installs under its configured name with version, types and exports', () => {
    const pkg = readJson(join(consumer.root, 'node_modules', TYPES_PACKAGE, 'package.json'));
    expect(pkg).toMatchObject({ name: TYPES_PACKAGE, version: '1.2.7', type: 'module', types: './index.d.ts' });
    expect(pkg.exports).toMatchObject({ '.': { types: './index.d.ts', default: './index.js' } });
    expect(consumer.tarball).toMatch(/nhsdigital\.gpconnect\.stu3-types-1\.2\.7\.tgz$/);
  });

  test('must compile: the Visit example, a corpus booking request, extension and terminology use, a narrowed guard', () => {
    const booking = readJson(join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json'));
    const file = consumer.write(
      'must-compile.ts',
      [
        `import type { GPConnectAppointment1, ExtensionGPConnectDeliveryChannel2, ValueSetGPConnectDeliveryChannel1, ValueSetAppointmentStatus, Extension } from '${TYPES_PACKAGE}';`,
        `import { CodeSystemGPConnectDeliveryChannel1, isGPConnectAppointment1 } from '${TYPES_PACKAGE}';`,
        `export const visit: GPConnectAppointment1 = ${literal(visit)};`,
        `export const booking: GPConnectAppointment1 = ${literal(booking)};`,
        `export const channel: ExtensionGPConnectDeliveryChannel2 = { url: '${DELIVERY_CHANNEL}', valueCode: 'Visit' };`,
        `export const local: ExtensionGPConnectDeliveryChannel2 = { url: '${DELIVERY_CHANNEL}', valueCode: 'Carrier pigeon' };`,
        `export const code: ValueSetGPConnectDeliveryChannel1 = 'Visit';`,
        `export const status: ValueSetAppointmentStatus = 'booked';`,
        `export const display: 'Visit' = CodeSystemGPConnectDeliveryChannel1.Visit;`,
        `export const plain: Extension = { url: 'http://example.org/x', valueString: 'x' };`,
        `export function startOf(x: unknown): string | undefined { return isGPConnectAppointment1(x) ? x.start : undefined; }`,
        '',
      ].join('\n'),
    );
    expect(compile([file])).toEqual([]);
  });

  test('must fail: a missing start, a mistyped status, and other profile violations', () => {
    const cases: Array<[string, string]> = [
      ['no start', `export const a: GPConnectAppointment1 = ${literal(without(visit, 'start'))};`],
      ['status bookedd', `export const b: GPConnectAppointment1 = ${literal({ ...visit, status: 'bookedd' })};`],
      ['appointmentType is max 0', `export const c: GPConnectAppointment1 = ${literal({ ...visit, appointmentType: { text: 'x' } })};`],
      ['no participant', `export const d: GPConnectAppointment1 = ${literal(without(visit, 'participant'))};`],
      ['participant status outside its value set', `export const e: GPConnectAppointment1 = ${literal({ ...visit, participant: [{ actor: { reference: 'Patient/1' }, status: 'maybe' }] })};`],
      ['specialty is max 1', `export const f: GPConnectAppointment1 = ${literal({ ...visit, specialty: [{ text: 'a' }, { text: 'b' }] })};`],
      ['reason coding system fixed to SNOMED CT', `export const g: GPConnectAppointment1 = ${literal({ ...visit, reason: [{ coding: [{ system: 'http://read.info/ctv3', code: 'x', display: 'x' }] }] })};`],
      ['delivery channel url is fixed', `export const h: ExtensionGPConnectDeliveryChannel2 = { url: 'https://example.org/other', valueCode: 'Visit' };`],
      ['delivery channel code is a string', `export const i: ExtensionGPConnectDeliveryChannel2 = { url: '${DELIVERY_CHANNEL}', valueCode: 3 };`],
      ['one value[x] at a time', `export const j: Extension = { url: 'http://example.org/x', valueString: 'x', valueBoolean: true };`],
      ['code system has no such code', `export const k = CodeSystemGPConnectDeliveryChannel1.Fax;`],
      ['value set type is closed', `export const l: ValueSetGPConnectDeliveryChannel1 = 'Carrier pigeon';`],
    ];
    const header = [
      `import type { GPConnectAppointment1, ExtensionGPConnectDeliveryChannel2, ValueSetGPConnectDeliveryChannel1, Extension } from '${TYPES_PACKAGE}';`,
      `import { CodeSystemGPConnectDeliveryChannel1 } from '${TYPES_PACKAGE}';`,
    ];
    const body = cases.flatMap(([why, line]) => [`// @ts-expect-error ${why}`, line]);
    const file = consumer.write('must-fail.ts', [...header, ...body, ''].join('\n'));
    expect(compile([file])).toEqual([]);
    // Without the directives, each case fails on its own line and nowhere else.
    const bare = consumer.write('must-fail-bare.ts', [...header, ...cases.map(([, line]) => line), ''].join('\n'));
    const lines = [...new Set(compile([bare]).map((d) => d.line))].sort((a, b) => a - b);
    expect(lines).toEqual(cases.map((_, i) => header.length + i + 1));
  });

  test("editor completion offers the delivery channel's codes, 'Visit' among them", () => {
    const names = completionsAt(
      consumer,
      'completion.ts',
      `import type { ExtensionGPConnectDeliveryChannel2 } from '${TYPES_PACKAGE}';\nexport const dc: ExtensionGPConnectDeliveryChannel2 = { url: '${DELIVERY_CHANNEL}', valueCode: '/*|*/' };\n`,
    );
    expect(names).toEqual(expect.arrayContaining(['In-person', 'Telephone', 'Video', 'Visit']));
    // Inside an appointment's extension list too: the URL picks the delivery channel among the sliced extensions.
    const inAppointment = completionsAt(
      consumer,
      'completion-appointment.ts',
      `import type { GPConnectAppointment1 } from '${TYPES_PACKAGE}';\nexport const a: Partial<GPConnectAppointment1> = { extension: [{ url: '${DELIVERY_CHANNEL}', valueCode: '/*|*/' }] };\n`,
    );
    expect(inAppointment).toEqual(expect.arrayContaining(['Visit']));
    const status = completionsAt(consumer, 'completion-status.ts', `import type { GPConnectAppointment1 } from '${TYPES_PACKAGE}';\nexport const a: Partial<GPConnectAppointment1> = { status: '/*|*/' };\n`);
    expect(status).toEqual(['arrived', 'booked', 'cancelled', 'entered-in-error', 'fulfilled', 'noshow', 'pending', 'proposed']);
  });

  test('the GP Connect corpus: a resource compiles as its profile type exactly when its runtime guard accepts it', () => {
    const claimed = corpusResources()
      .map((p) => ({ ...p, profile: ((p.resource.meta as { profile?: string[] } | undefined)?.profile ?? []).find((u) => u.startsWith('https://fhir.nhs.uk/STU3/StructureDefinition/')) }))
      .filter((p): p is Payload & { profile: string } => p.profile !== undefined);
    const typeNames = claimed.map((p) => profileTypeName(p.profile));
    const guards = [...new Set(typeNames)].map((n) => `is${n}`);
    const results = runGuards(join(consumer.root, 'node_modules', TYPES_PACKAGE, 'index.js'), guards, claimed);
    const accepted = claimed.map((_, i) => results[i][guards.indexOf(`is${typeNames[i]}`)]);
    expect(claimed.length).toBeGreaterThanOrEqual(20);
    expect(accepted.filter((ok) => !ok)).toHaveLength(3);
    const lines = claimed.flatMap((p, i) => [...(accepted[i] ? [] : [`// @ts-expect-error ${p.name}: its guard rejects it too`]), `export const r${i}: ${typeNames[i]} = ${literal(p.resource)};`]);
    const file = consumer.write('corpus.ts', [`import type { ${[...new Set(typeNames)].join(', ')} } from '${TYPES_PACKAGE}';`, ...lines, ''].join('\n'));
    expect(compile([file])).toEqual([]);
  });

  /**
   * HL7's STU3 examples (npm hl7.fhir.r3.examples, as in test/validate/hl7-examples.test.ts), the 606 that
   * are instances rather than definitions, each as its resource type from `base.d.ts`: valid FHIR JSON the
   * types were not written against must compile. The one that does not is one the validator rejects too.
   */
  test("HL7's STU3 examples compile as their resource types", () => {
    const dir = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r3.examples/package.json'));
    const definitions = /^(DataElement|SearchParameter|ValueSet|CodeSystem|StructureDefinition|NamingSystem|OperationDefinition|ConceptMap|CompartmentDefinition|CapabilityStatement|ImplementationGuide)-|^ig-|^package\.json$/;
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !definitions.test(f)).sort();
    expect(files).toHaveLength(606);
    const rejected: Record<string, string> = { 'Questionnaire-qs1.json': 'items without a linkId (1..1), as the validator says' };
    const examples = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8').replace(/^\uFEFF/, '')) as { resourceType: string });
    const types = [...new Set(examples.map((r) => r.resourceType))].sort();
    const lines = examples.flatMap((r, i) => [...(files[i] in rejected ? [`// @ts-expect-error ${files[i]}: ${rejected[files[i]]}`] : []), `export const r${i}: ${r.resourceType} = ${literal(r)};`]);
    const file = consumer.write('hl7-examples.ts', [`import type { ${types.join(', ')} } from '${TYPES_PACKAGE}';`, ...lines, ''].join('\n'));
    expect(compile([file])).toEqual([]);
  }, 180_000);

  // @types/fhir leaves out the nulls with which FHIR JSON aligns a repeating primitive's values and their
  // `_x` companions (json.html; ours allow them, so that valid JSON compiles): compared with those taken out.
  test('every profile and extension type is assignable to its @types/fhir fhir3 type, alignment nulls aside', () => {
    const pkg = join(out, 'package');
    const profiles = readdirSync(pkg)
      .filter((f) => f.startsWith('StructureDefinition-'))
      .map((f) => readJson(join(pkg, f)) as unknown as StructureDefinition)
      .filter((sd) => sd.derivation === 'constraint');
    expect(profiles.length).toBe(25);
    const names = profiles.map((sd) => profileTypeName(sd.url));
    const file = consumer.write(
      'fhir3-compatible.ts',
      [
        '/// <reference types="fhir" />',
        `import type { ${names.join(', ')} } from '${TYPES_PACKAGE}';`,
        'type NoAlignmentNulls<T> = T extends string | number | boolean ? T : T extends ReadonlyArray<infer U> ? Array<NoAlignmentNulls<Exclude<U, null>>> : T extends object ? { [K in keyof T]: NoAlignmentNulls<T[K]> } : T;',
        ...profiles.map((sd, i) => `declare const p${i}: NoAlignmentNulls<${names[i]}>;\nexport const f${i}: fhir3.${sd.type} = p${i};`),
        '',
      ].join('\n'),
    );
    expect(compile([file])).toEqual([]);
  });
});
