/**
 * The toolchain as a user gets it: `npm pack` of this repository (its prepack compiles dist/), the tarball
 * installed into an empty folder (from the local npm cache where it can), and then only what was
 * installed: `npx fhir-stu3 --version`, a build of a small project of its own (test/package/fixture: its
 * own canonical, a profile, a code system and value set, an example; hl7.fhir.r3.core from
 * ../shared/fhir-packages), validation of payloads against it, and a TypeScript program that imports the
 * entry point, type-checks against the shipped declarations and runs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readTarball } from '../../scripts/util/tarball.js';
import { fhirPackagesDir, projectRoot } from '../helpers/shared.js';

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { name: string; version: string };
const work = mkdtempSync(join(tmpdir(), 'fhir-stu3-packed-'));
const consumer = join(work, 'consumer');
const clinic = join(consumer, 'clinic');
const PROFILE = 'https://example.org/fhir/clinic/StructureDefinition/ClinicPatient-1';

/** The environment without npm's own variables: `npm test` sets them, and they would point npm at this repository. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));

function run(command: string, args: string[], cwd: string) {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error?.message };
}

/** Fails with the command's output, so that a broken step says why. */
function succeed(command: string, args: string[], cwd: string) {
  const r = run(command, args, cwd);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}${r.error ? ` (${r.error})` : ''}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * `npx fhir-stu3 ...` as a user types it. `--no` forbids npx to fetch a package of that name from the
 * registry should the installed bin be missing; `--` then keeps npx from taking the command's options.
 */
function fhirStu3(args: string[], cwd: string) {
  return run('npx', ['--no', '--', 'fhir-stu3', ...args], cwd);
}

let tarball = '';

beforeAll(() => {
  succeed('npm', ['pack', '--pack-destination', work], projectRoot);
  tarball = join(work, `${manifest.name}-${manifest.version}.tgz`);
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  succeed('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], consumer);
  cpSync(join(projectRoot, 'test', 'package', 'fixture'), clinic, { recursive: true, filter: (src) => !src.includes('.fhir-cache') });
  const config = JSON.parse(readFileSync(join(clinic, 'fhir.config.json'), 'utf8')) as Record<string, unknown>;
  config.dependencySources = [{ type: 'directory', path: fhirPackagesDir }];
  writeFileSync(join(clinic, 'fhir.config.json'), JSON.stringify(config, null, 2));
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed toolchain, installed into an empty folder', () => {
  it('carries the compiled tool only: dist/, package.json, README', async () => {
    const paths = [...(await readTarball(readFileSync(tarball))).keys()].map((p) => p.replace(/^package\//, '')).sort();
    expect(paths.filter((p) => !p.startsWith('dist/'))).toEqual(['README.md', 'package.json']);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/index.js', 'dist/index.d.ts']));
  });

  it('runs without tsx or TypeScript: neither is installed with it', () => {
    expect(existsSync(join(consumer, 'node_modules', manifest.name, 'dist', 'cli.js'))).toBe(true);
    expect(existsSync(join(consumer, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(consumer, 'node_modules', 'typescript'))).toBe(false);
  });

  it('npx fhir-stu3 --version prints the version', () => {
    expect(fhirStu3(['--version'], consumer)).toEqual(expect.objectContaining({ code: 0, stdout: `${manifest.version}\n` }));
  });

  it('npx fhir-stu3 --help lists every command', () => {
    const help = fhirStu3(['--help'], consumer).stdout;
    for (const command of ['build', 'snapshot', 'validate', 'convert', 'diff', 'release-notes', 'publish']) expect(help).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('--help and --version import commander and none of the toolchain but the CLI itself', () => {
    // A module resolution hook records every module the process resolves (hooks run off the main thread).
    writeFileSync(join(work, 'hooks.mjs'), "import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.LOADED_LOG, r.url + '\\n'); return r; }\n");
    writeFileSync(join(work, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    const cli = join(consumer, 'node_modules', manifest.name, 'dist', 'cli.js');
    for (const option of ['--help', '--version']) {
      const log = join(work, `loaded${option}.log`);
      const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(work, 'register.mjs')).href, cli, option], { cwd: consumer, env: { ...env, LOADED_LOG: log }, encoding: 'utf8' });
      expect(r.status).toBe(0);
      const loaded = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
      const packages = new Set(loaded.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.slice(f.indexOf('node_modules')))?.[1]));
      const own = loaded.filter((f) => f.includes(`/${manifest.name}/dist/`)).map((f) => f.slice(f.indexOf('/dist/') + 1));
      expect({ option, packages: [...packages].filter((p) => p !== manifest.name).sort(), own: [...new Set(own)].sort() }).toEqual({ option, packages: ['commander'], own: ['dist/cli.js', 'dist/util/values.js'] });
    }
  });

  it('builds a project of its own', () => {
    const r = fhirStu3(['build', '--offline'], clinic);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('resources: 1 CodeSystem, 1 StructureDefinition, 1 ValueSet') });
    expect(readdirSync(join(clinic, 'generated')).sort()).toEqual(expect.arrayContaining(['example.clinic.stu3-0.1.0.tgz', 'package', 'validators']));
    const profile = JSON.parse(readFileSync(join(clinic, 'generated', 'package', 'StructureDefinition-ClinicPatient-1.json'), 'utf8')) as { snapshot?: { element: unknown[] } };
    expect(profile.snapshot?.element.length).toBeGreaterThan(30);
  }, 600_000);

  it('validates payloads against it: exit 1, each error with its location', () => {
    const r = fhirStu3(['validate', '--offline', 'payloads/valid-patient.xml', 'payloads/invalid-patient.json'], clinic);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('payloads/valid-patient.xml: valid');
    expect(r.stdout).toMatch(/^payloads\/invalid-patient\.json: error \[required\] Patient: missing required element 'identifier'$/m);
    expect(r.stdout).toMatch(/^payloads\/invalid-patient\.json: error \[code-invalid\] Patient\.maritalStatus: .*divorced is not in the required value set/m);
    expect(r.stdout).toContain('2 file(s): 1 valid, 1 invalid');
  }, 300_000);

  it('serves the API from one entry point: a TypeScript program type-checks against its declarations and runs', () => {
    writeFileSync(
      join(consumer, 'check.ts'),
      [
        `import { Diagnostics, formatDiagnostic, loadValidator, type OperationOutcome } from '${manifest.name}';`,
        'const diagnostics = new Diagnostics();',
        "const validator = await loadValidator({ configFile: 'clinic/fhir.config.json', offline: true, diagnostics });",
        "if (!validator) throw new Error(diagnostics.all.map(formatDiagnostic).join('\\n'));",
        `const outcome: OperationOutcome = validator.validate({ resourceType: 'Patient', meta: { profile: ['${PROFILE}'] } });`,
        "process.stdout.write(JSON.stringify(outcome.issue.map((i) => `${i.severity} ${i.expression?.[0] ?? ''}`)) + '\\n');",
        '',
      ].join('\n'),
    );
    const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const typeRoots = join(projectRoot, 'node_modules', '@types');
    succeed(process.execPath, [tsc, '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--typeRoots', typeRoots, '--types', 'node', '--outDir', 'out', 'check.ts'], consumer);
    const r = succeed(process.execPath, [join('out', 'check.js')], consumer);
    expect(JSON.parse(r.stdout)).toEqual(['error Patient']);
  }, 300_000);
});
