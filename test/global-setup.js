// Jest global setup: prepares the dependency packages once, through tsx (jest does not map the sources' .js imports here).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function globalSetup() {
  const require = createRequire(import.meta.url);
  execFileSync(process.execPath, [require.resolve('tsx/cli'), 'test/prepare-deps.ts'], { stdio: 'inherit' });
}
