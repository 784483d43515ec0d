/**
 * `publish`: the built FHIR package tarball (`<out>/<packageId>-<version>.tgz`) and, when the build made
 * one, the TypeScript types package (`<out>/types/`), published to an npm registry with the npm client.
 *
 * Everything is checked before anything is published: the build output matches the config's version, the
 * registry answers, the token is accepted, and no package has this version already. Pre-releases
 * (`-alpha.N`, `-beta.N`, `-rc.N`) go under the `next` dist-tag, releases under `latest`. Should a later
 * publish still fail, the packages already published in this run are unpublished again, so a run leaves
 * all or nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { readTarballManifest } from '../definitions/package-version.js';
import { failureOf, npmMessage, NpmClient, type NpmResult } from './npm-client.js';
import { errorMessage } from '../util/values.js';

export interface PublishTarget {
  what: 'FHIR package' | 'types package';
  name: string;
  version: string;
  /** The tarball or the package folder handed to `npm publish`. */
  path: string;
}

export interface PublishOptions {
  registry: string;
  /** Auth token for the registry (none: publish anonymously, if the registry allows it). */
  token?: string;
  /** The build output folder (generated/). */
  outDir: string;
  packageId: string;
  version: string;
  /** Check everything, publish nothing. */
  dryRun?: boolean;
  say?: (line: string) => void;
  /** The npm client (tests may give one); default: a temporary-config client for `registry` and `token`. */
  client?: NpmClient;
}

export type PublishStatus = 'published' | 'checked' | 'refused' | 'failed';

export interface PublishOutcome {
  status: PublishStatus;
  /** 0 published or checked; 1 refused (the build output cannot be published as it is: missing, stale, version taken); 2 registry or environment failure. */
  exitCode: 0 | 1 | 2;
  tag: 'latest' | 'next';
  targets: PublishTarget[];
  /** `name@version` of each package published (and still published) by this run. */
  published: string[];
  notes: string[];
  error?: string;
}

/** `next` for pre-releases, `latest` for releases. */
export function distTag(version: string): 'latest' | 'next' {
  return semver.prerelease(version) ? 'next' : 'latest';
}

export async function publishPackages(options: PublishOptions): Promise<PublishOutcome> {
  const say = options.say ?? (() => {});
  const tag = distTag(options.version);
  const notes: string[] = [];
  const outcome = (status: PublishStatus, exitCode: PublishOutcome['exitCode'], targets: PublishTarget[], published: string[], error?: string): PublishOutcome => ({
    status, exitCode, tag, targets, published, notes, ...(error ? { error } : {}),
  });

  // 1. What to publish: the build output, for the config's version.
  const found = await findTargets(options, notes);
  if ('error' in found) return outcome('refused', 1, [], [], found.error);
  const targets = found.targets;
  for (const n of notes) say(n);

  const client = options.client ?? new NpmClient(options.registry, options.token);
  try {
    // 2. The registry answers and takes the token.
    const ping = await client.run(['ping']);
    if (ping.code !== 0) return outcome('failed', 2, targets, [], `registry ${options.registry} is unreachable: ${npmMessage(ping)}`);
    if (options.token) {
      const who = await client.run(['whoami']);
      if (who.code !== 0) {
        const why = failureOf(who) === 'auth' ? 'refused the auth token' : `could not check the auth token (${npmMessage(who)})`;
        return outcome('failed', 2, targets, [], `registry ${options.registry} ${why}: nothing published`);
      }
      say(`registry ${options.registry}: authenticated as ${who.stdout.trim()}`);
    }

    // 3. No version is published twice: every package is checked before any is published.
    for (const t of targets) {
      const existing = await publishedVersions(client, t.name);
      if ('error' in existing) return outcome('failed', 2, targets, [], `cannot read ${t.name} from ${options.registry}: ${existing.error}`);
      if (existing.versions.includes(t.version)) return outcome('refused', 1, targets, [], `${t.name}@${t.version} is already published on ${options.registry}: versions are never republished (raise the version); nothing published`);
    }
    if (options.dryRun) {
      for (const t of targets) say(`would publish ${t.what} ${t.name}@${t.version} (${t.path}) under '${tag}'`);
      return outcome('checked', 0, targets, []);
    }

    // 4. Publish, all or nothing.
    const published: PublishTarget[] = [];
    for (const t of targets) {
      const r = await client.run(['publish', t.path, '--tag', tag, '--ignore-scripts', '--access', 'public']);
      if (r.code !== 0) {
        const undone = await rollback(client, published);
        const kind = failureOf(r);
        const why = kind === 'auth' ? `the registry refused the publish (${npmMessage(r)})` : kind === 'conflict' ? 'the version was published meanwhile' : npmMessage(r);
        const rolled = published.length ? `; ${undone.ok.length ? `unpublished again: ${undone.ok.join(', ')}` : ''}${undone.failed.length ? ` COULD NOT UNPUBLISH ${undone.failed.join(', ')}` : ''}` : '; nothing published';
        return outcome('failed', kind === 'conflict' ? 1 : 2, targets, undone.failed, `publishing ${t.name}@${t.version} failed: ${why}${rolled}`);
      }
      published.push(t);
      say(`published ${t.what} ${t.name}@${t.version} under '${tag}'`);
    }
    return outcome('published', 0, targets, published.map((t) => `${t.name}@${t.version}`));
  } finally {
    if (!options.client) client.dispose();
  }
}

/** The FHIR package tarball and, if built, the types package; each must be of the config's version. */
async function findTargets(options: PublishOptions, notes: string[]): Promise<{ targets: PublishTarget[] } | { error: string }> {
  const tarball = join(options.outDir, `${options.packageId}-${options.version}.tgz`);
  if (!existsSync(tarball)) return { error: `no FHIR package tarball ${tarball}: run the build first` };
  let manifest: Record<string, unknown>;
  try {
    manifest = await readTarballManifest(tarball);
  } catch (e) {
    return { error: `${tarball} is not a readable package tarball: ${errorMessage(e)}` };
  }
  if (manifest.name !== options.packageId || manifest.version !== options.version)
    return { error: `${tarball} holds ${String(manifest.name)}@${String(manifest.version)}, not ${options.packageId}@${options.version}: rebuild` };
  const targets: PublishTarget[] = [{ what: 'FHIR package', name: options.packageId, version: options.version, path: tarball }];

  const typesDir = join(options.outDir, 'types');
  const typesManifest = join(typesDir, 'package.json');
  if (!existsSync(typesManifest)) {
    notes.push(`no types package (${typesManifest} not found): publishing the FHIR package only`);
    return { targets };
  }
  let types: Record<string, unknown>;
  try {
    types = JSON.parse(readFileSync(typesManifest, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    return { error: `${typesManifest} is not valid JSON: ${errorMessage(e)}` };
  }
  if (types.private === true) return { error: `${typesManifest} is marked private: npm will not publish it` };
  if (typeof types.name !== 'string' || types.version !== options.version)
    return { error: `${typesManifest} is ${String(types.name)}@${String(types.version)}, not version ${options.version}: rebuild` };
  targets.push({ what: 'types package', name: types.name, version: options.version, path: typesDir });
  return { targets };
}

/** The versions a registry has of a package (none when it does not know the package). */
async function publishedVersions(client: NpmClient, name: string): Promise<{ versions: string[] } | { error: string }> {
  const r: NpmResult = await client.run(['view', name, 'versions', '--json']);
  if (r.code !== 0) {
    const kind = failureOf(r);
    if (kind === 'not-found') return { versions: [] };
    return { error: kind === 'auth' ? 'access refused' : npmMessage(r) };
  }
  const text = r.stdout.trim();
  if (!text) return { versions: [] };
  try {
    const v: unknown = JSON.parse(text);
    return { versions: Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [] };
  } catch {
    return { error: `unexpected answer: ${text.slice(0, 200)}` };
  }
}

async function rollback(client: NpmClient, published: PublishTarget[]): Promise<{ ok: string[]; failed: string[] }> {
  const ok: string[] = [];
  const failed: string[] = [];
  for (const t of [...published].reverse()) {
    const spec = `${t.name}@${t.version}`;
    const r = await client.run(['unpublish', spec, '--force']);
    (r.code === 0 ? ok : failed).push(spec);
  }
  return { ok, failed };
}
