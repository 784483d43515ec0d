/**
 * The npm command line as a registry client, isolated from the user's and the project's npm settings:
 * each call runs in a temporary folder with its own userconfig (registry URL, and where the auth token
 * is) and an empty globalconfig, no `npm_config_*` variables inherited, no lifecycle scripts, and no
 * retries, so a registry that is down is reported at once.
 *
 * The token is never written to disk nor put on a command line: the userconfig names an environment
 * variable (`${FHIR_STU3_NPM_TOKEN}`, which npm expands when it reads the file), set only in the
 * environment of the npm child processes. The temporary folder holds nothing secret, and is removed on
 * dispose or, failing that, when the process exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NpmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Why an npm call failed, from its error code. */
export type NpmFailure = 'unreachable' | 'auth' | 'conflict' | 'not-found' | 'other';

/** The environment variable the userconfig names for the token (set in npm's environment only). */
export const TOKEN_VARIABLE = 'FHIR_STU3_NPM_TOKEN';

export class NpmClient {
  private readonly dir: string;
  private readonly cleanUp = (): void => this.dispose();

  constructor(
    readonly registry: string,
    private readonly token: string | undefined,
    private readonly npmCommand: string = process.platform === 'win32' ? 'npm.cmd' : 'npm',
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'fhir-stu3-npm-'));
    process.once('exit', this.cleanUp);
    const url = new URL(registry);
    const scope = `//${url.host}${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}`;
    const lines = [`registry=${registry}`, ...(token ? [`${scope}:_authToken=\${${TOKEN_VARIABLE}}`] : []), ''];
    writeFileSync(join(this.dir, 'npmrc'), lines.join('\n'), { mode: 0o600 });
    writeFileSync(join(this.dir, 'global-npmrc'), '');
  }

  /** Runs `npm <args>` against the registry. */
  run(args: string[]): Promise<NpmResult> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_config_/i.test(k) && k !== 'NPM_TOKEN' && k !== 'NODE_AUTH_TOKEN' && k !== TOKEN_VARIABLE) env[k] = v;
    if (this.token) env[TOKEN_VARIABLE] = this.token;
    const common = [
      '--registry', this.registry,
      '--userconfig', join(this.dir, 'npmrc'),
      '--globalconfig', join(this.dir, 'global-npmrc'),
      '--fetch-retries', '0',
      '--fetch-timeout', '30000',
      '--no-update-notifier',
      '--no-audit',
      '--no-fund',
      '--loglevel', 'error',
    ];
    return new Promise((resolvePromise) => {
      const child = spawn(this.npmCommand, [...args, ...common], { cwd: this.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.on('error', (e) => resolvePromise({ code: 127, stdout, stderr: `cannot run ${this.npmCommand}: ${e.message}` }));
      child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    });
  }

  /** Removes the temporary config folder. */
  dispose(): void {
    process.off('exit', this.cleanUp);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The kind of failure an npm error output describes. */
export function failureOf(result: NpmResult): NpmFailure {
  const text = `${result.stderr}\n${result.stdout}`;
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|network request|socket hang up/i.test(text)) return 'unreachable';
  if (/\bE40[13]\b|unauthori[sz]ed|authentication|forbidden|ENEEDAUTH/i.test(text)) return 'auth';
  if (/\bE409\b|EPUBLISHCONFLICT|cannot publish over|already (been )?published|previously published/i.test(text)) return 'conflict';
  if (/\bE404\b|not found/i.test(text)) return 'not-found';
  return 'other';
}

/** The first npm error line, without npm's `npm error` prefix, for messages. */
export function npmMessage(result: NpmResult): string {
  const lines = result.stderr.split('\n').map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim()).filter((l) => l && !/^A complete log|^\d{4}-\d\d-\d\d/.test(l));
  return lines.slice(0, 2).join(' ') || `npm exited with ${result.code}`;
}
