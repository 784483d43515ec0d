// Jest global setup: prepares the dependency packages once, through tsx (jest does not map the sources' .js imports here),
// and gives every test (and the CLI processes they start) one validator module cache, so that the core
// module is compiled once for the whole run, not once per temp project. Tests of the cache itself use their own folders.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  const require = createRequire(import.meta.url);
  process.env.FHIR_STU3_CACHE_DIR ??= join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'fhir-stu3-test-validators');
  execFileSync(process.execPath, [require.resolve('tsx/cli'), 'test/prepare-deps.ts'], { stdio: 'inherit' });
}
