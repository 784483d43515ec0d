/**
 * The sites in a real headless Chromium (installed from npm, test/site/browser.ts), opened from file://:
 * the GP Connect site and the demo fixture guide's (and, for loading and links only, the sites of a new
 * `init` project and of the clinic fixture guide: any project's site). Every page loads with no console error, no failed
 * request and no request leaving file://; every internal link and anchor resolves; tree rows collapse and
 * expand; the search finds codes and the profiles that carry them; axe-core finds no serious or critical
 * violation on the largest page of each kind; hostile content runs no script. Screenshots go to test-output/site/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.js';
import { hostileSite } from './hostile.js';
import { buildClinicSite, buildFixtureSite, buildGpConnectSite, buildInitSite, testOutputDir, type BuiltSite } from './sites.js';

const axeSource = createRequire(import.meta.url)('axe-core').source as string;

// Code run inside the pages (as source text: the test itself is compiled without the DOM types).
/** Every id on the page, and every href and src (absolute). */
const PAGE_LINKS = `({
  ids: Array.from(document.querySelectorAll('[id]'), (e) => e.id),
  hrefs: [
    ...Array.from(document.querySelectorAll('a[href], link[href]'), (a) => a.href),
    ...Array.from(document.querySelectorAll('script[src]'), (s) => s.src),
  ],
})`;
/** axe-core's violations on the page (axe injected first), three targets each. */
const AXE_RUN = `axe.run(document, { resultTypes: ['violations'] }).then((r) =>
  r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) })))`;
/** What could run script: inline scripts, event handler attributes, script links. */
const SCRIPT_SURFACE = `({
  inlineScripts: document.querySelectorAll('script:not([src])').length,
  handlers: Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => e.tagName + '.' + a.name)),
  scriptLinks: Array.from(document.querySelectorAll('a[href]')).map((a) => a.getAttribute('href') || '').filter((h) => /^\\s*javascript:/i.test(h)),
})`;

let browser: LaunchedBrowser;
let gp: BuiltSite;
let demo: BuiltSite;
let init: BuiltSite;
let clinic: BuiltSite;

beforeAll(async () => {
  gp = await buildGpConnectSite();
  demo = await buildFixtureSite();
  init = await buildInitSite();
  clinic = await buildClinicSite();
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  await browser?.close();
});

const url = (dir: string, file: string) => pathToFileURL(join(dir, file)).href;
const pagesOf = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.html')).sort();

/**
 * The largest page of each kind (profile, extension, value set, code system, example, ...; home, QA,
 * changes and search each a kind of their own): every template, at its biggest. axe-core takes a
 * second or more per page, and pages of one kind share their markup.
 */
function largestOfEachKind(dir: string): string[] {
  const largest = new Map<string, { file: string; size: number }>();
  for (const file of pagesOf(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    const kind = /<span class="kind">([^<]*)<\/span>/.exec(text)?.[1] ?? file;
    const size = text.length;
    const best = largest.get(kind);
    if (!best || size > best.size) largest.set(kind, { file, size });
  }
  return [...largest.values()].map((b) => b.file).sort();
}

/** A page that records what went wrong: console errors, uncaught errors, failed requests, requests off file://, dialogs. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file://')) problems.push(`request off file://: ${r.url()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { page, problems };
}

/** Loads every page; returns the internal links that do not resolve (missing file or anchor) and what went wrong. */
async function crawl(dir: string): Promise<{ problems: string[]; broken: string[]; pages: number; links: number }> {
  const { page, problems } = await watchedPage();
  const ids = new Map<string, Set<string>>();
  const links: Array<{ from: string; href: string }> = [];
  for (const file of pagesOf(dir)) {
    const before = problems.length;
    await page.goto(url(dir, file), { waitUntil: 'load' });
    for (let i = before; i < problems.length; i++) problems[i] = `${file}: ${problems[i]}`;
    const found = (await page.evaluate(PAGE_LINKS)) as { ids: string[]; hrefs: string[] };
    ids.set(file, new Set(found.ids));
    for (const href of found.hrefs) if (href.startsWith('file:')) links.push({ from: file, href });
  }
  await page.close();
  const broken: string[] = [];
  for (const { from, href } of links) {
    const target = new URL(href);
    const path = fileURLToPath(new URL(target.pathname, 'file://'));
    const file = path.slice(path.lastIndexOf('/') + 1);
    let exists = false;
    try {
      exists = statSync(path).isFile() && path.startsWith(dir);
    } catch {
      exists = false;
    }
    const fragment = decodeURIComponent(target.hash.slice(1));
    if (!exists) broken.push(`${from} -> ${href} (no such file)`);
    else if (fragment && !ids.get(file)?.has(fragment)) broken.push(`${from} -> ${file}#${fragment} (no such anchor)`);
  }
  return { problems, broken, pages: ids.size, links: links.length };
}

/** Every page of a site loads cleanly and every internal link and anchor resolves. */
async function crawlsClean(dir: Parameters<typeof crawl>[0]): Promise<void> {
  const { problems, broken, pages, links } = await crawl(dir);
  expect(problems).toEqual([]);
  expect(broken).toEqual([]);
  expect(pages).toBeGreaterThan(5);
  expect(links).toBeGreaterThan(pages * 10);
}

describe.each([
  ['GP Connect', () => gp],
  ['demo guide', () => demo],
])('the %s site in Chromium', (_name, site) => {
  test('every page loads with no console error, no failed request, nothing fetched off file://; every internal link and anchor resolves', () => crawlsClean(site().site), 240_000);

  test('axe-core: no serious or critical accessibility violation on a page of each kind (the largest)', async () => {
    const { page } = await watchedPage();
    const violations: string[] = [];
    for (const file of largestOfEachKind(site().site)) {
      await page.goto(url(site().site, file), { waitUntil: 'load' });
      // Evaluated through the DevTools protocol: the pages' Content-Security-Policy (no inline script) does not apply.
      await page.evaluate(axeSource);
      const found = (await page.evaluate(AXE_RUN)) as Array<{ id: string; impact: string | null; targets: string[] }>;
      for (const v of found) if (v.impact === 'serious' || v.impact === 'critical') violations.push(`${file}: ${v.id} (${v.impact}) at ${v.targets.join(', ')}`);
    }
    await page.close();
    expect(violations).toEqual([]);
  }, 300_000);
});

// Pages of one kind share their markup across projects, so axe-core is not run again on these two.
describe.each([
  ['init project', () => init],
  ['clinic guide', () => clinic],
])('the %s site in Chromium', (_name, site) => {
  test('every page loads with no console error, no failed request, nothing fetched off file://; every internal link and anchor resolves', () => crawlsClean(site().site), 240_000);
});

describe('the GP Connect site, interactively', () => {
  test('tree rows collapse and expand their descendants, and say so', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(url(gp.site, 'StructureDefinition-GPConnect-Appointment-1.html'));
    const row = page.locator('[id="snap-Appointment.participant"]');
    const child = page.locator('[id="snap-Appointment.participant.actor"]');
    const toggle = row.locator('button.toggle');
    await expect(child.isVisible()).resolves.toBe(true);
    await toggle.click();
    await expect(child.isVisible()).resolves.toBe(false);
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(toggle.getAttribute('aria-label')).resolves.toBe('Expand participant');
    await expect(page.locator('[id="snap-Appointment.requestedPeriod"]').isVisible()).resolves.toBe(true); // a sibling stays
    await toggle.click();
    await expect(child.isVisible()).resolves.toBe(true);
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.close();
    expect(problems).toEqual([]);
  });

  test('search from the header: Visit finds the delivery channel code and the Appointment profile', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(url(gp.site, 'index.html'));
    await page.fill('#q', 'Visit');
    await page.press('#q', 'Enter');
    await page.waitForURL(/search\.html\?q=Visit$/);
    await page.waitForSelector('#search-results li');
    const results = await page.$$eval('#search-results a', (as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ href: expect.stringMatching(/^ValueSet-GPConnect-DeliveryChannel-1\.html#exp-\d+$/), text: expect.stringMatching(/^Visit/) }),
        expect.objectContaining({ href: expect.stringMatching(/^CodeSystem-GPConnect-DeliveryChannel-1\.html#c-\d+$/), text: expect.stringMatching(/^Visit/) }),
        expect.objectContaining({ href: 'StructureDefinition-GPConnect-Appointment-1.html' }),
      ]),
    );
    // typing refines the results in place
    await page.fill('#search-page-q', 'GPConnect-Appointment-1');
    await expect(page.locator('#search-results a').first().getAttribute('href')).resolves.toBe('StructureDefinition-GPConnect-Appointment-1.html');
    await page.close();
    expect(problems).toEqual([]);
  });

  test('screenshots of the home page, GPConnect-Appointment-1 and the DeliveryChannel value set', async () => {
    mkdirSync(testOutputDir, { recursive: true });
    const { page, problems } = await watchedPage();
    const shots: Array<[string, string]> = [
      ['index.html', 'home.png'],
      ['StructureDefinition-GPConnect-Appointment-1.html', 'GPConnect-Appointment-1.png'],
      ['ValueSet-GPConnect-DeliveryChannel-1.html', 'ValueSet-GPConnect-DeliveryChannel-1.png'],
    ];
    for (const [file, png] of shots) {
      await page.goto(url(gp.site, file));
      await page.screenshot({ path: join(testOutputDir, png), fullPage: true });
      expect(statSync(join(testOutputDir, png)).size).toBeGreaterThan(10_000);
    }
    await page.close();
    expect(problems).toEqual([]);
  });
});

describe('hostile content in Chromium', () => {
  test('no page runs script from the content: no dialog, no inline script, no event handler attribute, search results are text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fhir-stu3-site-hostile-'));
    for (const f of hostileSite()) writeFileSync(join(dir, f.path), f.content);
    const { page, problems } = await watchedPage();
    for (const file of pagesOf(dir)) {
      await page.goto(url(dir, file), { waitUntil: 'load' });
      const found = await page.evaluate(SCRIPT_SURFACE);
      expect([file, found]).toEqual([file, { inlineScripts: 0, handlers: [], scriptLinks: [] }]);
    }
    await page.goto(`${url(dir, 'search.html')}?q=alert`);
    await page.waitForSelector('#search-results li');
    await expect(page.locator('#search-results img').count()).resolves.toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });
});
