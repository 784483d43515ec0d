import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from '../../scripts/build.js';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { loadDependencies } from '../../scripts/load/packages/index.js';
import type { StructureDefinition } from '../../scripts/model/fhir.js';
import { fhirPackagesDir } from '../helpers/shared.js';
import { tempProject } from './project.js';

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('build of the project', () => {
  const project = tempProject();
  let first: Awaited<ReturnType<typeof build>>;

  beforeAll(async () => {
    first = await build({ configFile: project.config, offline: true });
  });

  test('succeeds with no errors and a snapshot for every profile', () => {
    expect(first.diagnostics.sorted().filter((d) => d.severity === 'error')).toEqual([]);
    expect(first.status).toBe('ok');
    const pkg = join(project.out, 'package');
    const profiles = readdirSync(pkg).filter((f) => f.startsWith('StructureDefinition-'));
    expect(profiles.length).toBeGreaterThanOrEqual(20);
    for (const f of profiles) {
      const sd = JSON.parse(readFileSync(join(pkg, f), 'utf8')) as StructureDefinition;
      expect(sd.snapshot?.element.length).toBeGreaterThan(sd.differential?.element.length ?? 0);
    }
  });

  test('package.json carries the FHIR package fields', () => {
    const manifest = JSON.parse(readFileSync(join(project.out, 'package', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'nhsdigital.gpconnect.stu3', version: '1.2.7', fhirVersions: ['3.0.2'], dependencies: { 'hl7.fhir.r3.core': '3.0.2' }, canonical: 'https://fhir.nhs.uk/STU3' });
    for (const key of ['url', 'title', 'description', 'author', 'license', 'type']) expect(manifest[key]).toBeDefined();
    expect(readdirSync(join(project.out, 'package', 'examples')).length).toBeGreaterThan(1);
  });

  test('a second build gives the same bytes', async () => {
    const out2 = join(project.root, 'generated-2');
    const second = await build({ configFile: project.config, outDir: out2, offline: true });
    expect(second.status).toBe('ok');
    expect(tree(out2)).toEqual(tree(project.out));
  });

  test('the tarball loads through fhir-package-loader and every resource is found by URL', async () => {
    // A consumer project depending on the built package, found as a tarball in generated/.
    const consumer = mkdtempSync(join(tmpdir(), 'fhir-stu3-consumer-'));
    const diagnostics = new Diagnostics();
    const packages = await loadDependencies(
      {
        projectRoot: consumer,
        dependencies: { 'nhsdigital.gpconnect.stu3': '1.2.7' },
        dependencySources: [
          { type: 'directory', path: project.out },
          { type: 'directory', path: fhirPackagesDir },
        ],
      },
      { diagnostics, offline: true },
    );
    expect(diagnostics.sorted().filter((d) => d.severity === 'error')).toEqual([]);
    const index = JSON.parse(readFileSync(join(project.out, 'package', '.index.json'), 'utf8')) as { files: Array<{ url?: string; resourceType: string; id: string }> };
    expect(index.files.length).toBeGreaterThan(50);
    for (const entry of index.files) {
      if (!entry.url) continue;
      expect(packages?.byUrl(entry.url, entry.resourceType)).toMatchObject({ resourceType: entry.resourceType, id: entry.id });
      expect(packages?.originOf(entry.url)).toBe('nhsdigital.gpconnect.stu3#1.2.7');
    }
  });
});

describe('bad input: a diagnostic with file and location, a failed build, generated/ untouched', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['malformed XML', 'profiles/Broken-1.xml', '<StructureDefinition xmlns="http://hl7.org/fhir"><id value="x"/>\n<url value="y">\n</StructureDefinition>', /^load\.xml/],
    ['malformed JSON', 'valuesets/ValueSet-Broken-1.json', '{ "resourceType": "ValueSet", "id": "Broken-1",\n "status": }', /^load\.json/],
    ['an unknown resource type', 'valuesets/Thing-1.json', '{ "resourceType": "Thingamajig", "id": "Thing-1" }', /^load\.json/],
    ['a wrong root element', 'codesystems/Wrong-1.xml', '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', /^load\.xml/],
    ['a DOCTYPE with an entity', 'codesystems/Doctype-1.xml', '<?xml version="1.0"?>\n<!DOCTYPE CodeSystem [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<CodeSystem xmlns="http://hl7.org/fhir"><id value="&x;"/></CodeSystem>', /^load\.xml/],
    [
      'a differential element not in the base',
      'profiles/StructureDefinition-GPConnect-Bad-1.xml',
      `<StructureDefinition xmlns="http://hl7.org/fhir">
  <id value="GPConnect-Bad-1"/><url value="https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Bad-1"/>
  <name value="GPConnect-Bad-1"/><status value="draft"/><fhirVersion value="3.0.2"/><kind value="resource"/>
  <abstract value="false"/><type value="Slot"/><baseDefinition value="http://hl7.org/fhir/StructureDefinition/Slot"/>
  <derivation value="constraint"/>
  <differential>
    <element id="Slot.nonsense"><path value="Slot.nonsense"/><min value="1"/></element>
  </differential>
</StructureDefinition>`,
      /^snapshot\.unmatched-element$/,
    ],
  ];

  test.each(cases)('%s', async (_name, file, text, code) => {
    const project = tempProject({ [file]: text });
    mkdirSync(project.out, { recursive: true });
    writeFileSync(join(project.out, 'previous.txt'), 'from an earlier build');
    const before = tree(project.out);
    const result = await build({ configFile: project.config, offline: true });
    expect(result.status).toBe('content-errors');
    const errors = result.diagnostics.sorted().filter((d) => d.severity === 'error' || d.severity === 'fatal');
    expect(errors.length).toBeGreaterThan(0);
    const mine = errors.filter((d) => d.file === file);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.some((d) => code.test(d.code))).toBe(true);
    expect(mine.every((d) => d.line !== undefined || d.path !== undefined)).toBe(true);
    expect(tree(project.out)).toEqual(before);
  });
});
