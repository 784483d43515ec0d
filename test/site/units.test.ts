/** The site's building blocks: element trees, escaping, links, markdown and narrative sanitising. */
import type { ElementDefinition } from '../../scripts/model/fhir.js';
import { mustSupportRows, treeRows } from '../../scripts/site/element-tree.js';
import { html, isSafeHref, link } from '../../scripts/site/html.js';
import { markdown } from '../../scripts/site/markdown.js';
import { narrativeHtml } from '../../scripts/site/narrative.js';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import type { Resource } from '../../scripts/model/fhir.js';
import { siteContextOver } from '../../scripts/site/prepare.js';
import { generateSite } from '../../scripts/site/site.js';
import { ResourceIndex } from '../../scripts/resolve/resolver.js';

const el = (id: string, extra: Partial<ElementDefinition> = {}): ElementDefinition => ({ id, path: id.replace(/:[^.]*/g, ''), ...extra });
const shape = (elements: ElementDefinition[]) => treeRows(elements).map((r) => `${'  '.repeat(r.depth)}${r.name}${r.slice ? `:${r.slice}` : ''}${r.element ? '' : ' (placeholder)'}${r.hasChildren ? ' +' : ''}`);

describe('element trees', () => {
  test('a differential that skips parents gets placeholder rows for them', () => {
    expect(shape([el('Patient.name.family'), el('Patient.birthDate')])).toEqual(['Patient (placeholder) +', '  name (placeholder) +', '    family', '  birthDate']);
  });

  test('slices hang under the sliced element, their children under them, reslices under their slice', () => {
    expect(shape([el('Patient.identifier'), el('Patient.identifier:mrn', { sliceName: 'mrn' }), el('Patient.identifier:mrn.system'), el('Patient.identifier:mrn/old', { sliceName: 'mrn/old' })])).toEqual([
      'Patient (placeholder) +',
      '  identifier +',
      '    identifier:mrn +',
      '      system',
      '      identifier:old',
    ]);
  });

  test('a renamed choice shows as its type-specific name, not as a slice', () => {
    expect(shape([el('Observation.value[x]'), el('Observation.value[x]:valueQuantity', { sliceName: 'valueQuantity' })])).toEqual([
      'Observation (placeholder) +',
      '  value[x] +',
      '    valueQuantity',
    ]);
  });

  test('rows come in tree order even when the differential is not', () => {
    expect(shape([el('Patient.name.family'), el('Patient.birthDate'), el('Patient.name.given')])).toEqual([
      'Patient (placeholder) +',
      '  name (placeholder) +',
      '    family',
      '    given',
      '  birthDate',
    ]);
  });

  test('elements without ids get them from their paths and slice names', () => {
    const rows = treeRows([{ path: 'Patient' }, { path: 'Patient.extension', sliceName: 'colour' }, { path: 'Patient.extension.url' }]);
    expect(rows.map((r) => r.id)).toEqual(['Patient', 'Patient.extension', 'Patient.extension:colour', 'Patient.extension:colour.url']);
  });

  test('the must-support view keeps must-support elements and the rows that lead to them', () => {
    const rows = treeRows([el('Patient'), el('Patient.name', { mustSupport: true }), el('Patient.name.family'), el('Patient.contact'), el('Patient.contact.name', { mustSupport: true }), el('Patient.gender')]);
    expect(mustSupportRows(rows).map((r) => `${r.id}${r.hasChildren ? ' +' : ''}`)).toEqual(['Patient +', 'Patient.name', 'Patient.contact +', 'Patient.contact.name']);
    expect(mustSupportRows(treeRows([el('Patient'), el('Patient.name')]))).toEqual([]);
  });
});

describe('escaping', () => {
  test('every interpolated value is escaped; fragments made by the tag are not', () => {
    const evil = `<script>alert("x")</script> & 'quotes'`;
    expect(html`<p title="${evil}">${evil}${html`<b>ok</b>`}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;<b>ok</b></p>',
    );
  });

  test('links: only relative, http(s) and mailto targets are links', () => {
    expect(isSafeHref('StructureDefinition-X.html#snap-A.b')).toBe(true);
    expect(isSafeHref('https://hl7.org/fhir/STU3/patient.html')).toBe(true);
    expect(isSafeHref('java\nscript:alert(1)')).toBe(false);
    expect(isSafeHref(' JavaScript:alert(1)')).toBe(false);
    expect(isSafeHref('data:text/html,<script>')).toBe(false);
    expect(link('javascript:alert(1)', 'x').text).toBe('<span>x</span>');
    expect(link('https://example.org/a?b=1&c="2"', 'x').text).toBe('<a href="https://example.org/a?b=1&amp;c=&quot;2&quot;" rel="noopener noreferrer" class="external">x</a>');
  });
});

describe('markdown', () => {
  const pages = new Set(['StructureDefinition-X.html']);

  test('markup in markdown is shown as text', () => {
    const out = markdown('A <script>alert(1)</script> and <img src=x onerror="alert(2)"> **bold**', pages).text;
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
    expect(out).toContain('<strong>bold</strong>');
    expect(out).not.toMatch(/<(script|img)\b/);
  });

  test('script links are not links; images are not loaded; relative links go to the site or the STU3 specification', () => {
    const out = markdown('[a](javascript:alert(1)) ![i](https://example.org/i.png) [b](references.html#Reference) [c](StructureDefinition-X.html) [d](#frag)', pages).text;
    expect(out).not.toMatch(/href="javascript/i);
    expect(out).not.toMatch(/<img/);
    expect(out).toContain('<a href="http://hl7.org/fhir/STU3/references.html#Reference" rel="noopener noreferrer">b</a>');
    expect(out).toContain('<a href="StructureDefinition-X.html">c</a>');
    expect(out).not.toContain('href="#frag"');
  });
});

describe('narrative', () => {
  test('keeps formatting, drops scripts, event handlers, styles, ids and script links; images become their alt text', () => {
    const div =
      '<div xmlns="http://www.w3.org/1999/xhtml" id="x" style="position:fixed"><p onclick="alert(1)" class="c">Hello <b>there</b> &amp; &lt;you&gt;</p>' +
      '<script>alert(2)</script><a href="javascript:alert(3)">bad</a><a href="https://example.org/">good</a><img src="https://example.org/t.png" alt="a tracker"/>' +
      '<table><tr><td colspan="2">cell</td></tr></table></div>';
    expect(narrativeHtml(div).text).toBe(
      '<div class="narrative"><p>Hello <b>there</b> &amp; &lt;you&gt;</p><a>bad</a><a href="https://example.org/" rel="noopener noreferrer">good</a>[image: a tracker]<table><tr><td colspan="2">cell</td></tr></table></div>',
    );
  });

  test('a div that does not parse is shown as text', () => {
    expect(narrativeHtml('<div><p>unclosed <script>alert(1)</div>').text).toBe('<pre class="narrative-source">&lt;div&gt;&lt;p&gt;unclosed &lt;script&gt;alert(1)&lt;/div&gt;</pre>');
  });
});

describe('page names', () => {
  test('an id with a dot cannot take the page of another resource JSON or XML view: the later one is left out, with a warning', () => {
    const cs = (id: string): Resource => ({ resourceType: 'CodeSystem', id, url: `https://example.org/fhir/CodeSystem/${id}`, name: id, status: 'draft', content: 'complete', concept: [{ code: id }] }) as Resource;
    const diagnostics = new Diagnostics();
    const pkg = { manifest: { name: 'example.dots', version: '1.0.0' }, resources: [cs('a'), cs('a.json'), cs('b.xml'), cs('b')], examples: [] };
    const files = generateSite({ package: pkg }, siteContextOver(pkg, new ResourceIndex([]), () => undefined, diagnostics));
    const pages = files.map((f) => f.path).filter((p) => p.startsWith('CodeSystem-'));
    expect(pages).toEqual(['CodeSystem-a.html', 'CodeSystem-a.json.html', 'CodeSystem-a.xml.html', 'CodeSystem-b.xml.html', 'CodeSystem-b.xml.json.html', 'CodeSystem-b.xml.xml.html']);
    // the JSON view of a is a's, not the page of the code system a.json
    expect(files.find((f) => f.path === 'CodeSystem-a.json.html')?.content.toString('utf8')).toContain('&quot;id&quot;: &quot;a&quot;');
    expect(diagnostics.all.filter((d) => d.code === 'site.duplicate-page').map((d) => `${d.code} ${d.path ?? ''}`)).toEqual(['site.duplicate-page CodeSystem/a.json', 'site.duplicate-page CodeSystem/b']);
  });
});
