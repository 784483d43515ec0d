/** Temporary copies of the fixture guides (test/fixtures/), with edits, and the checkout's CLI to run on them. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fhirPackagesDir, projectRoot } from '../helpers/shared.js';

export const clinicGuide = join(projectRoot, 'test', 'fixtures', 'clinic-guide');

export interface GuideCopy {
  root: string;
  config: string;
  /** A source file's text (path relative to the guide). */
  read(path: string): string;
  write(path: string, text: string): void;
}

export interface GuideEdits {
  /** Files to add or replace (text), or remove (null). */
  files?: Record<string, string | null>;
  /** Config fields to set. */
  config?: Record<string, unknown>;
  /** A new package version, also written into every resource's `version` that had the old one. */
  version?: string;
}

/** A copy of a fixture guide in a temp folder, its dependencies taken from ../shared/fhir-packages. */
export function guideCopy(fixture: string = clinicGuide, edits: GuideEdits = {}): GuideCopy {
  const root = mkdtempSync(join(tmpdir(), 'fhir-stu3-guide-'));
  cpSync(fixture, root, { recursive: true });
  const config = JSON.parse(readFileSync(join(root, 'fhir.config.json'), 'utf8')) as Record<string, unknown>;
  const oldVersion = String(config.version);
  Object.assign(config, { dependencySources: [{ type: 'directory', path: fhirPackagesDir }] }, edits.config ?? {});
  if (edits.version) {
    config.version = edits.version;
    for (const file of filesUnder(root)) {
      const text = readFileSync(file, 'utf8');
      const bumped = text.replace(`"version": "${oldVersion}"`, `"version": "${edits.version}"`).replace(`<version value="${oldVersion}"/>`, `<version value="${edits.version}"/>`);
      if (bumped !== text) writeFileSync(file, bumped);
    }
  }
  writeFileSync(join(root, 'fhir.config.json'), JSON.stringify(config, null, 2));
  const copy: GuideCopy = {
    root,
    config: join(root, 'fhir.config.json'),
    read: (path) => readFileSync(join(root, path), 'utf8'),
    write: (path, text) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    },
  };
  for (const [path, text] of Object.entries(edits.files ?? {})) {
    if (text === null) rmSync(join(root, path));
    else copy.write(path, text);
  }
  return copy;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.(json|xml)$/.test(name) && name !== 'fhir.config.json' ? [path] : [];
  });
}

const tsx = createRequire(import.meta.url).resolve('tsx/cli');

/** Runs the checkout's `fhir-stu3` (scripts/cli.ts) in a folder. */
export function fhirStu3(cwd: string, args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
