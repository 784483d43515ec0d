/**
 * A headless Chromium for the site tests, installed by npm with the project: the binary ships
 * brotli-compressed inside @sparticuz/chromium (with the NSS libraries it links against and a font), so
 * the tests need nothing but Node and npm. It is unpacked once into node_modules/.cache (per package
 * version; written to a temporary name and renamed, so parallel workers never see half a file) and
 * driven by playwright-core. Launched for a closed network: nothing in the background reaches out, a
 * fresh profile every time.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';
import { x as untar } from 'tar';
import { projectRoot } from '../helpers/shared.js';

const LAUNCH_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--no-default-browser-check',
];

interface Unpacked {
  executable: string;
  libDir: string;
  fontConfig: string;
}

/** The @sparticuz/chromium package folder and version. */
function chromiumPackage(): { dir: string; version: string } {
  const require = createRequire(join(projectRoot, 'package.json'));
  let dir = dirname(require.resolve('@sparticuz/chromium'));
  while (!existsSync(join(dir, 'bin', 'chromium.br'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('@sparticuz/chromium has no bin/chromium.br: run npm ci');
    dir = up;
  }
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  return { dir, version };
}

/** Unpacks the browser, its libraries and fonts once; later calls reuse them. */
export async function unpackChromium(): Promise<Unpacked> {
  const pkg = chromiumPackage();
  const target = join(projectRoot, 'node_modules', '.cache', 'fhir-stu3-chromium', pkg.version);
  const result: Unpacked = { executable: join(target, 'chromium'), libDir: join(target, 'lib'), fontConfig: join(target, 'fonts.conf') };
  if (existsSync(join(target, '.complete'))) return result;
  mkdirSync(dirname(target), { recursive: true });
  const temp = mkdtempSync(`${target}.tmp-`);
  try {
    writeFileSync(join(temp, 'chromium'), brotliDecompressSync(readFileSync(join(pkg.dir, 'bin', 'chromium.br'))));
    chmodSync(join(temp, 'chromium'), 0o755);
    for (const archive of ['al2023.tar.br', 'fonts.tar.br']) {
      const tarFile = join(temp, archive.replace(/\.br$/, ''));
      writeFileSync(tarFile, brotliDecompressSync(readFileSync(join(pkg.dir, 'bin', archive))));
      await untar({ file: tarFile, cwd: temp });
      rmSync(tarFile);
    }
    // Our own font configuration: the shipped fonts first, then the system's, cache inside the folder.
    writeFileSync(
      join(temp, 'fonts.conf'),
      `<?xml version="1.0"?>\n<fontconfig>\n  <dir>${target}/fonts</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${target}/fonts-cache</cachedir>\n</fontconfig>\n`,
    );
    writeFileSync(join(temp, '.complete'), '');
    try {
      renameSync(temp, target);
    } catch {
      // Another worker got there first: its copy is complete.
      if (!existsSync(join(target, '.complete'))) throw new Error(`cannot unpack Chromium into ${target}`);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return result;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** A fresh headless browser with a fresh profile folder; `close` removes the profile. */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const unpacked = await unpackChromium();
  const profile = mkdtempSync(join(tmpdir(), 'fhir-stu3-chromium-profile-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.LD_LIBRARY_PATH = [unpacked.libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  env.FONTCONFIG_FILE = unpacked.fontConfig;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: unpacked.executable,
    headless: true,
    args: LAUNCH_FLAGS,
    env,
    viewport: { width: 1280, height: 900 },
    offline: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
