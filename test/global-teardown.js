// Jest global teardown: removes the run's temp folder (see global-setup.js) with everything the tests made in it.
import { rmSync } from 'node:fs';
import process from 'node:process';

export default function globalTeardown() {
  const dir = process.env.FHIR_STU3_TEST_TMPDIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
