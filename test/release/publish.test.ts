import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../scripts/build.js';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { loadPackageVersion, type PackageVersion } from '../../scripts/definitions/package-version.js';
import { diffPackages } from '../../scripts/release/diff.js';
import { publishPackages, type PublishOptions } from '../../scripts/release/publish.js';
import { tempProject, type TempProject } from '../build/project.js';
import { fhirPackagesDir, gpconnectExamplesDir, projectRoot } from '../helpers/shared.js';
import { freePort, startVerdaccio, type TestRegistry } from './verdaccio.js';
import { versionOf } from './versions.js';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const PACKAGE = 'nhsdigital.gpconnect.stu3';
const TYPES = 'nhsdigital.gpconnect.stu3-types';
const APPOINTMENT = 'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Appointment-1';

interface Built extends TempProject {
  version: string;
}

async function builtProject(version: string): Promise<Built> {
  const project = tempProject({}, { version });
  const r = await build({ configFile: project.config, offline: true });
  if (r.status !== 'ok') throw new Error(`build of ${version} failed: ${r.diagnostics.sorted().map((d) => d.message).join('; ')}`);
  return { ...project, version };
}

/** What the registry knows of a package: its versions and dist-tags (none when unknown). */
async function registryView(registry: TestRegistry, name: string): Promise<{ versions: string[]; tags: Record<string, string> }> {
  const r = await fetch(`${registry.url}${name}`);
  if (r.status === 404) return { versions: [], tags: {} };
  const doc = (await r.json()) as { versions?: Record<string, unknown>; 'dist-tags'?: Record<string, string> };
  return { versions: Object.keys(doc.versions ?? {}).sort(), tags: doc['dist-tags'] ?? {} };
}

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), ...args], { encoding: 'utf8', cwd: projectRoot, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('publish to a real (Verdaccio) registry', () => {
  let registry: TestRegistry;
  let stable: Built;
  let beta: Built;
  const options = (p: Built, extra: Partial<PublishOptions> = {}): PublishOptions => ({
    registry: registry.url,
    token: registry.token,
    outDir: p.out,
    packageId: PACKAGE,
    version: p.version,
    ...extra,
  });

  beforeAll(async () => {
    registry = await startVerdaccio();
    stable = await builtProject('1.2.7');
    beta = await builtProject('1.3.0-beta.1');
  }, 240000);

  afterAll(async () => {
    await registry?.stop();
  });

  test('a release: the FHIR package and the types package, under latest', async () => {
    const r = await publishPackages(options(stable));
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ status: 'published', exitCode: 0, tag: 'latest', published: [`${PACKAGE}@1.2.7`, `${TYPES}@1.2.7`] });
    expect(await registryView(registry, PACKAGE)).toEqual({ versions: ['1.2.7'], tags: { latest: '1.2.7' } });
    expect(await registryView(registry, TYPES)).toEqual({ versions: ['1.2.7'], tags: { latest: '1.2.7' } });
  });

  test('a version already published is refused before anything is published', async () => {
    const r = await publishPackages(options(stable));
    expect(r).toMatchObject({ status: 'refused', exitCode: 1, published: [] });
    expect(r.error).toMatch(/nhsdigital\.gpconnect\.stu3@1\.2\.7 is already published on http:\/\/127\.0\.0\.1:\d+\/: versions are never republished/);
    // the types package alone still unpublished would not be published either
    const cli1 = cli(['publish', '--registry', registry.url, '--config', stable.config], { NPM_TOKEN: registry.token });
    expect(cli1.code).toBe(1);
    expect(cli1.stderr).toMatch(/error: .*already published/);
    expect(cli1.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  test('auth refused, registry unreachable, malformed build output: clear errors, nothing published', async () => {
    const bogus = await publishPackages(options(beta, { token: 'not-a-valid-token' }));
    expect(bogus).toMatchObject({ status: 'failed', exitCode: 2, published: [] });
    expect(bogus.error).toMatch(/refused the auth token: nothing published/);

    const port = await freePort();
    const down = await publishPackages(options(beta, { registry: `http://127.0.0.1:${port}/` }));
    expect(down).toMatchObject({ status: 'failed', exitCode: 2, published: [] });
    expect(down.error).toMatch(new RegExp(`registry http://127\\.0\\.0\\.1:${port}/ is unreachable`));

    const broken = mkdtempSync(join(tmpdir(), 'fhir-stu3-broken-out-'));
    writeFileSync(join(broken, `${PACKAGE}-1.3.0-beta.1.tgz`), 'not a tarball');
    const malformed = await publishPackages(options(beta, { outDir: broken }));
    expect(malformed).toMatchObject({ status: 'refused', exitCode: 1 });
    expect(malformed.error).toMatch(/is not a readable package tarball/);

    const stale = await publishPackages(options(beta, { outDir: stable.out }));
    expect(stale.error).toMatch(/no FHIR package tarball .*1\.3\.0-beta\.1\.tgz: run the build first/);

    expect((await registryView(registry, PACKAGE)).versions).toEqual(['1.2.7']);
  });

  test('without a built types package, the FHIR package alone is checked and would be published, and the run says so', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fhir-stu3-no-types-'));
    cpSync(join(beta.out, `${PACKAGE}-1.3.0-beta.1.tgz`), join(out, `${PACKAGE}-1.3.0-beta.1.tgz`));
    const lines: string[] = [];
    const r = await publishPackages(options(beta, { outDir: out, dryRun: true, say: (l) => lines.push(l) }));
    expect(r).toMatchObject({ status: 'checked', exitCode: 0, tag: 'next' });
    expect(r.targets.map((t) => t.what)).toEqual(['FHIR package']);
    expect(r.notes).toEqual([`no types package (${join(out, 'types', 'package.json')} not found): publishing the FHIR package only`]);
    expect(lines).toContain(`would publish FHIR package ${PACKAGE}@1.3.0-beta.1 (${join(out, `${PACKAGE}-1.3.0-beta.1.tgz`)}) under 'next'`);
  });

  test('a publish failing halfway is undone: the FHIR package is unpublished again when the types package fails', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fhir-stu3-half-'));
    cpSync(beta.out, out, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(out, 'types', 'package.json'), 'utf8')) as Record<string, unknown>;
    // the test registry refuses to take packages named refused-* (and only says so when one is published)
    writeFileSync(join(out, 'types', 'package.json'), JSON.stringify({ ...manifest, name: 'refused-types' }));
    const r = await publishPackages(options(beta, { outDir: out }));
    expect(r).toMatchObject({ status: 'failed', exitCode: 2, published: [] });
    expect(r.error).toMatch(/publishing refused-types@1\.3\.0-beta\.1 failed: the registry refused the publish .*; unpublished again: nhsdigital\.gpconnect\.stu3@1\.3\.0-beta\.1/);
    expect(await registryView(registry, 'refused-types')).toEqual({ versions: [], tags: {} });
    expect((await registryView(registry, PACKAGE)).versions).toEqual(['1.2.7']);
  });

  test('a pre-release goes under next; latest stays on the release', async () => {
    const dry = await publishPackages(options(beta, { dryRun: true }));
    expect(dry).toMatchObject({ status: 'checked', exitCode: 0, tag: 'next', published: [] });
    const r = await publishPackages(options(beta));
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ status: 'published', tag: 'next' });
    expect(await registryView(registry, PACKAGE)).toEqual({ versions: ['1.2.7', '1.3.0-beta.1'], tags: { latest: '1.2.7', next: '1.3.0-beta.1' } });
    expect((await registryView(registry, TYPES)).tags).toEqual({ latest: '1.2.7', next: '1.3.0-beta.1' });
  });

  test('diff and the build read published versions as name@version from the registry', async () => {
    const diagnostics = new Diagnostics();
    const load = (spec: string) =>
      loadPackageVersion(spec, { diagnostics, dependencySources: [{ type: 'directory', path: fhirPackagesDir }, { type: 'registry', url: registry.url }], projectRoot: mkdtempSync(join(tmpdir(), 'fhir-stu3-diff-reg-')) });
    const [before, after] = [await load(`${PACKAGE}@1.2.7`), await load(`${PACKAGE}@1.3.0-beta.1`)];
    expect(diagnostics.sorted().filter((d) => d.severity === 'error')).toEqual([]);
    expect(before?.kind).toBe('registry');
    expect(before?.resources.length).toBeGreaterThan(50);
    // the two builds differ in version fields only, which follow the package version: no change
    const diff = diffPackages(before as PackageVersion, after as PackageVersion);
    expect(diff.level).toBe('none');
    expect(diff.resources).toEqual([]);
    expect(diff.unversionedBreaking).toBe(0);
    // a build whose previous release is the published 1.3.0-beta.1: 1.2.7 does not go up
    const again = tempProject({}, { previousPackage: `${PACKAGE}@1.3.0-beta.1`, dependencySources: [{ type: 'directory', path: fhirPackagesDir }, { type: 'registry', url: registry.url }] });
    const r = await build({ configFile: again.config });
    expect(r.diagnostics.sorted().filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['version.not-increased']);
  });

  test('a separate consumer loads the package through fhir-package-loader with FPL_REGISTRY and validates a GP Connect example with it', async () => {
    const consumer = mkdtempSync(join(tmpdir(), 'fhir-stu3-consumer-'));
    const example = join(gpconnectExamplesDir, 'appointments', 'read_appt_response_example.json');
    const run = spawnSync(process.execPath, [tsx, join(projectRoot, 'test', 'release', 'consumer.ts'), consumer, PACKAGE, '1.2.7', example], {
      encoding: 'utf8',
      cwd: consumer,
      env: { ...process.env, FPL_REGISTRY: registry.url },
    });
    expect(run.stderr).not.toMatch(/Error/);
    const result = JSON.parse(run.stdout) as {
      errors: string[];
      origin?: { origin: string; from: string };
      foundByUrl: string[];
      valid: { issue: Array<{ severity: string; diagnostics?: string }> };
      broken: { issue: Array<{ severity: string; diagnostics?: string; expression?: string[] }> };
    };
    expect(result.errors).toEqual([]);
    expect(result.origin).toEqual({ origin: 'registry', from: registry.url });
    // every resource of the published tarball is found by URL
    const published = await versionOf(join(stable.out, `${PACKAGE}-1.2.7.tgz`));
    expect(result.foundByUrl).toEqual(published.resources.map((r) => String(r.url)).sort());
    expect(result.foundByUrl).toContain(APPOINTMENT);
    // the example is valid; without its mandatory status it is not
    expect(result.valid.issue.filter((i) => i.severity === 'error' || i.severity === 'fatal')).toEqual([]);
    expect(result.broken.issue.filter((i) => i.severity === 'error')).toEqual([expect.objectContaining({ diagnostics: expect.stringMatching(/status/) })]);
  });
});
