/**
 * A real Verdaccio registry for publish tests: started from node_modules/.bin/verdaccio on 127.0.0.1 and a
 * free port, with a temporary config and storage, an htpasswd user, and no uplinks (works offline; never
 * reaches the public registry). `stop()` ends the one process it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers/shared.js';

export interface TestRegistry {
  url: string;
  /** Auth token of the test user (created at start). */
  token: string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startVerdaccio(): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'fhir-stu3-verdaccio-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = [
    `storage: ${join(dir, 'storage')}`,
    'auth:',
    '  htpasswd:',
    `    file: ${join(dir, 'htpasswd')}`,
    '    max_users: 10',
    'uplinks: {}',
    'packages:',
    // publishing these names is refused at publish time (tests of a publish failing halfway)
    "  'refused-*':",
    '    access: $all',
    '    publish: nobody',
    '    unpublish: nobody',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    '    unpublish: $authenticated',
    'server:',
    '  keepAliveTimeout: 0',
    'log: { type: stdout, format: pretty, level: error }',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'config.yaml'), config);
  const child: ChildProcess = spawn(join(projectRoot, 'node_modules', '.bin', 'verdaccio'), ['--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + 30000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`verdaccio exited: ${output}`);
      try {
        const r = await fetch(`${url}-/ping`);
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`verdaccio did not start within 30 s: ${output}`);
      await sleep(200);
    }
    // The test user: htpasswd registration answers with the user's token.
    const r = await fetch(`${url}-/user/org.couchdb.user:publisher`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'publisher', password: 'publisher-password' }),
    });
    const body = (await r.json()) as { token?: string };
    if (!r.ok || !body.token) throw new Error(`cannot create the test user: ${r.status} ${JSON.stringify(body)}`);
    return { url, token: body.token, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
