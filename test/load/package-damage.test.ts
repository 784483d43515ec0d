/**
 * A damaged dependency package is an error naming the package and the file, never a smaller package
 * loaded without a word (whose validators would be weaker): cut off, a member that is not JSON, a listed
 * resource missing, only its package.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { c as createTar } from 'tar';
import { Diagnostics, formatDiagnostic } from '../../scripts/diagnostics/diagnostics.js';
import { loadDependencies } from '../../scripts/load/packages/index.js';
import { configFor, tempProject, type TempProject } from './packages-helpers.js';

const NAME = 'example.damaged';
const VERSION = '1.0.0';
const valueSet = (id: string) => ({ resourceType: 'ValueSet', id, url: `http://example.org/ValueSet/${id}`, status: 'active' });

/** The package's files: manifest, an index listing two value sets, the two value sets. */
function healthy(): Map<string, string> {
  const index = { 'index-version': 1, files: ['a', 'b'].map((id) => ({ filename: `ValueSet-${id}.json`, resourceType: 'ValueSet', id, url: `http://example.org/ValueSet/${id}` })) };
  return new Map([
    ['package/package.json', JSON.stringify({ name: NAME, version: VERSION, fhirVersions: ['3.0.2'] })],
    ['package/.index.json', JSON.stringify(index)],
    ['package/ValueSet-a.json', JSON.stringify(valueSet('a'))],
    ['package/ValueSet-b.json', JSON.stringify(valueSet('b'))],
  ]);
}

async function tarball(dir: string, files: Map<string, string>): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'fhir-damaged-'));
  try {
    for (const [path, body] of files) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), body);
    }
    const file = join(dir, `${NAME}-${VERSION}.tgz`);
    await createTar({ gzip: true, file, cwd: work, portable: true }, ['package']);
    return file;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

let project: TempProject;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.remove());

async function load(): Promise<{ labels: string[]; problems: string[] }> {
  const diagnostics = new Diagnostics();
  const packages = await loadDependencies(configFor(project.root, { [NAME]: VERSION }, [{ type: 'directory', path: project.tarballs }]), { diagnostics, offline: true });
  return { labels: packages?.labels ?? [], problems: diagnostics.all.filter((d) => d.severity === 'error').map(formatDiagnostic) };
}

test('a healthy package loads', async () => {
  await tarball(project.tarballs, healthy());
  expect(await load()).toEqual({ labels: [`${NAME}#${VERSION}`], problems: [] });
});

test('a member that is not JSON', async () => {
  const files = healthy();
  files.set('package/ValueSet-b.json', '{"resourceType": "ValueSet", garbage');
  const file = await tarball(project.tarballs, files);
  const { labels, problems } = await load();
  expect(labels).toEqual([]);
  expect(problems).toEqual([
    `fhir.config.json: error [load.package-damaged] dependencies['${NAME}']: dependency ${NAME}#${VERSION} from ${file} is damaged: package/ValueSet-b.json cannot be read: Expected double-quoted property name in JSON at position 29`,
  ]);
});

test('a listed resource missing (a tarball cut off at a member)', async () => {
  const files = healthy();
  files.delete('package/ValueSet-b.json');
  await tarball(project.tarballs, files);
  expect((await load()).problems).toEqual([expect.stringContaining(`is damaged: package/ValueSet-b.json is listed in package/.index.json but missing`)]);
});

test('only package.json', async () => {
  await tarball(project.tarballs, new Map([...healthy()].filter(([path]) => path === 'package/package.json')));
  expect((await load()).problems).toEqual([expect.stringContaining('is damaged: package/ holds no FHIR resources (only its package.json?)')]);
});

test('cut off in the middle', async () => {
  const file = await tarball(project.tarballs, healthy());
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  expect((await load()).problems).toEqual([expect.stringMatching(/\[load\.package-invalid\] .*cannot extract example\.damaged#1\.0\.0: /)]);
});
