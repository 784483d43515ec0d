/**
 * Versions and publishing (`scripts/release/`):
 * 1. reading a built package tarball (loadPackageVersion), median of several runs;
 * 2. `diff` of the whole built package against itself and against a copy with one breaking change, beside
 *    the floor of comparing the same resource pairs as canonical JSON text (what any diff must at least do);
 * 3. `publish` (checks, then the FHIR package and the types package) to a local Verdaccio, beside a bare
 *    `npm publish` of the FHIR tarball alone to the same registry (the npm client's own cost).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from '../scripts/build.js';
import { Diagnostics } from '../scripts/diagnostics/diagnostics.js';
import { loadPackageVersion, type PackageVersion } from '../scripts/definitions/package-version.js';
import type { StructureDefinition } from '../scripts/model/fhir.js';
import { canonicalJson } from '../scripts/util/values.js';
import { diffPackages } from '../scripts/release/diff.js';
import { NpmClient } from '../scripts/release/npm-client.js';
import { publishPackages } from '../scripts/release/publish.js';
import { tempProject } from '../test/build/project.js';
import { startVerdaccio } from '../test/release/verdaccio.js';
import { fhirPackagesDir, median, projectRoot, ratio, say, seconds, type Row } from './common.js';

const ms = (x: number) => `${x.toFixed(1)} ms`;

export async function benchRelease(rows: Row[], runs = 5): Promise<void> {
  const section = 'Versions, diff and publishing (scripts/release/)';
  say('release: building the project into a temp folder');
  const project = tempProject();
  const built = await build({ configFile: project.config, offline: true });
  if (built.status !== 'ok' || !built.tarball) throw new Error('release bench: the build failed');
  const tarball = built.tarball;

  const options = { diagnostics: new Diagnostics(), dependencySources: [{ type: 'directory' as const, path: fhirPackagesDir }], projectRoot, offline: true };
  const loads: number[] = [];
  let version: PackageVersion | undefined;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    version = await loadPackageVersion(tarball, options);
    loads.push(performance.now() - t);
  }
  if (!version) throw new Error('release bench: cannot read the tarball');
  const elements = version.resources.reduce((n, r) => n + ((r as StructureDefinition).snapshot?.element.length ?? 0), 0);
  rows.push({ section, what: 'read the built tarball (loadPackageVersion)', value: ms(median(loads)), note: `median of ${runs}; ${version.resources.length} resources, ${elements} snapshot elements` });

  const copy = JSON.parse(JSON.stringify(version)) as PackageVersion;
  const patient = copy.resources.find((r) => r.id === 'CareConnect-GPC-Patient-1') as StructureDefinition | undefined;
  const birthDate = patient?.snapshot?.element.find((e) => e.id === 'Patient.birthDate');
  if (birthDate) birthDate.min = 1;
  const time = (fn: () => unknown) => {
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      fn();
      xs.push(performance.now() - t);
    }
    return median(xs);
  };
  const same = time(() => diffPackages(version as PackageVersion, version as PackageVersion));
  const changed = time(() => diffPackages(version as PackageVersion, copy));
  const floor = time(() => {
    let equal = 0;
    version?.resources.forEach((r, i) => (canonicalJson(r) === canonicalJson(copy.resources[i]) ? equal++ : 0));
    return equal;
  });
  const breaking = diffPackages(version, copy).unversionedBreaking;
  rows.push(
    { section, what: 'diff: whole package against itself', value: ms(same), note: `${ratio(same, floor)} the floor (canonical JSON of every pair: ${ms(floor)})` },
    { section, what: 'diff: against a copy with one breaking change', value: ms(changed), note: `${ratio(changed, floor)} the floor; found ${breaking} resource(s) breaking` },
  );

  say('release: publishing to a local Verdaccio');
  const registry = await startVerdaccio();
  try {
    const t = performance.now();
    const r = await publishPackages({ registry: registry.url, token: registry.token, outDir: project.out, packageId: 'nhsdigital.gpconnect.stu3', version: '1.2.7' });
    const ours = performance.now() - t;
    if (r.status !== 'published') throw new Error(`release bench: publish failed: ${r.error}`);
    // The floor: npm publish of the tarball alone, under another name, to the same registry.
    const client = new NpmClient(registry.url, registry.token);
    const other = tempProject({}, { packageId: 'bench.floor.package' });
    const otherBuilt = await build({ configFile: other.config, offline: true });
    if (!otherBuilt.tarball) throw new Error('release bench: floor build failed');
    const t2 = performance.now();
    const bare = await client.run(['publish', otherBuilt.tarball, '--tag', 'latest', '--ignore-scripts']);
    const npmOnly = performance.now() - t2;
    client.dispose();
    if (bare.code !== 0) throw new Error(`release bench: npm publish failed: ${bare.stderr}`);
    rows.push({
      section,
      what: 'publish: checks + FHIR package + types package',
      value: seconds(ours),
      note: `${ratio(ours, npmOnly)} a bare npm publish of the FHIR tarball alone (${seconds(npmOnly)}); 6 npm calls against 1`,
    });
  } finally {
    await registry.stop();
  }
  const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  rows.push({ section, what: 'npm client', value: npm.stdout.trim(), note: `Verdaccio from ${join('node_modules', '.bin', 'verdaccio')}` });
}
