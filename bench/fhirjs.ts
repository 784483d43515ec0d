/**
 * FHIR.js (npm `fhir`) set up as a validation peer, one way for every benchmark: its STU3 parser loaded
 * from hl7.fhir.r3.core with the structure definitions of every resource and datatype, and the code
 * systems and value sets, so that it checks codes against bindings as ours does (without them it reports
 * each binding's value set as not found and checks no code).
 */
import fhirjs from 'fhir';
import type { LoadedPackages } from '../scripts/load/packages/index.js';

export function fhirJsPeer(packages: LoadedPackages): InstanceType<typeof fhirjs.Fhir> {
  const parser = new fhirjs.ParseConformance(false, fhirjs.Versions.STU3);
  const sds = packages.resourcesOfType('StructureDefinition').filter((r) => ['resource', 'complex-type', 'primitive-type'].includes(String(r.kind)));
  const terminology = [...packages.resourcesOfType('CodeSystem'), ...packages.resourcesOfType('ValueSet')];
  parser.parseBundle({ resourceType: 'Bundle', entry: [...terminology, ...sds].map((resource) => ({ resource: structuredClone(resource) })) });
  return new fhirjs.Fhir(parser);
}
