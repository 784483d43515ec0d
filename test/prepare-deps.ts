/** Extracts the dependency packages (and validation dependencies) once (run by test/global-setup.js before the test workers start, so no two workers race). */
import { join } from 'node:path';
import { Diagnostics, formatDiagnostic } from '../scripts/diagnostics/diagnostics.js';
import { loadConfig, packagesToLoad } from '../scripts/load/config.js';
import { loadDependencies } from '../scripts/load/packages/index.js';
import { projectRoot } from './helpers/shared.js';

async function prepare(): Promise<void> {
  const diagnostics = new Diagnostics();
  const config = loadConfig(join(projectRoot, 'fhir.config.json'), diagnostics);
  // The validation-only packages too (hl7.fhir.r3.expansions): tests hand this cache to projects that depend on them.
  if (config) await loadDependencies(packagesToLoad(config), { diagnostics, offline: true });
  if (diagnostics.hasErrors()) throw new Error(diagnostics.sorted().map(formatDiagnostic).join('\n'));
}

await prepare();
