/** `typesPackage` in fhir.config.json: the npm name of generated/types/, defaulting to `<packageId>-types`. */
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { typesPackageName } from '../../scripts/emit/types/emit-types.js';
import { parseConfig } from '../../scripts/load/config.js';

const base = {
  packageId: 'nhsdigital.gpconnect.stu3',
  version: '1.2.7',
  canonical: 'https://fhir.nhs.uk/STU3',
  fhirVersion: '3.0.2',
  title: 't',
  description: 'd',
  author: 'a',
  license: 'Apache-2.0',
  dependencies: { 'hl7.fhir.r3.core': '3.0.2' },
  dependencySources: [{ type: 'directory', path: 'packages' }],
  sources: ['profiles'],
};

function parse(patch: Record<string, unknown>) {
  const diagnostics = new Diagnostics();
  const config = parseConfig(JSON.stringify({ ...base, ...patch }, null, 2), '/project/fhir.config.json', diagnostics);
  return { config, messages: diagnostics.all.map((d) => `${d.severity} ${d.code}: ${d.message}`) };
}

describe('typesPackage', () => {
  test('defaults to <packageId>-types', () => {
    const { config, messages } = parse({});
    expect(messages).toEqual([]);
    expect(config && typesPackageName(config)).toBe('nhsdigital.gpconnect.stu3-types');
  });

  test('takes an npm package name, scoped or not', () => {
    for (const name of ['gpconnect-types', '@nhs/gpconnect-types']) {
      const { config, messages } = parse({ typesPackage: name });
      expect(messages).toEqual([]);
      expect(config && typesPackageName(config)).toBe(name);
    }
  });

  test('refuses what npm would refuse, naming the field', () => {
    for (const bad of ['GPConnect-Types', 'has space', '', 42]) {
      const { config, messages } = parse({ typesPackage: bad });
      expect(messages).toEqual([expect.stringMatching(/^error config\.invalid-value: 'typesPackage' must be an npm package name/)]);
      expect(config && typesPackageName(config)).toBe('nhsdigital.gpconnect.stu3-types');
    }
  });
});
