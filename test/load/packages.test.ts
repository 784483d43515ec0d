/** Loading hl7.fhir.r3.core and hl7.fhir.r3.expansions from ../shared/fhir-packages, and lookups in them. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { loadDependencies, LoadedPackages, type PackageIndex, type ResourceReader } from '../../scripts/load/packages/index.js';
import type { StructureDefinition, ValueSet } from '../../scripts/model/fhir.js';
import { corePackageTgz, expansionsPackageTgz, fhirPackagesDir } from '../helpers/shared.js';
import { configFor, forbiddenRegistry, progressLog, tempProject, type TempProject } from './packages-helpers.js';

const CORE = 'hl7.fhir.r3.core#3.0.2';
const SD = 'http://hl7.org/fhir/StructureDefinition/';

let project: TempProject;
let packages: LoadedPackages;
const registry = forbiddenRegistry();
const diagnostics = new Diagnostics();
const cold = progressLog();
const timings: Record<string, number> = {};

function sources(p: TempProject) {
  return [
    { type: 'directory' as const, path: fhirPackagesDir },
    { type: 'fhir-cache' as const, path: p.fhirCache },
    { type: 'registry' as const, url: 'https://registry.example.test' },
  ];
}

beforeAll(async () => {
  project = tempProject();
  const config = configFor(project.root, { 'hl7.fhir.r3.core': '3.0.2', 'hl7.fhir.r3.expansions': '3.0.2' }, sources(project));
  const t0 = performance.now();
  const loaded = await loadDependencies(config, { diagnostics, registryClient: () => registry, progress: cold.progress });
  timings.cold = performance.now() - t0;
  if (!loaded) throw new Error('no packages');
  packages = loaded;
});

afterAll(() => project.remove());

describe('loading from a directory of tarballs', () => {
  it('loads hl7.fhir.r3.core and hl7.fhir.r3.expansions from the shared folder without errors', () => {
    expect(diagnostics.hasErrors()).toBe(false);
    expect(diagnostics.all.filter((d) => d.severity !== 'information')).toEqual([]);
    expect(packages.packages.map((p) => ({ label: p.label, origin: p.origin, from: p.from, requiredBy: p.requiredBy }))).toEqual([
      { label: CORE, origin: 'directory', from: corePackageTgz, requiredBy: 'config' },
      { label: 'hl7.fhir.r3.expansions#3.0.2', origin: 'directory', from: expansionsPackageTgz, requiredBy: 'config' },
    ]);
    expect(packages.packages[0]?.resourceCount).toBe(4012);
    expect(packages.packages[1]?.resourceCount).toBeGreaterThan(400);
    expect(packages.packages[0]?.path).toBe(join(project.cacheDir, CORE));
    expect(existsSync(join(project.cacheDir, CORE, 'package', 'StructureDefinition-Patient.json'))).toBe(true);
  });

  it('touches no registry, not even to resolve a version', () => {
    expect(registry.calls).toEqual([]);
  });

  it('reports progress for the CLI', () => {
    expect(cold.stages()).toEqual([
      `extract ${CORE}`, `load ${CORE}`, `loaded ${CORE}`,
      'extract hl7.fhir.r3.expansions#3.0.2', 'load hl7.fhir.r3.expansions#3.0.2', 'loaded hl7.fhir.r3.expansions#3.0.2',
    ]);
    expect(cold.events[1]?.message).toBe(`loading ${CORE} from ${corePackageTgz}`);
  });

  it('does not extract again when the tarball has not changed (warm load)', async () => {
    const before = statSync(join(project.cacheDir, CORE, 'package', 'package.json')).mtimeMs;
    const warm = progressLog();
    const d = new Diagnostics();
    const t0 = performance.now();
    const again = await loadDependencies(configFor(project.root, { 'hl7.fhir.r3.core': '3.0.2' }, sources(project)), {
      diagnostics: d, registryClient: () => registry, progress: warm.progress,
    });
    timings.warm = performance.now() - t0;
    expect(d.hasErrors()).toBe(false);
    expect(warm.stages()).toEqual([`load ${CORE}`, `loaded ${CORE}`]);
    expect(again?.byTypeName('Patient')?.url).toBe(SD + 'Patient');
    expect(statSync(join(project.cacheDir, CORE, 'package', 'package.json')).mtimeMs).toBe(before);
    expect(registry.calls).toEqual([]);
    process.stdout.write(`hl7.fhir.r3.core + expansions cold: ${Math.round(timings.cold ?? 0)} ms; core warm: ${Math.round(timings.warm)} ms\n`);
  });
});

describe('LoadedPackages as a DefinitionSource', () => {
  it('finds StructureDefinitions by URL, ignoring |version', () => {
    const patient = packages.byUrl(SD + 'Patient') as StructureDefinition;
    expect(patient.resourceType).toBe('StructureDefinition');
    expect(patient.id).toBe('Patient');
    expect(packages.byUrl(SD + 'Patient|3.0.2')).toBe(patient);
    expect(packages.byUrl(SD + 'Patient', 'StructureDefinition')).toBe(patient);
    expect(packages.byUrl(SD + 'Patient', 'ValueSet')).toBeUndefined();
    expect(packages.byUrl(SD + 'NoSuchThing')).toBeUndefined();
    expect(packages.byUrl('Patient')).toBeUndefined();
    expect(packages.byUrl('*')).toBeUndefined();
  });

  it.each(['Patient', 'string', 'Extension', 'HumanName', 'Resource', 'DomainResource', 'Element', 'BackboneElement', 'xhtml', 'Quantity'])(
    'finds the base StructureDefinition of type %s',
    (type) => {
      const sd = packages.byTypeName(type);
      expect(sd).toMatchObject({ resourceType: 'StructureDefinition', type, url: SD + type });
      expect(sd?.derivation === undefined || sd.derivation === 'specialization').toBe(true);
    },
  );

  it('returns the StructureDefinition of a type even where a SearchParameter or CodeSystem has its name', () => {
    // SearchParameters named `date` and `code`, a CodeSystem named `PractitionerRole`.
    for (const type of ['date', 'code', 'PractitionerRole']) {
      expect(packages.byTypeName(type)).toMatchObject({ resourceType: 'StructureDefinition', type, kind: expect.stringMatching(/type|resource/) });
    }
    expect(packages.byTypeName('SimpleQuantity')).toBeUndefined(); // a constraint on Quantity, not a type
    expect(packages.byTypeName('NoSuchType')).toBeUndefined();
  });

  it('finds an extension definition and a ValueSet by URL', () => {
    const ext = packages.byUrl(SD + 'patient-birthTime', 'StructureDefinition') as StructureDefinition;
    expect(ext).toMatchObject({ type: 'Extension', derivation: 'constraint' });
    const vs = packages.byUrl('http://hl7.org/fhir/ValueSet/administrative-gender', 'ValueSet') as ValueSet;
    expect(vs.resourceType).toBe('ValueSet');
    expect(packages.byUrl('http://hl7.org/fhir/administrative-gender', 'CodeSystem')?.resourceType).toBe('CodeSystem');
  });

  it('prefers the package loaded first, and can look in one package', () => {
    const url = 'http://hl7.org/fhir/ValueSet/administrative-gender';
    expect(packages.originOf(url)).toBe(CORE);
    expect(packages.originOf(url + '|3.0.2')).toBe(CORE);
    const expanded = packages.byUrlInPackage(url, 'hl7.fhir.r3.expansions#3.0.2', 'ValueSet') as ValueSet;
    expect(expanded.expansion?.contains?.map((c) => c.code)).toEqual(expect.arrayContaining(['male', 'female', 'other', 'unknown']));
    expect(packages.originOf(SD + 'NoSuchThing')).toBeUndefined();
  });

  it('lists resources of a type, per package', () => {
    const expansions = packages.resourcesOfType('ValueSet', 'hl7.fhir.r3.expansions#3.0.2');
    expect(expansions.length).toBe(packages.packages[1]?.resourceCount);
    expect(expansions.every((r) => r.resourceType === 'ValueSet')).toBe(true);
  });

  it('memoises lookups: repeated calls neither query the index nor read a file again', () => {
    // Counted, not timed (speed belongs in the benchmarks): the same packages, behind a counting index and reader.
    const inner = packages as unknown as { index: PackageIndex; read: ResourceReader };
    const calls = { queries: 0, reads: 0 };
    const counted = new LoadedPackages(
      { findResourceInfos: (key, options) => (calls.queries++, inner.index.findResourceInfos(key, options)) },
      (path) => (calls.reads++, inner.read(path)),
      packages.packages,
    );
    const types = ['Patient', 'string', 'Extension', 'HumanName', 'Identifier', 'Reference', 'CodeableConcept', 'code', 'boolean', 'Meta'];
    const lookUp = () => types.filter((t) => counted.byTypeName(t) && counted.byUrl(SD + t, 'StructureDefinition')).length;
    expect(lookUp()).toBe(types.length);
    const first = { ...calls };
    expect(first.reads).toBe(types.length); // each resource file parsed once, whichever way it was found
    for (let i = 0; i < 100; i++) lookUp();
    expect(calls).toEqual(first);
    expect(counted.byTypeName('Patient')).toBe(counted.byUrl(SD + 'Patient'));
  });
});
