/**
 * The publish token is never on disk in the clear nor on a command line: the npm userconfig names an
 * environment variable that only the npm child processes get; `--token` is refused (it would sit in the
 * process list); the temporary config folder goes away with the process.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NpmClient, TOKEN_VARIABLE } from '../../scripts/release/npm-client.js';
import { projectRoot } from '../helpers/shared.js';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');

test('the token reaches npm through its environment only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fhir-npm-fake-'));
  const fake = join(dir, 'npm');
  // A stand-in for npm: prints its arguments, the token variable, and the userconfig it was given.
  writeFileSync(fake, `#!/bin/sh\necho "args: $*"\necho "env: $${TOKEN_VARIABLE}"\nwhile [ $# -gt 0 ]; do if [ "$1" = "--userconfig" ]; then cat "$2"; fi; shift; done\n`);
  chmodSync(fake, 0o755);
  const client = new NpmClient('http://registry.example/', 'secret-token-123', fake);
  const folder = (client as unknown as { dir: string }).dir;
  try {
    const r = await client.run(['whoami']);
    const [args, env, ...config] = r.stdout.split('\n');
    expect(args).not.toContain('secret-token-123');
    expect(env).toBe('env: secret-token-123');
    expect(config.join('\n')).toBe(`registry=http://registry.example/\n//registry.example/:_authToken=\${${TOKEN_VARIABLE}}\n`);
    expect(readFileSync(join(folder, 'npmrc'), 'utf8')).not.toContain('secret-token-123');
  } finally {
    client.dispose();
  }
  expect(existsSync(folder)).toBe(false);
});

test('--token is refused: the token would show in the process list', () => {
  const r = spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), 'publish', '--registry', 'http://registry.example/', '--token', 'abc'], { encoding: 'utf8', cwd: projectRoot });
  expect(r.stderr).toBe('error: --token would show the token to every user of this machine (process list): set NPM_TOKEN or use --token-file\n');
  expect(r.status).toBe(2);
});
