/**
 * Sites for the site tests, each built into a temp folder with `build --site`: the demo fixture guide,
 * the GP Connect project, and two projects that owe GP Connect nothing: a new project made by `init`
 * and the clinic fixture guide (test/fixtures/clinic-guide).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildResult } from '../../scripts/build.js';
import { initProject } from '../../scripts/commands/init.js';
import { formatDiagnostic } from '../../scripts/diagnostics/diagnostics.js';
import { guideCopy } from '../authoring/guides.js';
import { tempProject } from '../build/project.js';
import { fhirPackagesDir, projectRoot } from '../helpers/shared.js';

export const fixtureDir = join(projectRoot, 'test', 'site', 'fixtures', 'demo');
/** Where the browser tests write their screenshots (git-ignored). */
export const testOutputDir = join(projectRoot, 'test-output', 'site');

export interface BuiltSite {
  root: string;
  config: string;
  out: string;
  site: string;
  result: BuildResult;
}

/** A copy of the demo fixture guide whose only dependency source is ../shared/fhir-packages (absolute). */
export function fixtureProject(): { root: string; config: string; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'fhir-stu3-site-demo-'));
  cpSync(fixtureDir, root, { recursive: true });
  const configFile = join(root, 'fhir.config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(configFile, JSON.stringify({ ...config, dependencySources: [{ type: 'directory', path: fhirPackagesDir }] }, null, 2));
  return { root, config: configFile, out: join(root, 'generated') };
}

async function buildSite(project: { root: string; config: string; out: string }): Promise<BuiltSite> {
  const result = await build({ configFile: project.config, outDir: project.out, offline: true, site: true });
  if (result.status !== 'ok') throw new Error(`build failed:\n${result.diagnostics.sorted().map(formatDiagnostic).join('\n')}`);
  return { ...project, site: join(project.out, 'site'), result };
}

export function buildFixtureSite(): Promise<BuiltSite> {
  return buildSite(fixtureProject());
}

export function buildGpConnectSite(): Promise<BuiltSite> {
  return buildSite(tempProject());
}

/** The folder name `init` is given: the project's name, id and canonical come from it. */
export const INIT_FOLDER = 'Wellbeing Guide';

/** A new project as `init` makes it (dependencies from ../shared/fhir-packages), built with no edits. */
export function buildInitSite(): Promise<BuiltSite> {
  const root = join(mkdtempSync(join(tmpdir(), 'fhir-stu3-site-init-')), INIT_FOLDER);
  const made = initProject({ dir: root, packages: [fhirPackagesDir] });
  if (made.error) throw new Error(`init failed: ${made.error}`);
  return buildSite({ root, config: join(root, 'fhir.config.json'), out: join(root, 'generated') });
}

/** The clinic fixture guide: its own canonical, no version suffixes, no previous version, no changes file. */
export function buildClinicSite(): Promise<BuiltSite> {
  const guide = guideCopy();
  return buildSite({ root: guide.root, config: guide.config, out: join(guide.root, 'generated') });
}
