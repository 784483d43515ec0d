/**
 * Parts several pages share: what a page function receives (SitePages), a resource's summary list, its
 * narrative, and its definition as JSON and as XML.
 */
import type { CanonicalResource, DomainResource, Resource } from '../model/fhir.js';
import { codeBlock, html, link, type Html, type HtmlValue } from './html.js';
import type { SiteContext, SiteManifest } from './input.js';
import type { OutputFile } from '../emit/output.js';
import { renderPage } from './layout.js';
import { labelOf, resourcePage, sourcePage, type SiteLinks } from './links.js';
import { markdown } from './markdown.js';
import { narrativeHtml } from './narrative.js';

/** What every page function gets besides its resource. */
export interface SitePages {
  manifest: SiteManifest;
  links: SiteLinks;
  ctx: SiteContext;
  /** Every page file name of the site (relative markdown links to them stay internal). */
  pages: ReadonlySet<string>;
  /** Examples by the canonical URL of each profile or extension they claim or use. */
  examplesFor: (url: string) => Resource[];
  /** The page of an example. */
  examplePage: (example: Resource) => string;
}

/** A definition list of the fields that have a value (`[label, value]`). */
export function summaryList(items: ReadonlyArray<readonly [string, HtmlValue]>): Html {
  const present = items.filter(([, v]) => v !== undefined && v !== null && v !== '' && v !== false);
  return html`<dl class="summary">${present.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** The summary fields every canonical resource has. */
export function canonicalSummary(r: CanonicalResource, extra: ReadonlyArray<readonly [string, HtmlValue]>, site: SitePages): Html {
  return summaryList([
    ['Canonical URL', r.url ? html`<code>${r.url}</code>` : undefined],
    ['Name', r.name],
    ['Version', r.version],
    ['Status', r.status === undefined ? undefined : `${r.status}${r.experimental ? ' (experimental)' : ''}`],
    ['Publisher', r.publisher],
    ['Date', r.date],
    ...extra,
    ['Description', r.description ? markdown(r.description, site.pages) : undefined],
    ['Purpose', typeof r.purpose === 'string' ? markdown(r.purpose, site.pages) : undefined],
    ['Copyright', r.copyright ? markdown(r.copyright, site.pages) : undefined],
  ]);
}

/** The resource's narrative, sanitised (see narrative.ts), when it has one. */
export function narrativeSection(r: Resource): Html {
  const div = (r as DomainResource).text?.div;
  if (typeof div !== 'string' || div.trim() === '') return html``;
  return html`<section aria-labelledby="narrative"><h2 id="narrative">Narrative</h2>${narrativeHtml(div)}</section>`;
}

/** The resource as JSON (as the package holds it) and as XML (the project's own writer). */
export function sourceSections(r: Resource, site: SitePages, what = 'Definition'): Html {
  const xml = site.ctx.toXml(r);
  return html`<section aria-labelledby="json"><h2 id="json">${what} as JSON</h2>${codeBlock(`${JSON.stringify(r, null, 2)}\n`, 'json', `${what} as JSON`)}</section>
<section aria-labelledby="xml"><h2 id="xml">${what} as XML</h2>${xml === undefined ? html`<p class="note">This resource cannot be written as XML; see the QA page.</p>` : codeBlock(xml, 'xml', `${what} as XML`)}</section>`;
}

/**
 * A conformance resource's definition as JSON and as XML, each on a page of its own (a snapshot's JSON
 * and XML can run to megabytes), and the section of its page that links to them.
 */
export function sourcePages(r: Resource, site: SitePages): OutputFile[] {
  const xml = site.ctx.toXml(r);
  const page = (format: 'json' | 'xml', text: string | undefined) =>
    renderPage(
      {
        file: sourcePage(r, format),
        title: `${labelOf(r)} as ${format.toUpperCase()}`,
        body: html`${heading(`${r.resourceType} as ${format.toUpperCase()}`, labelOf(r))}<p>${link(resourcePage(r), `Back to ${labelOf(r)}`)}</p>${
          text === undefined ? html`<p class="note">This resource cannot be written as XML; see the QA page.</p>` : codeBlock(text, format, `${labelOf(r)} as ${format.toUpperCase()}`)
        }`,
      },
      site.manifest,
    );
  return [page('json', `${JSON.stringify(r, null, 2)}\n`), page('xml', xml)];
}

export function sourceLinks(r: Resource): Html {
  return html`<section aria-labelledby="source"><h2 id="source">Definition as JSON and XML</h2><ul><li>${link(sourcePage(r, 'json'), 'JSON')}</li><li>${link(sourcePage(r, 'xml'), 'XML')}</li></ul></section>`;
}

/** A page's heading: the resource's label with its kind above it. */
export function heading(kind: string, title: string): Html {
  return html`<h1><span class="kind">${kind}</span>${title}</h1>`;
}

/** In-page contents: links to the sections present. */
export function contents(entries: ReadonlyArray<readonly [string, string]>): Html {
  return html`<nav class="toc" aria-label="On this page"><ul>${entries.map(([id, text]) => html`<li>${link(`#${id}`, text)}</li>`)}</ul></nav>`;
}

/** A list of links to examples. */
export function exampleList(examples: readonly Resource[], site: SitePages): Html {
  if (examples.length === 0) return html`<p class="note">No example in the package claims or uses it.</p>`;
  return html`<ul>${examples.map((e) => html`<li>${link(site.examplePage(e), `${e.resourceType}/${e.id ?? ''}`)}</li>`)}</ul>`;
}

