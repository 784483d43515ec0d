/**
 * The search: an index of every page (title, name, id, canonical URL) and every code (code and display,
 * from the package's code systems and from its value sets' expansions), written as `search-index.js`, a
 * script that sets `window.FHIR_SITE_INDEX`. A script file rather than JSON, because a page opened from
 * file:// may not fetch. A value set's codes also name the definitions that can carry them (BindingUsage),
 * so a search for a code finds the profiles that use it.
 */
import type { OutputFile } from '../emit/output.js';
import { isCodeSystem, isValueSet, type CanonicalResource, type Resource } from '../model/fhir.js';
import { html } from './html.js';
import type { ExpansionRows } from './input.js';
import { renderPage } from './layout.js';
import { SEARCH_PAGE, labelOf, resourcePage } from './links.js';
import type { SitePages } from './sections.js';
import { conceptAnchor, expansionAnchor, flattenConcepts, MAX_EXPANSION_ROWS } from './terminology-pages.js';
import type { BindingUsage } from './usage.js';

export const SEARCH_INDEX = 'search-index.js';

/** `[title, href, kind, keywords]`. */
type PageEntry = [string, string, string, string];
/** `[code, display, where, href, pages that can carry it]`. */
type CodeEntry = [string, string, string, string, number[]];

export interface SearchIndexInput {
  resources: readonly Resource[];
  examples: readonly Resource[];
  kindOf: (r: Resource) => string;
  expansions: (vs: Resource) => ExpansionRows | undefined;
  usage: BindingUsage;
}

export function searchIndex(input: SearchIndexInput, site: SitePages): OutputFile {
  const pages: PageEntry[] = [];
  const pageIndex = new Map<Resource, number>();
  for (const r of input.resources) {
    const c = r as CanonicalResource;
    pageIndex.set(r, pages.length);
    pages.push([labelOf(r), resourcePage(r), input.kindOf(r), [c.name, r.id, c.url].filter((x) => typeof x === 'string').join(' ')]);
  }
  for (const e of input.examples) pages.push([`${e.resourceType}/${e.id ?? ''}`, site.examplePage(e), 'Example', (e.meta?.profile ?? []).join(' ')]);

  const codes: CodeEntry[] = [];
  for (const r of input.resources) {
    if (isCodeSystem(r)) {
      flattenConcepts(r.concept).forEach(({ concept }, i) => codes.push([concept.code, concept.display ?? '', `code system ${labelOf(r)}`, `${resourcePage(r)}#${conceptAnchor(i)}`, []]));
    } else if (isValueSet(r)) {
      const expansion = input.expansions(r);
      if (!expansion || 'unavailable' in expansion) continue;
      const users = (r.url ? input.usage.usersOf(r.url) : []).map((sd) => pageIndex.get(sd)).filter((n): n is number => n !== undefined);
      expansion.rows.slice(0, MAX_EXPANSION_ROWS).forEach((row, i) => codes.push([row.code, row.display ?? '', `value set ${labelOf(r)}`, `${resourcePage(r)}#${expansionAnchor(i)}`, users]));
    }
  }
  const text = `/* The search index of this site (generated). */\nwindow.FHIR_SITE_INDEX = ${JSON.stringify({ pages, codes })};\n`;
  return { path: SEARCH_INDEX, content: Buffer.from(text, 'utf8') };
}

export function searchPage(site: SitePages): OutputFile {
  const body = html`<h1>Search</h1>
<p id="search-noscript" class="note">The search runs in the browser: it needs JavaScript.</p>
<form role="search" action="${SEARCH_PAGE}" method="get">
<label for="search-page-q">Names, titles, ids, URLs, codes and displays</label>
<input id="search-page-q" name="q" type="search">
<button type="submit">Search</button>
</form>
<p id="search-status" role="status" aria-live="polite"></p>
<ol id="search-results"></ol>`;
  return renderPage({ file: SEARCH_PAGE, title: 'Search', body, scripts: [SEARCH_INDEX] }, site.manifest);
}
