/**
 * The proof of the XML reader: every resource in the official STU3 definition bundles
 * (../shared/hl7-stu3/definitions-xml), read from XML, equals the same resource in the
 * hl7.fhir.r3.core 3.0.2 package, narratives aside. The few genuine upstream differences are
 * listed below with their reasons, and each is checked to be exactly that difference.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Diagnostics, formatDiagnostic } from '../../scripts/diagnostics/diagnostics.js';
import { SourceMap } from '../../scripts/diagnostics/source-map.js';
import { readXmlResource } from '../../scripts/format/xml/read-xml.js';
import type { Bundle, Resource, StructureDefinition } from '../../scripts/model/fhir.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import { coreIndex, definitionsXmlDir, packageResources } from '../helpers/shared.js';

/**
 * Resources whose XML holds literal tab characters inside attribute values. XML 1.0 (section 3.3.3,
 * attribute-value normalisation) makes every conforming parser read them as spaces, which the
 * reader does; the package was converted without that normalisation and kept the tabs.
 */
const tabsInAttributeValues: Record<string, string> = {
  'CodeSystem/v3-ActClass': 'tabs in concept definitions',
  'CodeSystem/v3-ActCode': 'tabs in concept definitions',
  'CodeSystem/v3-RoleCode': 'a tab in a concept definition',
};

/**
 * Ids used by two resources in the XML. namingsystem-registry.xml gives both the US Social Security
 * Number and the US Medicare Number NamingSystems the id `us-ssn`; the package, one file per id,
 * holds the Social Security one. Value: how many resources share the id.
 */
const duplicateIds: Record<string, number> = { 'NamingSystem/us-ssn': 2 };

const withoutNarrative = (r: Resource): Resource => {
  const { text: _text, ...rest } = r;
  return rest as Resource;
};
const key = (r: Resource): string => `${r.resourceType}/${r.id}`;

/** A copy with every tab in a string turned into a space (what attribute-value normalisation does). */
function tabsToSpaces(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\t/g, ' ');
  if (Array.isArray(v)) return v.map(tabsToSpaces);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tabsToSpaces(x)]));
  return v;
}

describe('definitions-xml bundles read as the core package', () => {
  const model = ElementModel.fromSource(coreIndex());
  const core = new Map(packageResources().map((r) => [key(r), r]));
  const files = readdirSync(definitionsXmlDir).filter((f) => f.endsWith('.xml')).sort();
  const read = new Map<string, Resource[]>();
  const sources = new SourceMap();
  const diagnostics = new Diagnostics();

  beforeAll(() => {
    for (const file of files) {
      const text = readFileSync(join(definitionsXmlDir, file), 'utf8');
      const bundle = readXmlResource(text, file, { model, diagnostics, sources }) as Bundle | undefined;
      expect(bundle?.resourceType).toBe('Bundle');
      for (const entry of bundle?.entry ?? []) {
        if (!entry.resource) continue;
        const list = read.get(key(entry.resource)) ?? [];
        list.push(entry.resource);
        read.set(key(entry.resource), list);
      }
    }
  });

  // The reading speed is a benchmark figure (`npm run bench -- xml`), not a test.
  it('reads every bundle without a diagnostic', () => {
    expect(files).toHaveLength(10);
    expect(diagnostics.all.map(formatDiagnostic)).toEqual([]);
  });

  it('covers every resource of the package, and the package covers every resource read', () => {
    const count = [...read.values()].reduce((n, list) => n + list.length, 0);
    expect(count).toBe(4013);
    expect(read.size).toBe(4012);
    expect(core.size).toBe(4012);
    expect([...core.keys()].filter((k) => !read.has(k))).toEqual([]);
  });

  it('gives every resource exactly as the package has it, narratives aside', () => {
    const mismatches: string[] = [];
    let compared = 0;
    for (const [k, list] of read) {
      const expected = core.get(k);
      if (!expected) continue;
      compared++;
      const want = withoutNarrative(expected);
      if (duplicateIds[k] !== undefined) {
        expect(list).toHaveLength(duplicateIds[k]);
        if (list.filter((r) => isDeepStrictEqual(withoutNarrative(r), want)).length !== 1) mismatches.push(k);
      } else if (tabsInAttributeValues[k] !== undefined) {
        expect(isDeepStrictEqual(withoutNarrative(list[0]), want)).toBe(false);
        if (!isDeepStrictEqual(withoutNarrative(list[0]), tabsToSpaces(want))) mismatches.push(k);
      } else if (list.length !== 1 || !isDeepStrictEqual(withoutNarrative(list[0]), want)) {
        mismatches.push(k);
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBe(4012);
  });

  it('carries narratives as XHTML strings with their namespace', () => {
    const sd = read.get('StructureDefinition/Patient')?.[0];
    const div = (sd?.text as { div?: unknown } | undefined)?.div;
    expect(typeof div).toBe('string');
    expect(div).toMatch(/^<div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml">[\s\S]*<\/div>$/);
  });

  it('records a file and line for every resource and every differential element', () => {
    let elements = 0;
    for (const list of read.values()) {
      for (const r of list) {
        expect(sources.locate(r)?.line).toBeGreaterThan(0);
        if (r.resourceType !== 'StructureDefinition') continue;
        for (const e of (r as StructureDefinition).differential?.element ?? []) {
          const at = sources.locate(e);
          if (!at?.file || !at.line || !at.path?.includes('.differential.element[')) throw new Error(`no location for ${e.id ?? e.path}`);
          elements++;
        }
      }
    }
    expect(elements).toBe(5820);
    const patient = read.get('StructureDefinition/Patient')?.[0] as StructureDefinition | undefined;
    const first = sources.locate(patient?.differential?.element[0] ?? {});
    expect(first?.file).toBe('profiles-resources.xml');
    const lines = readFileSync(join(definitionsXmlDir, 'profiles-resources.xml'), 'utf8').split('\n');
    expect(lines[(first?.line ?? 0) - 1]).toContain('<element id="Patient">');
  });
});
