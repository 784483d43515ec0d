/**
 * Any project gets a site, not only GP Connect: a new project made by `init` (built with no edits) and
 * the clinic fixture guide (its own canonical, ids without version suffixes, an extension URL of its own
 * layout, an XML profile and example; no previous version, no changes file). Every artefact and example
 * of the built package has its page and is on the home page; every internal link and anchor resolves;
 * nothing of GP Connect shows; a second build gives the same bytes; `site` run in the new project with
 * its defaults writes what `build --site` wrote.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { readBuiltPackageFolder, type BuiltPackage } from '../../scripts/load/built-package.js';
import { examplePage, resourcePage, sourcePage } from '../../scripts/site/links.js';
import { fhirStu3 } from '../authoring/guides.js';
import { buildClinicSite, buildInitSite, type BuiltSite } from './sites.js';

/** Builds take a minute or more on a loaded machine. */
const TIMEOUT = 900_000;

const filesOf = (dir: string) => readdirSync(dir).sort();
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Anything of GP Connect or NHS England that would show the site generator assumed that content. */
const GP_CONNECT_TEXT = /GP ?Connect|gpconnect|fhir\.nhs\.uk|nhs\.uk|\bNHS\b|Care ?Connect|Spine|DeliveryChannel|\bODS\b|\bSDS\b/i;

function builtPackage(site: BuiltSite): BuiltPackage {
  const diagnostics = new Diagnostics();
  const pkg = readBuiltPackageFolder(join(site.out, 'package'), diagnostics);
  if (!pkg) throw new Error(diagnostics.all.map((d) => d.message).join('\n'));
  return pkg;
}

/** Internal links (href and src) of every page that name no file of the site, or no id of that file. */
function brokenLinks(dir: string): { broken: string[]; links: number } {
  const pages = filesOf(dir).filter((f) => f.endsWith('.html'));
  const ids = new Map(pages.map((f) => [f, new Set([...read(dir, f).matchAll(/\sid="([^"]*)"/g)].map((m) => unescape(m[1] ?? '')))]));
  const files = new Set(filesOf(dir));
  const broken: string[] = [];
  let links = 0;
  for (const page of pages) {
    for (const [, raw] of read(dir, page).matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const href = unescape(raw ?? '');
      if (/^(https?|mailto):/i.test(href)) continue;
      links++;
      const [file = '', fragment] = href.split('#', 2);
      const target = file === '' ? page : file.replace(/\?.*$/, '');
      if (!files.has(target)) broken.push(`${page} -> ${href} (no such file)`);
      else if (fragment && !ids.get(target)?.has(decodeURIComponent(fragment))) broken.push(`${page} -> ${href} (no such anchor)`);
    }
  }
  return { broken, links };
}

const sites: Record<string, { site?: BuiltSite; build: () => Promise<BuiltSite>; counts: Record<string, number> }> = {
  'init project': { build: buildInitSite, counts: { CodeSystem: 1, StructureDefinition: 1, ValueSet: 1, examples: 1 } },
  'clinic guide': { build: buildClinicSite, counts: { CodeSystem: 1, StructureDefinition: 5, ValueSet: 1, examples: 4 } },
};

describe.each(Object.keys(sites))('the site of the %s', (name) => {
  const entry = sites[name] as (typeof sites)[string];
  const site = () => entry.site as BuiltSite;
  beforeAll(async () => {
    entry.site = await entry.build();
  }, TIMEOUT);

  test('every artefact and example of the package has its pages, and the home page lists each', () => {
    const pkg = builtPackage(site());
    const counts: Record<string, number> = { examples: pkg.examples.length };
    for (const r of pkg.resources) counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
    expect(counts).toEqual(entry.counts);
    const expected = [...pkg.resources.flatMap((r) => [resourcePage(r), sourcePage(r, 'json'), sourcePage(r, 'xml')]), ...pkg.examples.map(examplePage)];
    const fixed = ['changes.html', 'index.html', 'qa.html', 'search-index.js', 'search.html', 'site.css', 'site.js'];
    expect(filesOf(site().site)).toEqual([...expected, ...fixed].sort());
    const home = read(site().site, 'index.html');
    for (const page of [...pkg.resources.map(resourcePage), ...pkg.examples.map(examplePage)]) expect([page, home.includes(`<a href="${page}">`)]).toEqual([page, true]);
    expect(home).toContain(`<h1>${pkg.manifest.title ?? ''}</h1>`);
    expect(home).toContain(`<dt>Version</dt><dd>${pkg.manifest.version}</dd>`);
    expect(home).toContain(`<code>${pkg.manifest.canonical ?? ''}</code>`);
  });

  test('every internal link and anchor resolves', () => {
    const { broken, links } = brokenLinks(site().site);
    expect(broken).toEqual([]);
    expect(links).toBeGreaterThan(100);
  });

  test('no GP Connect text on any page, in the search index or the assets; no machine path', () => {
    for (const file of filesOf(site().site)) {
      const text = read(site().site, file);
      expect([file, GP_CONNECT_TEXT.exec(text)?.[0]]).toEqual([file, undefined]);
      expect([file, text.includes(site().root)]).toEqual([file, false]);
    }
  });

  test('no previous version and no changes file: the changes page says so; the QA page is clean', () => {
    const changes = read(site().site, 'changes.html');
    expect(changes).toContain('No changes file (<code>changes.json</code> beside the project config).');
    expect(changes).toContain('No previous version to compare with');
    const qa = read(site().site, 'qa.html');
    expect(qa).toContain('0 error(s), 0 warning(s), 0 information message(s), 0 suppressed.');
    expect(qa).toContain('Every page was generated without a problem.');
    expect(qa).toContain('Every canonical URL the package refers to is defined by it or its dependencies.');
  });

  test(
    'a second build of the same sources gives the same bytes',
    async () => {
      const again = await entry.build();
      expect(filesOf(again.site)).toEqual(filesOf(site().site));
      for (const file of filesOf(site().site)) expect([file, readFileSync(join(again.site, file)).equals(readFileSync(join(site().site, file)))]).toEqual([file, true]);
    },
    TIMEOUT,
  );
});

describe('what the two sites show of their own conventions', () => {
  test('clinic guide: the extension of its own URL layout is linked from the profile that uses it, with its example', () => {
    const dir = (sites['clinic guide']?.site as BuiltSite).site;
    const patient = read(dir, 'StructureDefinition-clinic-patient.html');
    expect(patient).toContain('<a href="StructureDefinition-ethnic-category-extension.html" title="https://fhir.example.org/clinic/extension/ethnic-category">Ethnic category</a>');
    expect(read(dir, 'StructureDefinition-ethnic-category-extension.html')).toContain('<a href="example-Patient-clinic-patient-example.html">Patient/clinic-patient-example</a>');
    // the organization profile and example come from XML sources
    expect(read(dir, 'example-Organization-clinic-organization-example.html')).toContain('<a href="StructureDefinition-clinic-organization.html"');
  });

  test('init project: the value set expands to its code system codes; `site` with its defaults writes what `build --site` wrote', () => {
    const init = sites['init project']?.site as BuiltSite;
    const vs = read(init.site, 'ValueSet-wellbeing-question.html');
    expect(vs).toContain('2 code(s), as the build expands it for binding checks.');
    expect(vs).toContain('<tr id="exp-0"><th scope="row"><code>sleep</code></th><td>Sleep quality</td>');
    const r = fhirStu3(init.root, ['site', '--offline', '--out', 'site-again']);
    expect(r.stderr).toMatch(/wrote 17 files to .* open .*index\.html/);
    expect(r.code).toBe(0);
    const again = join(init.root, 'site-again');
    expect(filesOf(again)).toEqual(filesOf(init.site));
    for (const file of filesOf(init.site)) expect([file, readFileSync(join(again, file)).equals(readFileSync(join(init.site, file)))]).toEqual([file, true]);
  }, TIMEOUT);
});
