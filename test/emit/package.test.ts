import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { emitFhirPackage, type PackageIndex } from '../../scripts/emit/package/index.js';
import type { OutputFile } from '../../scripts/emit/output.js';
import { config, longId, sampleExamples, sampleResources } from './sample.js';

function emit(resources = sampleResources(), examples = sampleExamples()) {
  const diagnostics = new Diagnostics();
  const files = emitFhirPackage({ config, resources, examples }, { diagnostics });
  return { files, diagnostics, byPath: new Map(files.map((f) => [f.path, f])) };
}

function json(file: OutputFile | undefined): unknown {
  if (!file) throw new Error('missing file');
  return JSON.parse(file.content.toString('utf8'));
}

describe('emitFhirPackage', () => {
  it('lists package.json, both indexes and one file per resource, sorted by path', () => {
    const { files, diagnostics } = emit();
    expect(diagnostics.all).toEqual([]);
    expect(files.map((f) => f.path)).toEqual([
      'package/.index.json',
      'package/CodeSystem-cancel-reason.json',
      'package/SearchParameter-Appointment-ext.json',
      'package/StructureDefinition-CareConnect-GPC-Patient-1.json',
      `package/StructureDefinition-${longId}.json`,
      'package/ValueSet-GPConnect-AppointmentCancellationReason-1.json',
      'package/examples/.index.json',
      `package/examples/MedicationStatement-${longId}.json`,
      'package/examples/Patient-example-patient.json',
      'package/package.json',
    ]);
  });

  it('writes package.json with name and version first, other keys sorted, no date', () => {
    const { byPath } = emit();
    const file = byPath.get('package/package.json');
    const manifest = json(file) as Record<string, unknown>;
    expect(Object.keys(manifest)).toEqual([
      'name', 'version', 'author', 'canonical', 'dependencies', 'description', 'fhirVersions', 'license', 'title', 'type', 'url',
    ]);
    expect(manifest).toEqual({
      name: 'example.fhir.emit.test',
      version: '1.2.7',
      author: 'Toolchain tests',
      canonical: 'https://fhir.example.org/STU3',
      dependencies: { 'a.first.dep': '1.0.0', 'hl7.fhir.r3.core': '3.0.2' },
      description: 'Resources for the package emitter tests.',
      fhirVersions: ['3.0.2'],
      license: 'Apache-2.0',
      title: 'Emit test package',
      type: 'IG',
      url: 'https://fhir.example.org/STU3',
    });
    expect(Object.keys(manifest.dependencies as object)).toEqual(['a.first.dep', 'hl7.fhir.r3.core']);
    expect(file?.content.toString('utf8')).toMatch(/^\{\n {2}"name": "example\.fhir\.emit\.test",\n/);
    expect(file?.content.toString('utf8').endsWith('}\n')).toBe(true);
  });

  it('writes .index.json (index-version 1) with url, version, kind and type where the resource has them', () => {
    const { byPath } = emit();
    const index = json(byPath.get('package/.index.json')) as PackageIndex;
    expect(Object.keys(index)).toEqual(['index-version', 'files']);
    expect(index['index-version']).toBe(1);
    expect(index.files.map((f) => f.filename)).toEqual([...index.files.map((f) => f.filename)].sort());
    expect(index.files).toContainEqual({
      filename: 'StructureDefinition-CareConnect-GPC-Patient-1.json',
      resourceType: 'StructureDefinition',
      id: 'CareConnect-GPC-Patient-1',
      url: 'https://fhir.example.org/STU3/StructureDefinition/CareConnect-GPC-Patient-1',
      version: '1.8.0',
      kind: 'resource',
      type: 'Patient',
    });
    expect(index.files).toContainEqual({
      filename: 'CodeSystem-cancel-reason.json',
      resourceType: 'CodeSystem',
      id: 'cancel-reason',
      url: 'https://fhir.example.org/STU3/CodeSystem/cancel-reason',
    });
    expect(index.files.find((f) => f.resourceType === 'SearchParameter')?.type).toBe('token');

    const examples = json(byPath.get('package/examples/.index.json')) as PackageIndex;
    expect(examples.files).toEqual([
      { filename: `MedicationStatement-${longId}.json`, resourceType: 'MedicationStatement', id: longId },
      { filename: 'Patient-example-patient.json', resourceType: 'Patient', id: 'example-patient' },
    ]);
  });

  it('keeps resource keys in the given (FHIR) order, 2-space indent, trailing newline', () => {
    const { byPath } = emit();
    const text = byPath.get('package/StructureDefinition-CareConnect-GPC-Patient-1.json')?.content.toString('utf8') ?? '';
    expect(text).toBe(`${JSON.stringify(sampleResources()[0], null, 2)}\n`);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(Object.keys(sampleResources()[0]));
  });

  it('gives the same files for any input order', () => {
    const a = emit().files;
    const b = emit([...sampleResources()].reverse(), [...sampleExamples()].reverse()).files;
    expect(b.map((f) => f.path)).toEqual(a.map((f) => f.path));
    b.forEach((f, i) => expect(f.content.equals(a[i].content)).toBe(true));
  });

  it('leaves out examples/ when there are no examples', () => {
    const { files } = emit(sampleResources(), []);
    expect(files.some((f) => f.path.startsWith('package/examples/'))).toBe(false);
  });

  it('reports a resource without id, a bad id, and two resources with the same file name', () => {
    const resources = sampleResources();
    const dup = { ...resources[2], name: 'Other' };
    const { files, diagnostics } = emit([...resources, { resourceType: 'ValueSet', url: 'x' }, { resourceType: 'Patient', id: '../escape' }, dup], []);
    expect(diagnostics.all.map((d) => [d.severity, d.code])).toEqual([
      ['error', 'package.missing-id'],
      ['error', 'package.invalid-id'],
      ['error', 'package.duplicate-file'],
    ]);
    expect(files.filter((f) => f.path === 'package/CodeSystem-cancel-reason.json')).toHaveLength(1);
    expect(files.some((f) => f.path.includes('escape'))).toBe(false);
  });

  it('keeps the same duplicate whatever the order', () => {
    const r = sampleResources();
    const dup = { ...r[2], name: 'Other' };
    const pick = (list: typeof r) => emit(list, []).byPath.get('package/CodeSystem-cancel-reason.json')?.content.toString('utf8');
    expect(pick([...r, dup])).toBe(pick([dup, ...r]));
  });

  it('reports file names that differ only in case', () => {
    const { diagnostics } = emit([{ resourceType: 'Patient', id: 'a' }, { resourceType: 'Patient', id: 'A' }], []);
    expect(diagnostics.all.map((d) => d.code)).toEqual(['package.duplicate-file']);
  });

  it('reports a bad package id, version and canonical', () => {
    const diagnostics = new Diagnostics();
    emitFhirPackage({ config: { ...config, packageId: 'Bad Name', version: '1.2', canonical: 'https://x.org/' }, resources: [] }, { diagnostics });
    expect(diagnostics.all.map((d) => [d.code, d.path])).toEqual([
      ['package.invalid-config', 'packageId'],
      ['package.invalid-config', 'version'],
      ['package.invalid-config', 'canonical'],
    ]);
    const ok = new Diagnostics();
    emitFhirPackage({ config: { ...config, canonical: 'http://x' }, resources: [] }, { diagnostics: ok });
    expect(ok.all).toEqual([]);
  });
});
