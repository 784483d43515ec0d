/** Where dependency packages come from: FHIR cache, registry, offline mode, missing packages, transitive dependencies. */
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { GuardedRegistry, loadDependencies, type LoadedPackages } from '../../scripts/load/packages/index.js';
import { LoaderLog } from '../../scripts/load/packages/load.js';
import { corePackageTgz, fhirPackagesDir } from '../helpers/shared.js';
import {
  configFor, extensionDefinition, extractIntoFhirCache, forbiddenRegistry, progressLog, servingRegistry, tempProject, writePackageTgz,
  type TempProject,
} from './packages-helpers.js';

const CORE = 'hl7.fhir.r3.core#3.0.2';
const REGISTRY = 'https://registry.example.test/npm';
const EXT = 'https://example.org/fhir/StructureDefinition/test-extension';

let p: TempProject;
beforeEach(() => {
  p = tempProject();
});
afterEach(() => p.remove());

/** One project cache for the tests that extract hl7.fhir.r3.core from the shared folder: extracted once. */
let sharedCache: string;
beforeAll(() => {
  sharedCache = mkdtempSync(join(tmpdir(), 'fhir-packages-cache-'));
});
afterAll(() => rmSync(sharedCache, { recursive: true, force: true }));

function originsOf(packages: LoadedPackages | undefined) {
  return packages?.packages.map((x) => `${x.label} ${x.origin} ${x.from}`);
}

describe('the FHIR cache route', () => {
  it('uses a FHIR cache when no directory has the tarball, without extracting anything', async () => {
    extractIntoFhirCache(corePackageTgz, p.fhirCache, 'hl7.fhir.r3.core', '3.0.2');
    const registry = forbiddenRegistry();
    const d = new Diagnostics();
    const config = configFor(p.root, { 'hl7.fhir.r3.core': '3.0.2' }, [
      { type: 'directory', path: p.tarballs },
      { type: 'fhir-cache', path: p.fhirCache },
      { type: 'registry', url: REGISTRY },
    ]);
    const packages = await loadDependencies(config, { diagnostics: d, registryClient: () => registry });
    expect(d.hasErrors()).toBe(false);
    expect(originsOf(packages)).toEqual([`${CORE} fhir-cache ${p.fhirCache}`]);
    expect(packages?.packages[0]?.path).toBe(join(p.fhirCache, CORE));
    expect(packages?.byTypeName('Patient')?.url).toBe('http://hl7.org/fhir/StructureDefinition/Patient');
    expect(registry.calls).toEqual([]);
    expect(existsSync(p.cacheDir)).toBe(false);
  });
});

describe('the registry route', () => {
  it('downloads from the registry, keeps the download in the project cache, and reuses it offline', async () => {
    const registry = servingRegistry({ [CORE]: corePackageTgz });
    const progress = progressLog();
    const d = new Diagnostics();
    const config = configFor(p.root, { 'hl7.fhir.r3.core': '3.0.2' }, [
      { type: 'directory', path: p.tarballs },
      { type: 'fhir-cache', path: p.fhirCache },
      { type: 'registry', url: REGISTRY },
    ]);
    const packages = await loadDependencies(config, { diagnostics: d, registryClient: () => registry, progress: progress.progress });
    expect(d.hasErrors()).toBe(false);
    expect(registry.calls).toEqual([`download ${CORE}`]);
    expect(originsOf(packages)).toEqual([`${CORE} registry ${REGISTRY}`]);
    expect(packages?.packages[0]?.resourceCount).toBe(4012);
    expect(progress.events.map((e) => e.message)).toContain(`downloading ${CORE} from ${REGISTRY}`);
    expect(existsSync(join(p.cacheDir, CORE, 'package', 'StructureDefinition-Patient.json'))).toBe(true);
    expect(packages?.byUrl('http://hl7.org/fhir/ValueSet/administrative-gender')?.resourceType).toBe('ValueSet');

    const offline = new Diagnostics();
    const again = await loadDependencies(config, { diagnostics: offline, offline: true, registryClient: () => forbiddenRegistry() });
    expect(offline.hasErrors()).toBe(false);
    expect(originsOf(again)).toEqual([`${CORE} project-cache ${REGISTRY}`]);
  });

  it('resolves `latest` locally when a version is there, else asks the registry', async () => {
    // Each package holds a resource: one with none is refused as damaged (package-check.ts).
    await writePackageTgz(p.tarballs, { name: 'example.fhir.a', version: '1.0.0', resources: [extensionDefinition('a', EXT)] });
    await writePackageTgz(p.tarballs, { name: 'example.fhir.a', version: '1.2.0', resources: [extensionDefinition('a', EXT)] });
    const local = forbiddenRegistry();
    const sources = [{ type: 'directory' as const, path: p.tarballs }, { type: 'registry' as const, url: REGISTRY }];
    const d = new Diagnostics();
    const packages = await loadDependencies(configFor(p.root, { 'example.fhir.a': 'latest' }, sources), { diagnostics: d, registryClient: () => local });
    expect(packages?.labels).toEqual(['example.fhir.a#1.2.0']);
    expect(local.calls).toEqual([]);

    const bTgz = await writePackageTgz(p.root, { name: 'example.fhir.b', version: '2.0.0', resources: [extensionDefinition('b', EXT)] });
    const remote = servingRegistry({ 'example.fhir.b#2.0.0': bTgz }, { 'example.fhir.b': '2.0.0' });
    const d2 = new Diagnostics();
    const b = await loadDependencies(configFor(p.root, { 'example.fhir.b': 'latest' }, sources), { diagnostics: d2, registryClient: () => remote });
    expect(d2.hasErrors()).toBe(false);
    expect(b?.labels).toEqual(['example.fhir.b#2.0.0']);
    expect(remote.calls).toEqual(['resolveVersion example.fhir.b#latest', 'download example.fhir.b#2.0.0']);
  });
});

describe('missing packages', () => {
  it('names package#version and every place looked in, with the registry failure', async () => {
    const other = join(p.root, 'more-tarballs');
    const registry = servingRegistry({});
    const d = new Diagnostics();
    const config = configFor(p.root, { 'example.missing': '1.0.0' }, [
      { type: 'directory', path: p.tarballs },
      { type: 'directory', path: other },
      { type: 'fhir-cache', path: p.fhirCache },
      { type: 'registry', url: REGISTRY },
    ]);
    const packages = await loadDependencies(config, { diagnostics: d, registryClient: () => registry });
    expect(packages?.packages).toEqual([]);
    const errors = d.all.filter((x) => x.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'load.package-missing', file: 'fhir.config.json', path: "dependencies['example.missing']" });
    const message = errors[0]?.message ?? '';
    for (const part of ['example.missing#1.0.0', p.tarballs, other, 'example.missing-1.0.0.tgz', p.fhirCache, p.cacheDir, `registry ${REGISTRY} (404 Not Found)`]) {
      expect(message).toContain(part);
    }
    expect(registry.calls).toEqual(['download example.missing#1.0.0']);
  });

  it('offline: says the registry was not consulted, and never makes a registry client', async () => {
    let made = 0;
    const d = new Diagnostics();
    const config = configFor(p.root, { 'example.missing': '1.0.0' }, [
      { type: 'directory', path: p.tarballs },
      { type: 'fhir-cache', path: p.fhirCache },
      { type: 'registry', url: REGISTRY },
    ]);
    await loadDependencies(config, { diagnostics: d, offline: true, registryClient: () => (made++, forbiddenRegistry()) });
    const message = d.all.find((x) => x.code === 'load.package-missing')?.message ?? '';
    expect(message).toContain('example.missing#1.0.0');
    expect(message).toContain(p.tarballs);
    expect(message).toContain(p.fhirCache);
    expect(message).toContain('registry not consulted: offline');
    expect(made).toBe(0);
  });

  it('offline: loads what is available locally', async () => {
    const d = new Diagnostics();
    const config = configFor(p.root, { 'hl7.fhir.r3.core': '3.0.2' }, [{ type: 'directory', path: fhirPackagesDir }, { type: 'registry', url: REGISTRY }]);
    const packages = await loadDependencies(config, { diagnostics: d, offline: true, registryClient: () => forbiddenRegistry(), cacheDir: sharedCache });
    expect(d.hasErrors()).toBe(false);
    expect(packages?.labels).toEqual([CORE]);
  });

  it('reports a package without package.json as invalid, and carries on with the others', async () => {
    await writePackageTgz(p.tarballs, { name: 'example.fhir.broken', version: '1.0.0', noManifest: true });
    await writePackageTgz(p.tarballs, { name: 'example.fhir.fine', version: '1.0.0', resources: [extensionDefinition('test-extension', EXT)] });
    const d = new Diagnostics();
    const config = configFor(p.root, { 'example.fhir.broken': '1.0.0', 'example.fhir.fine': '1.0.0' }, [{ type: 'directory', path: p.tarballs }]);
    const packages = await loadDependencies(config, { diagnostics: d, offline: true });
    expect(d.all.filter((x) => x.severity === 'error').map((x) => x.code)).toEqual(['load.package-invalid']);
    expect(d.all.find((x) => x.code === 'load.package-invalid')?.message).toMatch(/example.fhir.broken#1.0.0 .*no package\/package.json/);
    expect(packages?.labels).toEqual(['example.fhir.fine#1.0.0']);
    expect(packages?.byUrl(EXT)?.id).toBe('test-extension');
  });
});

describe('transitive dependencies and re-extraction', () => {
  it("loads the dependencies listed in a loaded package's package.json", async () => {
    await writePackageTgz(p.tarballs, {
      name: 'example.fhir.ig', version: '0.1.0', dependencies: { 'hl7.fhir.r3.core': '3.0.2' }, resources: [extensionDefinition('test-extension', EXT)],
    });
    const registry = forbiddenRegistry();
    const d = new Diagnostics();
    const config = configFor(p.root, { 'example.fhir.ig': '0.1.0' }, [
      { type: 'directory', path: p.tarballs },
      { type: 'directory', path: fhirPackagesDir },
      { type: 'registry', url: REGISTRY },
    ]);
    const packages = await loadDependencies(config, { diagnostics: d, registryClient: () => registry, cacheDir: sharedCache });
    expect(d.hasErrors()).toBe(false);
    expect(packages?.packages.map((x) => [x.label, x.requiredBy])).toEqual([
      ['example.fhir.ig#0.1.0', 'config'],
      [CORE, 'example.fhir.ig#0.1.0'],
    ]);
    expect(packages?.originOf(EXT)).toBe('example.fhir.ig#0.1.0');
    expect(packages?.originOf('http://hl7.org/fhir/StructureDefinition/Extension')).toBe(CORE);
    expect(registry.calls).toEqual([]);
  });

  it('names the requiring package when a transitive dependency is missing', async () => {
    // A package with no resources is refused as damaged (package-check.ts): this one has one.
    await writePackageTgz(p.tarballs, { name: 'example.fhir.ig', version: '0.1.0', dependencies: { 'example.fhir.gone': '9.9.9' }, resources: [extensionDefinition('one', EXT)] });
    const d = new Diagnostics();
    await loadDependencies(configFor(p.root, { 'example.fhir.ig': '0.1.0' }, [{ type: 'directory', path: p.tarballs }]), { diagnostics: d, offline: true });
    const missing = d.all.find((x) => x.code === 'load.package-missing');
    expect(missing?.message).toContain('example.fhir.gone#9.9.9 (required by example.fhir.ig#0.1.0)');
    expect(missing?.file).toBeUndefined();
  });

  it('extracts a tarball again only when it has changed', async () => {
    const tgz = await writePackageTgz(p.tarballs, { name: 'example.fhir.ig', version: '0.1.0', resources: [extensionDefinition('one', EXT)] });
    const config = configFor(p.root, { 'example.fhir.ig': '0.1.0' }, [{ type: 'directory', path: p.tarballs }]);
    const load = async () => {
      const progress = progressLog();
      const packages = await loadDependencies(config, { diagnostics: new Diagnostics(), offline: true, progress: progress.progress });
      return { packages, extracted: progress.events.some((e) => e.stage === 'extract') };
    };
    const first = await load();
    expect(first.extracted).toBe(true);
    expect(first.packages?.byUrl(EXT)?.id).toBe('one');

    expect((await load()).extracted).toBe(false);
    const later = new Date(Date.now() + 60_000);
    utimesSync(tgz, later, later); // touched, same bytes
    expect((await load()).extracted).toBe(false);

    await writePackageTgz(p.tarballs, { name: 'example.fhir.ig', version: '0.1.0', resources: [extensionDefinition('two', EXT)] });
    const changed = await load();
    expect(changed.extracted).toBe(true);
    expect(changed.packages?.byUrl(EXT)?.id).toBe('two');
    expect(existsSync(join(p.cacheDir, 'example.fhir.ig#0.1.0', 'package', 'StructureDefinition-one.json'))).toBe(false);
    expect(readFileSync(tgz).length).toBeGreaterThan(0); // the source tarball is left alone
  });
});

describe('the loader log and the registry guard', () => {
  it("turns fhir-package-loader's errors and warnings into diagnostics and drops its chatter", () => {
    const d = new Diagnostics();
    const log = new LoaderLog(d);
    log.log('info', 'Loaded x#1 with 3 resources');
    log.log('debug', 'JSON file at path p was not FHIR resource');
    log.log('error', 'Failed to load x#1');
    log.begin();
    log.log('warn', 'held back while a package loads');
    expect(d.all).toHaveLength(1);
    log.flush(log.end());
    expect(d.all.map((x) => `${x.severity} ${x.code} ${x.message}`)).toEqual([
      'error load.package-loader Failed to load x#1',
      'warning load.package-loader held back while a package loads',
    ]);
  });

  it('never lets an exact version reach a registry, and refuses everything offline', async () => {
    const stub = forbiddenRegistry();
    const online = new GuardedRegistry([{ label: REGISTRY, client: stub }], false);
    await expect(online.resolveVersion('hl7.fhir.r3.core', '3.0.2')).resolves.toBe('3.0.2');
    expect(stub.calls).toEqual([]);
    const offline = new GuardedRegistry([{ label: REGISTRY, client: stub }], true);
    await expect(offline.resolveVersion('x.y', 'latest')).rejects.toThrow('offline');
    await expect(offline.download('x.y', '1.0.0')).rejects.toThrow('offline');
    expect(stub.calls).toEqual([]);
  });
});
