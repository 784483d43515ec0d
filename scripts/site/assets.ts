/**
 * The site's style sheet and script, written beside the pages (`site.css`, `site.js`). Nothing inline:
 * every page forbids inline script and style in its Content-Security-Policy. The script only enhances:
 * without it, every tree row shows and the search page says that it needs script.
 */

export const SITE_CSS = `/* fhir-stu3 site */
:root { --fg: #1a1a1a; --muted: #4f4f4f; --link: #0b57a4; --rule: #c8ccd0; --band: #003f7d; --band-fg: #ffffff; --soft: #f3f5f7; --warn: #7a4b00; --err: #a1141c; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Open Sans", sans-serif; color: var(--fg); background: #fff; line-height: 1.45; }
a { color: var(--link); }
a:focus, button:focus, input:focus, pre:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
.skip { position: absolute; left: -10000px; top: 0; background: #fff; padding: .5em; }
.skip:focus { left: .5em; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.site { background: var(--band); color: var(--band-fg); padding: .6em 1.2em; display: flex; flex-wrap: wrap; gap: .6em 1.5em; align-items: center; }
header.site a { color: var(--band-fg); }
header.site .brand { font-weight: 700; font-size: 1.15em; text-decoration: none; }
header.site nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 1em; margin: 0; padding: 0; }
header.site form { margin-left: auto; display: flex; gap: .3em; }
header.site input, main input[type=search] { font: inherit; padding: .2em .4em; border: 1px solid #6b7280; border-radius: 3px; min-width: 14em; }
button { font: inherit; cursor: pointer; }
header.site button { background: #fff; color: var(--band); border: 1px solid #fff; border-radius: 3px; padding: .2em .6em; }
main { padding: 1em 1.2em 3em; max-width: 96em; }
footer.site { border-top: 1px solid var(--rule); color: var(--muted); padding: .8em 1.2em; font-size: .9em; }
h1 { font-size: 1.7em; margin: .3em 0 .4em; }
h2 { font-size: 1.3em; margin-top: 1.6em; border-bottom: 1px solid var(--rule); padding-bottom: .2em; }
h3 { font-size: 1.1em; }
.kind { color: var(--muted); font-weight: 400; font-size: .7em; display: block; }
table { border-collapse: collapse; }
table.grid { width: 100%; margin: .5em 0 1em; }
table.grid th, table.grid td { border: 1px solid var(--rule); padding: .25em .5em; text-align: left; vertical-align: top; }
table.grid thead th { background: var(--soft); }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; overflow-wrap: anywhere; }
dl.summary dd > p:first-child { margin-top: 0; }
dl.summary dd > p:last-child { margin-bottom: 0; }
code { font-size: .95em; }
nav.toc ul { display: flex; flex-wrap: wrap; gap: .4em 1.2em; padding: 0; list-style: none; }
.tree-wrap { overflow-x: auto; }
table.tree { width: 100%; font-size: .92em; margin: .4em 0 1em; }
table.tree caption { text-align: left; color: var(--muted); padding: .2em 0; }
table.tree th, table.tree td { border-bottom: 1px solid #e3e6e9; padding: .15em .5em; text-align: left; vertical-align: top; }
table.tree thead th { background: var(--soft); border-bottom: 1px solid var(--rule); }
table.tree th.name { font-weight: 400; white-space: nowrap; }
table.tree tr.constrained .el-name { font-weight: 700; }
table.tree tr.placeholder .el-name { color: var(--muted); font-style: italic; }
table.tree .slice { color: var(--muted); }
table.tree td.card, table.tree td.flags { white-space: nowrap; }
.flag { text-decoration: none; border: 1px solid var(--rule); border-radius: 2px; padding: 0 .2em; font-size: .85em; }
.flag.must-support { color: #fff; background: #8a1b1b; border-color: #8a1b1b; }
button.toggle { border: 1px solid #8c959f; background: #fff; color: var(--fg); width: 1.3em; height: 1.3em; line-height: 1; padding: 0; margin-right: .3em; border-radius: 2px; font-size: .8em; }
button.toggle::before { content: "\\2212"; }
button.toggle[aria-expanded="false"]::before { content: "+"; }
.leaf { display: inline-block; width: 1.3em; margin-right: .3em; }
${Array.from({ length: 21 }, (_, d) => `table.tree tr.d${d} th.name { padding-left: ${0.5 + d * 1.1}em; }`).join('\n')}
pre.source { background: var(--soft); border: 1px solid var(--rule); padding: .6em; overflow: auto; max-height: 40em; font-size: .85em; }
.narrative { border: 1px dashed var(--rule); padding: .5em .8em; }
.sev-error, .sev-fatal { color: var(--err); font-weight: 600; }
.sev-warning { color: var(--warn); font-weight: 600; }
.level-breaking { color: var(--err); font-weight: 600; }
.note { color: var(--muted); }
#search-results li { margin: .3em 0; }
#search-results .what { color: var(--muted); font-size: .9em; }
`;

export const SITE_JS = `/* fhir-stu3 site: tree rows collapse and expand; the search page searches the index in search-index.js. */
(function () {
  'use strict';

  function depthOf(row) { return Number(row.getAttribute('data-depth') || '0'); }

  /** Hides every row under a collapsed row (rows are in tree order, children after their parent). */
  function refresh(table) {
    var rows = table.tBodies[0].rows;
    var hideBelow = -1;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var depth = depthOf(row);
      if (hideBelow >= 0 && depth > hideBelow) { row.hidden = true; continue; }
      hideBelow = -1;
      row.hidden = false;
      var button = row.querySelector('button.toggle');
      if (button && button.getAttribute('aria-expanded') === 'false') hideBelow = depth;
    }
  }

  function setupTrees() {
    var tables = document.querySelectorAll('table.tree');
    Array.prototype.forEach.call(tables, function (table) {
      table.addEventListener('click', function (event) {
        var button = event.target.closest ? event.target.closest('button.toggle') : null;
        if (!button) return;
        var open = button.getAttribute('aria-expanded') !== 'false';
        button.setAttribute('aria-expanded', open ? 'false' : 'true');
        var label = button.getAttribute('aria-label') || '';
        button.setAttribute('aria-label', (open ? 'Expand' : 'Collapse') + label.replace(/^(Expand|Collapse)/, ''));
        refresh(table);
      });
    });
  }

  function matches(text, words) {
    var lower = String(text || '').toLowerCase();
    for (var i = 0; i < words.length; i++) if (lower.indexOf(words[i]) < 0) return false;
    return true;
  }

  function item(list, href, title, what) {
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.href = href;
    a.textContent = title;
    li.appendChild(a);
    if (what) {
      var span = document.createElement('span');
      span.className = 'what';
      span.textContent = ' ' + what;
      li.appendChild(span);
    }
    list.appendChild(li);
  }

  function search(query) {
    var index = window.FHIR_SITE_INDEX;
    var out = document.getElementById('search-results');
    var status = document.getElementById('search-status');
    if (!index || !out || !status) return;
    while (out.firstChild) out.removeChild(out.firstChild);
    var words = query.toLowerCase().split(/\\s+/).filter(Boolean);
    if (words.length === 0) { status.textContent = 'Type a name, title, code or display.'; return; }
    var pages = index.pages, codes = index.codes, limit = 200, shown = 0;
    var pageHits = [], using = {};
    for (var i = 0; i < pages.length; i++) if (matches(pages[i].join(' '), words)) pageHits.push(i);
    var codeHits = [];
    for (var j = 0; j < codes.length; j++) {
      var c = codes[j];
      if (matches(c[0] + ' ' + (c[1] || ''), words)) {
        codeHits.push(j);
        for (var k = 0; k < c[4].length; k++) if (pageHits.indexOf(c[4][k]) < 0) using[c[4][k]] = using[c[4][k]] || c[0];
      }
    }
    pageHits.forEach(function (p) { if (shown++ < limit) item(out, pages[p][1], pages[p][0], '(' + pages[p][2] + ')'); });
    codeHits.forEach(function (h) {
      var c = codes[h];
      if (shown++ < limit) item(out, c[3], c[0] + (c[1] ? ' \\u2013 ' + c[1] : ''), '(code in ' + (c[2] || 'no system') + ')');
    });
    Object.keys(using).map(Number).sort(function (a, b) { return a - b; }).forEach(function (p) {
      if (shown++ < limit) item(out, pages[p][1], pages[p][0], '(' + pages[p][2] + ', can carry code ' + using[p] + ')');
    });
    status.textContent = shown === 0 ? 'No results.' : shown + ' result' + (shown === 1 ? '' : 's') + (shown > limit ? ' (first ' + limit + ' shown)' : '') + '.';
  }

  function setupSearch() {
    var input = document.getElementById('search-page-q');
    if (!input) return;
    var q = new URLSearchParams(window.location.search).get('q') || '';
    input.value = q;
    var note = document.getElementById('search-noscript');
    if (note) note.hidden = true;
    search(q);
    input.addEventListener('input', function () { search(input.value); });
  }

  setupTrees();
  setupSearch();
})();
`;
