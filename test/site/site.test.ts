/**
 * The site generator on the demo fixture guide (built with `build --site`) and on hostile content:
 * pages and what they show, deterministic bytes, the build and the `site` command agreeing byte for
 * byte, and no way for source text to inject markup or script.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { readBuiltPackageFolder } from '../../scripts/load/built-package.js';
import { loadConfig, packagesToLoad } from '../../scripts/load/config.js';
import { loadDependencies } from '../../scripts/load/packages/index.js';
import { readQaReport, siteChanges, siteContext } from '../../scripts/site/prepare.js';
import { generateSite } from '../../scripts/site/site.js';
import { projectRoot } from '../helpers/shared.js';
import { hostileSite } from './hostile.js';
import { buildFixtureSite, type BuiltSite } from './sites.js';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const filesOf = (dir: string) => readdirSync(dir).sort();

let demo: BuiltSite;
beforeAll(async () => {
  demo = await buildFixtureSite();
});

describe('the demo guide site (build --site)', () => {
  test('a page per artefact and example, plus home, QA, changes, search and assets', () => {
    expect(filesOf(demo.site)).toEqual([
      'CodeSystem-Demo-Colours-1.html',
      'CodeSystem-Demo-Colours-1.json.html',
      'CodeSystem-Demo-Colours-1.xml.html',
      'StructureDefinition-Demo-Patient-1.html',
      'StructureDefinition-Demo-Patient-1.json.html',
      'StructureDefinition-Demo-Patient-1.xml.html',
      'StructureDefinition-Extension-Demo-FavouriteColour-1.html',
      'StructureDefinition-Extension-Demo-FavouriteColour-1.json.html',
      'StructureDefinition-Extension-Demo-FavouriteColour-1.xml.html',
      'ValueSet-Demo-Colours-1.html',
      'ValueSet-Demo-Colours-1.json.html',
      'ValueSet-Demo-Colours-1.xml.html',
      'changes.html',
      'example-Patient-demo-patient-example.html',
      'index.html',
      'qa.html',
      'search-index.js',
      'search.html',
      'site.css',
      'site.js',
    ]);
    expect(filesOf(demo.out)).toContain('qa.json');
  });

  test('home: title, version, pre-release status, canonical, dependencies, artefacts by kind', () => {
    const home = read(demo.site, 'index.html');
    expect(home).toContain('<h1>Demo guide for the site tests</h1>');
    expect(home).toContain('<dt>Version</dt><dd>0.3.0-beta.1</dd>');
    expect(home).toContain('<dt>Status</dt><dd>pre-release (beta.1)</dd>');
    expect(home).toContain('<code>https://example.org/fhir/demo</code>');
    expect(home).toContain('<code>hl7.fhir.r3.core#3.0.2</code>');
    for (const heading of ['Profiles (1)', 'Extensions (1)', 'Value sets (1)', 'Code systems (1)', 'Examples (1)']) expect(home).toContain(heading);
  });

  test('profile: the three trees, flags, cardinalities, types linked, fixed values, constraints, examples, JSON and XML pages', () => {
    const page = read(demo.site, 'StructureDefinition-Demo-Patient-1.html');
    for (const tree of ['diff', 'snap', 'ms']) expect(page).toContain(`data-tree="${tree}"`);
    // the mrn slice, must support, 1..1, under identifier (depth 2), in every view
    expect(page).toMatch(/<tr id="snap-Patient.identifier:mrn" class="d2 constrained" data-depth="2"><th scope="row" class="name"><button type="button" class="toggle" aria-expanded="true" aria-label="Collapse identifier:mrn"><\/button><span class="el-name">identifier<\/span><span class="slice">:mrn<\/span><\/th><td class="flags"><abbr class="flag must-support"[^>]*>S<\/abbr>[^\n]*?<\/td><td class="card">1..1<\/td>/);
    expect(page).toContain('id="ms-Patient.identifier:mrn.value"');
    expect(page).not.toContain('id="ms-Patient.gender"');
    expect(page).toContain('Fixed value: <code>https://example.org/fhir/demo/mrn</code>');
    expect(page).toContain('<a href="StructureDefinition-Extension-Demo-FavouriteColour-1.html" title="https://example.org/fhir/demo/StructureDefinition/Extension-Demo-FavouriteColour-1">Favourite colour</a>');
    expect(page).toContain('<a href="http://hl7.org/fhir/STU3/datatypes.html#Identifier" rel="noopener noreferrer" class="external">Identifier</a>');
    expect(page).toContain('<a href="http://hl7.org/fhir/STU3/practitioner.html"');
    expect(page).toMatch(/<th scope="row"><code>demo-1<\/code><\/th><td class="sev-error">error<\/td><td>Patient<\/td><td>A patient has a name or an identifier<\/td><td><code>name.exists\(\) or identifier.exists\(\)<\/code><\/td>/);
    expect(page).toContain('<a href="example-Patient-demo-patient-example.html">Patient/demo-patient-example</a>');
    expect(page).toContain('<li><a href="StructureDefinition-Demo-Patient-1.json.html">JSON</a></li><li><a href="StructureDefinition-Demo-Patient-1.xml.html">XML</a></li>');
    expect(read(demo.site, 'StructureDefinition-Demo-Patient-1.xml.html')).toContain('&lt;StructureDefinition xmlns=&quot;http://hl7.org/fhir&quot;&gt;');
    expect(read(demo.site, 'StructureDefinition-Demo-Patient-1.json.html')).toContain('&quot;resourceType&quot;: &quot;StructureDefinition&quot;');
  });

  test('extension: context, value type and binding, and the examples that use it', () => {
    const page = read(demo.site, 'StructureDefinition-Extension-Demo-FavouriteColour-1.html');
    expect(page).toContain('<dt>Context</dt><dd>resource: <code>Patient</code></dd>');
    expect(page).toMatch(/<dt>Value type<\/dt><dd><a href="http:\/\/hl7.org\/fhir\/STU3\/datatypes.html#Coding"[^>]*>Coding<\/a><\/dd>/);
    expect(page).toContain('Binding: <a href="ValueSet-Demo-Colours-1.html"');
    expect(page).toContain('<a href="example-Patient-demo-patient-example.html">');
  });

  test('value set: its definition, the expansion with displays and anchors, and the definitions that can carry it', () => {
    const page = read(demo.site, 'ValueSet-Demo-Colours-1.html');
    expect(page).toContain('all codes from <a href="CodeSystem-Demo-Colours-1.html"');
    expect(page).toContain('4 code(s)');
    expect(page).toContain('<tr id="exp-3"><th scope="row"><code>navy</code></th><td>Navy blue</td>');
    expect(page).toMatch(/<h2 id="used-by">Used by<\/h2><ul><li><a href="StructureDefinition-Demo-Patient-1.html">Demo patient<\/a><\/li><li><a href="StructureDefinition-Extension-Demo-FavouriteColour-1.html">/);
  });

  test('code system: concepts with children under their parents; description markup shown as text', () => {
    const page = read(demo.site, 'CodeSystem-Demo-Colours-1.html');
    expect(page).toContain('<tr id="c-3"><th scope="row">\u21b3 <code>navy</code></th><td>Navy blue</td><td>A dark blue.</td></tr>');
    expect(page).toContain('Markup such as &lt;b&gt;this&lt;/b&gt; is shown as text.');
  });

  test('example: the profile it claims, its narrative, JSON and XML', () => {
    const page = read(demo.site, 'example-Patient-demo-patient-example.html');
    expect(page).toContain('<a href="StructureDefinition-Demo-Patient-1.html" title="https://example.org/fhir/demo/StructureDefinition/Demo-Patient-1">Demo patient</a>');
    expect(page).toContain('<div class="narrative"><p>Alex Example, born 1980-02-29, likes <b>navy blue</b>.</p></div>');
    expect(page).toContain('&lt;Patient xmlns=&quot;http://hl7.org/fhir&quot;&gt;');
  });

  test('changes: the changes file entries and the diff against the previous version', () => {
    const page = read(demo.site, 'changes.html');
    expect(page).toContain('<h4>Blue colours added</h4>');
    expect(page).toMatch(/previous &rarr; example.demo.site#0.3.0-beta.1: 4 artefact\(s\) changed; overall <span class="level-minor">minor<\/span>/);
    expect(page).toMatch(/<code>codesystem.code-added<\/code>[^<]*(<code>[^<]*<\/code>)?: [^<]*blue/);
  });

  test('QA: the build report, by rule, nothing suppressed, unresolved references', () => {
    const page = read(demo.site, 'qa.html');
    expect(page).toContain('0 error(s), 0 warning(s), 0 information message(s), 0 suppressed.');
    expect(page).toContain('Every page was generated without a problem.');
  });

  test('search index: pages, codes, and the profiles that can carry a value set code (through an extension too)', () => {
    const text = read(demo.site, 'search-index.js');
    const index = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { pages: string[][]; codes: Array<[string, string, string, string, number[]]> };
    const navy = index.codes.find((c) => c[0] === 'navy' && c[2].startsWith('value set'));
    expect(navy?.[3]).toBe('ValueSet-Demo-Colours-1.html#exp-3');
    expect(navy?.[4].map((i) => index.pages[i]?.[1])).toEqual(['StructureDefinition-Demo-Patient-1.html', 'StructureDefinition-Extension-Demo-FavouriteColour-1.html']);
  });
});

describe('deterministic bytes', () => {
  test('the same package gives the same site, and `site` from the written package gives what `build --site` wrote', async () => {
    const diagnostics = new Diagnostics();
    const config = loadConfig(demo.config, diagnostics);
    const pkg = readBuiltPackageFolder(join(demo.out, 'package'), diagnostics);
    const qa = readQaReport(join(demo.out, 'qa.json'), diagnostics);
    const packages = config && (await loadDependencies(packagesToLoad(config), { diagnostics, offline: true }));
    if (!config || !pkg || !qa || !packages) throw new Error(diagnostics.all.map((d) => d.message).join('\n'));
    const changes = await siteChanges(pkg, config, { previous: config.previousPackage, cwd: config.projectRoot, offline: true }, diagnostics);
    const once = generateSite({ package: pkg, qa, changes }, siteContext(pkg, packages, diagnostics));
    const twice = generateSite({ package: pkg, qa, changes }, siteContext(pkg, packages, diagnostics));
    expect(diagnostics.hasErrors()).toBe(false);
    expect(twice).toEqual(once);
    expect(once.map((f) => f.path)).toEqual(filesOf(demo.site));
    for (const f of once) expect(f.content.equals(readFileSync(join(demo.site, f.path)))).toBe(true);
  });

  test('a second build of the same sources writes the same site bytes', async () => {
    const again = await buildFixtureSite();
    for (const file of filesOf(demo.site)) expect(read(again.site, file)).toBe(read(demo.site, file));
  });
});

describe('hostile content cannot inject markup or script', () => {
  test('every tag on every page is the site own markup: no inline script, no event handler, no script URL', () => {
    const files = hostileSite();
    const pages = files.filter((f) => f.path.endsWith('.html'));
    expect(pages.length).toBe(14);
    for (const page of pages) {
      const text = page.content.toString('utf8');
      for (const [tag, name, attributes] of text.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>/g)) {
        const where = `${page.path}: ${tag}`;
        // Attribute values are always double-quoted and escaped, so names and values read off plainly.
        const attrs = [...(attributes ?? '').matchAll(/\s([^\s="]+)(?:="([^"]*)")?/g)].map((m) => ({ name: m[1] ?? '', value: m[2] ?? '' }));
        expect([where, attrs.filter((a) => /^on/i.test(a.name))]).toEqual([where, []]);
        expect([where, attrs.filter((a) => /^(href|src)$/i.test(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value))]).toEqual([where, []]);
        if (name?.toLowerCase() === 'script') expect([where, /^ src="(site|search-index)\.js"$/.test(attributes ?? '')]).toEqual([where, true]);
        expect([where, ['img', 'iframe', 'object', 'embed', 'style', 'base', 'meta'].includes(name?.toLowerCase() ?? '') && !/^ (charset|name="viewport"|http-equiv="Content-Security-Policy")/.test(attributes ?? '')]).toEqual([where, false]);
      }
    }
  });
});

describe('the site command', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), ...args], { encoding: 'utf8', cwd: projectRoot });

  test('writes the same site as build --site', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fhir-stu3-site-cli-')), 'site');
    const r = cli('site', '--config', demo.config, '--package', join(demo.out, 'package'), '--out', out, '--offline');
    expect(r.stderr).toMatch(/wrote 20 files to .* open .*index\.html/);
    expect(r.status).toBe(0);
    for (const file of filesOf(demo.site)) expect(read(out, file)).toBe(read(demo.site, file));
  });

  test('no built package: a clear message naming the missing file, nothing written, exit 1', () => {
    const empty = mkdtempSync(join(tmpdir(), 'fhir-stu3-site-empty-'));
    const r = cli('site', '--config', demo.config, '--package', empty, '--out', join(empty, 'site'), '--offline');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[site\.package-missing-file\] .*package\.json: build it first/);
    expect(r.stderr).toContain('nothing written');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(readdirSync(empty)).toEqual([]);
  });
});
