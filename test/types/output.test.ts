/**
 * The generated types as text: chosen declarations compared with the reviewed expected output in
 * test/types/expected/ (the spec of what a profile, an extension, a value set and a code system look
 * like), the package layout, and a rebuild that changes nothing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../../scripts/build.js';
import { tempProject } from '../build/project.js';

const expectedDir = join(dirname(fileURLToPath(import.meta.url)), 'expected');

/** The top-level block (JSDoc included) that declares `name`, from a generated file. */
function declaration(text: string, name: string): string | undefined {
  const pattern = new RegExp(`^export (?:interface|type|declare const|const) ${name}\\b`, 'm');
  return text.split(/\n{2,}/).find((block) => pattern.test(block));
}

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const project = tempProject();
let types: string;
beforeAll(async () => {
  const result = await build({ configFile: project.config, offline: true });
  expect(result.status).toBe('ok');
  types = join(project.out, 'types');
}, 300_000);

const read = (file: string) => readFileSync(join(types, file), 'utf8');

describe('generated types: expected output', () => {
  test.each([
    ['profiles.d.ts', 'GPConnectAppointment1'],
    ['profiles.d.ts', 'GPConnectAppointment1Participant'],
    ['profiles.d.ts', 'ExtensionGPConnectDeliveryChannel2'],
    ['profiles.d.ts', 'ExtensionCareConnectGPCRegistrationDetails1'],
    ['terminology.d.ts', 'ValueSetGPConnectDeliveryChannel1'],
    ['terminology.d.ts', 'ValueSetAppointmentStatus'],
    ['terminology.d.ts', 'CodeSystemGPConnectDeliveryChannel1'],
    ['terminology.js', 'CodeSystemGPConnectDeliveryChannel1'],
  ])('%s: %s', (file, name) => {
    const expected = readFileSync(join(expectedDir, `${name}.${file.endsWith('.js') ? 'js' : 'd.ts'}.txt`), 'utf8');
    expect(`${declaration(read(file), name)}\n`).toBe(expected);
  });

  test('the package: package.json, entry points, guards, and the validators it runs', () => {
    expect(JSON.parse(read('package.json'))).toEqual({
      name: 'nhsdigital.gpconnect.stu3-types',
      version: '1.2.7',
      description: 'TypeScript types and runtime type guards for the FHIR package nhsdigital.gpconnect.stu3#1.2.7 (GP Connect API (STU3)).',
      author: 'tests',
      license: 'Apache-2.0',
      type: 'module',
      main: './index.js',
      types: './index.d.ts',
      exports: {
        '.': { types: './index.d.ts', default: './index.js' },
        './validators': { types: './validators/index.d.mts', default: './validators/index.mjs' },
        './package.json': './package.json',
      },
      sideEffects: false,
    });
    expect(Object.keys(hashes(types)).sort()).toEqual([
      'README.md', 'base.d.ts', 'index.d.ts', 'index.js', 'package.json', 'profiles.d.ts', 'terminology.d.ts', 'terminology.js',
      'validators/core.mjs', 'validators/index.d.mts', 'validators/index.mjs', 'validators/profiles.mjs',
    ]);
    // The same validator modules as generated/validators/, so the guards agree with the build's validation.
    for (const module of ['core.mjs', 'profiles.mjs', 'index.mjs']) expect(read(`validators/${module}`)).toBe(readFileSync(join(project.out, 'validators', module), 'utf8'));
    const index = read('index.d.ts');
    for (const guard of ['isGPConnectAppointment1', 'isCareConnectGPCPatient1', 'isGPConnectSearchsetBundle1', 'isAppointment']) {
      expect(index).toMatch(new RegExp(`^export declare function ${guard}\\(value: unknown\\): value is ${guard.slice(2)};$`, 'm'));
    }
    expect(read('index.js')).toContain('export const isGPConnectAppointment1 = guard("https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Appointment-1", "GPConnectAppointment1");');
    // The guard's code rules: Appointment.status and the participants' codes, as the type has them.
    expect(read('index.js')).toMatch(/^ {2}"GPConnectAppointment1Participant": \{.*"required":\{"codes":\["information-only","optional","required"\]\},"status":\{"codes":\["accepted","declined","needs-action","tentative"\]\}\},$/m);
  });

  test('base types come from hl7.fhir.r3.core: every resource type (for contained resources), with bindings and choices', () => {
    const base = read('base.d.ts');
    expect(base).toMatch(/^export type FhirResource =\n {2}\| Account\n/m);
    expect(declaration(base, 'Appointment')).toMatch(/^ {2}status: ValueSetAppointmentStatus;$/m);
    expect(declaration(base, 'Appointment')).toMatch(/^ {2}contained\?: FhirResource\[\];$/m);
    // Extension.value[x]: one variant per type, the others `?: never`.
    expect(declaration(base, 'Extension')).toMatch(/^ {2}\| \{ valueBoolean: boolean; _valueBoolean\?: Element; valueBase64Binary\?: never;/m);
    // ElementDefinition's six choices of 38 types would multiply out: they are optional properties instead.
    expect(declaration(base, 'ElementDefinition')).toMatch(/^ {2}fixedCode\?: string;$/m);
  });
});

test('every project value set has a type: its union, or string (with the reason) when it cannot be expanded', () => {
  const terminology = read('terminology.d.ts');
  const ids = readdirSync(join(project.root, 'valuesets')).map((f) => f.replace(/^ValueSet-|\.xml$/g, ''));
  expect(ids).toHaveLength(19);
  for (const id of ids) expect(terminology).toMatch(new RegExp(`^export type ValueSet${id.replace(/-/g, '')} = `, 'm'));
  expect(declaration(terminology, 'ValueSetDeviceType1')).toMatch(/Not expanded at build time: compose of http:\/\/snomed\.info\/sct uses filters; its codes are typed `string`\.\n \*\/\nexport type ValueSetDeviceType1 = string;$/);
});

describe('generated types: rebuild', () => {
  test('a second build writes byte-identical types', async () => {
    const first = hashes(types);
    const again = await build({ configFile: project.config, offline: true });
    expect(again.status).toBe('ok');
    expect(hashes(types)).toEqual(first);
  });
});
