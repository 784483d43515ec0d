/**
 * Pages of examples and of conformance resources that have no page of their own kind (a
 * CapabilityStatement, a SearchParameter, ...): a summary, the narrative, and the resource as JSON and
 * XML. An example links to the profiles it claims (meta.profile) and to its base type.
 */
import type { OutputFile } from '../emit/output.js';
import type { CanonicalResource, Resource } from '../model/fhir.js';
import { html, join, link } from './html.js';
import { renderPage } from './layout.js';
import { labelOf, resourcePage } from './links.js';
import { canonicalSummary, contents, heading, narrativeSection, sourceLinks, sourcePages, sourceSections, summaryList, type SitePages } from './sections.js';

export function examplePage(example: Resource, site: SitePages): OutputFile {
  const claimed = (example.meta?.profile ?? []).filter((p): p is string => typeof p === 'string');
  const profiles = claimed.map((url) => {
    const target = site.links.canonical(url);
    return target ? link(target.href, target.label, url) : html`<code>${url}</code>`;
  });
  const type = site.links.type(example.resourceType);
  const title = `${example.resourceType}/${example.id ?? ''}`;
  const body = html`${heading('Example', title)}
${contents([['summary', 'Summary'], ['json', 'JSON'], ['xml', 'XML']])}
<section aria-labelledby="summary"><h2 id="summary">Summary</h2>${summaryList([
    ['Resource type', type ? link(type.href, example.resourceType) : example.resourceType],
    ['Id', example.id],
    ['Profiles claimed', profiles.length ? join(profiles, html`<br>`) : html`<span class="note">none (the base resource type)</span>`],
  ])}</section>
${narrativeSection(example)}
${sourceSections(example, site, 'Example')}`;
  return renderPage({ file: site.examplePage(example), title, body }, site.manifest);
}

/** A conformance resource of a type without a page of its own kind. */
export function resourcePageOf(r: Resource, site: SitePages): OutputFile[] {
  const body = html`${heading(r.resourceType, labelOf(r))}
${contents([['summary', 'Summary'], ['source', 'JSON and XML']])}
<section aria-labelledby="summary"><h2 id="summary">Summary</h2>${canonicalSummary(r as CanonicalResource, [['Id', r.id]], site)}</section>
${narrativeSection(r)}
${sourceLinks(r)}`;
  return [renderPage({ file: resourcePage(r), title: labelOf(r), body }, site.manifest), ...sourcePages(r, site)];
}
