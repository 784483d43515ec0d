// Jest global setup: prepares the dependency packages once, through tsx (jest does not map the sources' .js imports here),
// and gives every test (and the CLI processes they start) one cache folder (FHIR_STU3_CACHE_DIR), so that the core
// validator module is compiled once for the whole run, not once per temp project, and nothing is written in the
// user's cache. Tests of the cache itself use their own folders.
// Every temp folder of the run (temp projects, each with its extracted packages, about 120 MB) is made under one
// folder of the run's own (TMPDIR, which os.tmpdir() reads, for the tests and the processes they start), which
// global-teardown.js removes: runs no longer leave gigabytes behind in the system's temp folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  const require = createRequire(import.meta.url);
  process.env.TMPDIR = process.env.FHIR_STU3_TEST_TMPDIR = mkdtempSync(join(tmpdir(), 'fhir-stu3-tests-'));
  process.env.FHIR_STU3_CACHE_DIR ??= join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'fhir-stu3-tests');
  execFileSync(process.execPath, [require.resolve('tsx/cli'), 'test/prepare-deps.ts'], { stdio: 'inherit' });
}
