/**
 * Value set pages (definition: includes, excludes, filters, imports; the expansion the build computes;
 * the package's definitions that can carry its codes) and code system pages (the concepts as a
 * table, children indented under their parents). Code rows have anchors (`#exp-N`, `#c-N`) that the
 * search index points at.
 */
import type { OutputFile } from '../emit/output.js';
import type { CodeSystem, CodeSystemConcept, ValueSet, ValueSetInclude } from '../model/fhir.js';
import { html, join, link, type Html, type HtmlValue } from './html.js';
import type { ExpansionRows } from './input.js';
import { renderPage } from './layout.js';
import { labelOf, resourcePage } from './links.js';
import { canonicalSummary, contents, heading, narrativeSection, sourceLinks, sourcePages, type SitePages } from './sections.js';
import type { BindingUsage } from './usage.js';

/** Expansions longer than this show their first rows only (the JSON keeps the definition whole). */
export const MAX_EXPANSION_ROWS = 2000;

export function expansionAnchor(n: number): string {
  return `exp-${n}`;
}

export function conceptAnchor(n: number): string {
  return `c-${n}`;
}

export function valueSetPage(vs: ValueSet, expansion: ExpansionRows, usage: BindingUsage, site: SitePages): OutputFile[] {
  const users = vs.url ? usage.usersOf(vs.url) : [];
  const body = html`${heading('Value set', labelOf(vs))}
${contents([['summary', 'Summary'], ['definition', 'Definition'], ['expansion', 'Expansion'], ['used-by', 'Used by'], ['source', 'JSON and XML']])}
<section aria-labelledby="summary"><h2 id="summary">Summary</h2>${canonicalSummary(vs, [['Immutable', vs.immutable === undefined ? undefined : String(vs.immutable)]], site)}</section>
<section aria-labelledby="definition"><h2 id="definition">Definition</h2>${composeSection(vs, site)}</section>
<section aria-labelledby="expansion"><h2 id="expansion">Expansion</h2>${expansionTable(expansion, site)}</section>
<section aria-labelledby="used-by"><h2 id="used-by">Used by</h2>${
    users.length
      ? html`<ul>${users.map((sd) => html`<li>${link(resourcePage(sd), labelOf(sd))}</li>`)}</ul>`
      : html`<p class="note">No definition of the package binds it.</p>`
  }</section>
${narrativeSection(vs)}
${sourceLinks(vs)}`;
  return [renderPage({ file: resourcePage(vs), title: labelOf(vs), body }, site.manifest), ...sourcePages(vs, site)];
}

function composeSection(vs: ValueSet, site: SitePages): Html {
  const compose = vs.compose;
  if (!compose) return html`<p class="note">No compose: the value set is defined by its expansion only.</p>`;
  const part = (title: string, list: readonly ValueSetInclude[] | undefined) =>
    list?.length ? html`<h3>${title}</h3><ul>${list.map((inc) => html`<li>${includeText(inc, site)}</li>`)}</ul>` : html``;
  return html`${compose.lockedDate ? html`<p>Locked date: ${compose.lockedDate}</p>` : ''}${part('Include', compose.include)}${part('Exclude', compose.exclude)}`;
}

function includeText(inc: ValueSetInclude, site: SitePages): Html {
  const parts: Html[] = [];
  if (inc.system) {
    const target = site.links.canonical(inc.system);
    const system = target ? link(target.href, target.label, inc.system) : html`<code>${inc.system}</code>`;
    const what = inc.concept?.length ? `${inc.concept.length} code(s)` : inc.filter?.length ? 'codes where' : 'all codes';
    parts.push(html`${what} from ${system}${inc.version ? ` version ${inc.version}` : ''}`);
  }
  if (inc.filter?.length) parts.push(html`<ul>${inc.filter.map((f) => html`<li><code>${f.property} ${f.op} ${f.value}</code></li>`)}</ul>`);
  if (inc.concept?.length) {
    const rows = inc.concept.map((c) => html`<tr><td><code>${c.code}</code></td><td>${c.display ?? ''}</td></tr>`);
    parts.push(html`<table class="grid"><thead><tr><th scope="col">Code</th><th scope="col">Display</th></tr></thead><tbody>${rows}</tbody></table>`);
  }
  for (const imported of inc.valueSet ?? []) {
    const target = site.links.canonical(imported);
    parts.push(html`codes in ${target ? link(target.href, target.label, imported) : html`<code>${imported}</code>`}`);
  }
  return join(parts, ' ');
}

function expansionTable(expansion: ExpansionRows, site: SitePages): Html {
  if ('unavailable' in expansion) return html`<p class="note">Not expanded: ${expansion.unavailable}.</p>`;
  if (expansion.rows.length === 0) return html`<p class="note">The expansion is empty.</p>`;
  const shown = expansion.rows.slice(0, MAX_EXPANSION_ROWS);
  const rows = shown.map((r, i) => {
    const target = r.system ? site.links.canonical(r.system) : undefined;
    const system: HtmlValue = r.system ? (target ? link(target.href, target.label, r.system) : html`<code>${r.system}</code>`) : '';
    return html`<tr id="${expansionAnchor(i)}"><th scope="row"><code>${r.code}</code></th><td>${r.display ?? ''}</td><td>${system}</td></tr>`;
  });
  const more = expansion.rows.length > shown.length ? html`<p class="note">First ${shown.length} of ${expansion.rows.length} codes shown.</p>` : '';
  return html`<p>${expansion.rows.length} code(s), as the build expands it for binding checks.</p>
<table class="grid"><thead><tr><th scope="col">Code</th><th scope="col">Display</th><th scope="col">System</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

/** Concepts in tree order with their depth, numbered as their anchors are. */
export function flattenConcepts(concepts: readonly CodeSystemConcept[] | undefined): Array<{ concept: CodeSystemConcept; depth: number }> {
  const out: Array<{ concept: CodeSystemConcept; depth: number }> = [];
  const walk = (list: readonly CodeSystemConcept[] | undefined, depth: number) => {
    for (const c of list ?? []) {
      out.push({ concept: c, depth });
      walk(c.concept, depth + 1);
    }
  };
  walk(concepts, 0);
  return out;
}

export function codeSystemPage(cs: CodeSystem, site: SitePages): OutputFile[] {
  const concepts = flattenConcepts(cs.concept);
  const valueSet = typeof cs.valueSet === 'string' ? site.links.canonical(cs.valueSet) : undefined;
  const extra: Array<readonly [string, HtmlValue]> = [
    ['Content', cs.content],
    ['Case sensitive', cs.caseSensitive === undefined ? undefined : String(cs.caseSensitive)],
    ['Count', cs.count === undefined ? undefined : String(cs.count)],
    ['Hierarchy meaning', typeof cs.hierarchyMeaning === 'string' ? cs.hierarchyMeaning : undefined],
    ['Value set of all codes', valueSet ? link(valueSet.href, valueSet.label, String(cs.valueSet)) : typeof cs.valueSet === 'string' ? html`<code>${cs.valueSet}</code>` : undefined],
  ];
  const rows = concepts.map(({ concept: c, depth }, i) => html`<tr id="${conceptAnchor(i)}"><th scope="row">${depth ? `${'\u2003'.repeat(depth - 1)}\u21b3 ` : ''}<code>${c.code}</code></th><td>${c.display ?? ''}</td><td>${c.definition ?? ''}</td></tr>`);
  const table = concepts.length
    ? html`<table class="grid concepts"><thead><tr><th scope="col">Code</th><th scope="col">Display</th><th scope="col">Definition</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="note">No concepts listed (content: ${cs.content}).</p>`;
  const body = html`${heading('Code system', labelOf(cs))}
${contents([['summary', 'Summary'], ['concepts', 'Concepts'], ['source', 'JSON and XML']])}
<section aria-labelledby="summary"><h2 id="summary">Summary</h2>${canonicalSummary(cs, extra, site)}</section>
<section aria-labelledby="concepts"><h2 id="concepts">Concepts</h2>${table}</section>
${narrativeSection(cs)}
${sourceLinks(cs)}`;
  return [renderPage({ file: resourcePage(cs), title: labelOf(cs), body }, site.manifest), ...sourcePages(cs, site)];
}
