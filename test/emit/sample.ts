/** A small package worth of resources for the emit tests. Key order is FHIR order, and the tests check it survives. */
import type { Resource } from '../../scripts/model/fhir.js';
import type { PackageConfig } from '../../scripts/emit/package/index.js';

export const config: PackageConfig = {
  packageId: 'example.fhir.emit.test',
  version: '1.2.7',
  canonical: 'https://fhir.example.org/STU3',
  fhirVersion: '3.0.2',
  title: 'Emit test package',
  description: 'Resources for the package emitter tests.',
  author: 'Toolchain tests',
  license: 'Apache-2.0',
  dependencies: { 'hl7.fhir.r3.core': '3.0.2', 'a.first.dep': '1.0.0' },
};

/** 64 characters, the longest FHIR id: `package/examples/MedicationStatement-<id>.json` is past the 100-byte ustar name field. */
export const longId = `long-${'x'.repeat(59)}`;

export function sampleResources(): Resource[] {
  return [
    {
      resourceType: 'StructureDefinition',
      id: 'CareConnect-GPC-Patient-1',
      url: 'https://fhir.example.org/STU3/StructureDefinition/CareConnect-GPC-Patient-1',
      version: '1.8.0',
      name: 'CareConnectGPCPatient1',
      status: 'active',
      kind: 'resource',
      abstract: false,
      type: 'Patient',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient',
      derivation: 'constraint',
      differential: { element: [{ id: 'Patient', path: 'Patient' }] },
    },
    {
      resourceType: 'ValueSet',
      id: 'GPConnect-AppointmentCancellationReason-1',
      url: 'https://fhir.example.org/STU3/ValueSet/GPConnect-AppointmentCancellationReason-1',
      version: '1.0.0',
      name: 'GPConnectAppointmentCancellationReason',
      status: 'active',
      compose: { include: [{ system: 'https://fhir.example.org/STU3/CodeSystem/cancel-reason' }] },
    },
    {
      resourceType: 'CodeSystem',
      id: 'cancel-reason',
      url: 'https://fhir.example.org/STU3/CodeSystem/cancel-reason',
      name: 'CancelReason',
      status: 'draft',
      content: 'complete',
      concept: [{ code: 'a', display: 'A' }],
    },
    {
      resourceType: 'SearchParameter',
      id: 'Appointment-ext',
      url: 'https://fhir.example.org/STU3/SearchParameter/Appointment-ext',
      name: 'ext',
      status: 'active',
      code: 'ext',
      base: ['Appointment'],
      type: 'token',
      description: 'A search parameter (its `type` goes into the index too)',
    },
    {
      resourceType: 'StructureDefinition',
      id: longId,
      url: `https://fhir.example.org/STU3/StructureDefinition/${longId}`,
      name: 'LongOne',
      status: 'draft',
      kind: 'complex-type',
      abstract: false,
      type: 'Extension',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
      derivation: 'constraint',
    },
  ];
}

export function sampleExamples(): Resource[] {
  return [
    { resourceType: 'Patient', id: 'example-patient', meta: { profile: ['https://fhir.example.org/STU3/StructureDefinition/CareConnect-GPC-Patient-1'] }, active: true },
    { resourceType: 'MedicationStatement', id: longId, status: 'active', subject: { reference: 'Patient/example-patient' } },
  ];
}
