import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { parseConfig } from '../../scripts/load/config.js';

const base = {
  packageId: 'nhsdigital.gpconnect.stu3', version: '1.2.8', canonical: 'https://fhir.nhs.uk/STU3', fhirVersion: '3.0.2',
  title: 'T', description: 'D', author: 'A', license: 'Apache-2.0', dependencies: { 'hl7.fhir.r3.core': '3.0.2' }, sources: ['profiles'],
};

describe('config: previousPackage', () => {
  test('a path or name@version is kept as given; absent means no previous release', () => {
    for (const previousPackage of ['generated-1.2.7/nhsdigital.gpconnect.stu3-1.2.7.tgz', 'nhsdigital.gpconnect.stu3@1.2.7']) {
      const diagnostics = new Diagnostics();
      const config = parseConfig(JSON.stringify({ ...base, previousPackage }), '/projects/demo/fhir.config.json', diagnostics);
      expect(diagnostics.sorted().filter((d) => d.severity !== 'information')).toEqual([]);
      expect(config?.previousPackage).toBe(previousPackage);
    }
    expect(parseConfig(JSON.stringify(base), '/projects/demo/fhir.config.json', new Diagnostics())?.previousPackage).toBeUndefined();
  });

  test('anything else is an error naming the field', () => {
    const diagnostics = new Diagnostics();
    parseConfig(JSON.stringify({ ...base, previousPackage: 7 }, null, 2), '/projects/demo/fhir.config.json', diagnostics);
    expect(diagnostics.sorted().map((d) => `${d.file}:${d.line} ${d.path} ${d.message}`)).toEqual([
      "fhir.config.json:16 previousPackage 'previousPackage' must be a tarball or folder path, or name@version",
    ]);
  });
});
