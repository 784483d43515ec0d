/** Temporary projects for build tests: the real sources, optionally with extra (bad) files beside them. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fhirPackagesDir, projectRoot } from '../helpers/shared.js';

export interface TempProject {
  root: string;
  config: string;
  out: string;
}

/** The GP Connect rule settings of the project's own config (its conventions are rules it turns on). */
export const gpConnectRules = (JSON.parse(readFileSync(join(projectRoot, 'fhir.config.json'), 'utf8')) as { rules: Record<string, string> }).rules;

/**
 * A copy of the project's sources and config in a temp folder; `extra` adds files (path relative to the
 * root). A `version` in `configPatch` is the project at that version: the resources' versions (`extra`
 * sources too) follow it.
 */
export function tempProject(extra: Record<string, string> = {}, configPatch: Record<string, unknown> = {}): TempProject {
  const root = mkdtempSync(join(tmpdir(), 'fhir-stu3-build-'));
  for (const dir of ['profiles', 'valuesets', 'codesystems', 'capabilities', 'examples']) cpSync(join(projectRoot, dir), join(root, dir), { recursive: true });
  const config = {
    packageId: 'nhsdigital.gpconnect.stu3',
    version: '1.2.7',
    canonical: 'https://fhir.nhs.uk/STU3',
    fhirVersion: '3.0.2',
    title: 'GP Connect API (STU3)',
    description: 'test build',
    author: 'tests',
    license: 'Apache-2.0',
    dependencies: { 'hl7.fhir.r3.core': '3.0.2' },
    validationDependencies: { 'hl7.fhir.r3.expansions': '3.0.2' },
    dependencySources: [{ type: 'directory', path: fhirPackagesDir }],
    sources: ['profiles', 'valuesets', 'codesystems', 'capabilities'],
    examples: 'examples',
    rules: gpConnectRules,
    ...configPatch,
  };
  writeFileSync(join(root, 'fhir.config.json'), JSON.stringify(config, null, 2));
  for (const [path, text] of Object.entries(extra)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  if (typeof configPatch.version === 'string') withResourceVersions(root, configPatch.version);
  return { root, config: join(root, 'fhir.config.json'), out: join(root, 'generated') };
}

/** Every conformance resource of the copy at `version` (the sources say 1.2.7). */
function withResourceVersions(root: string, version: string): void {
  for (const dir of ['profiles', 'valuesets', 'codesystems', 'capabilities']) {
    for (const name of readdirSync(join(root, dir))) {
      const file = join(root, dir, name);
      const text = readFileSync(file, 'utf8');
      const next = text.replace('<version value="1.2.7"/>', `<version value="${version}"/>`);
      if (next !== text) writeFileSync(file, next);
    }
  }
}
