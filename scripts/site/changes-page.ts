/**
 * The changes page: the release's entries from the changes file (title, tickets, areas, impacts,
 * description, the artefacts each changes, linked to their pages) and the comparison with the previous
 * version (each changed artefact, its status and level, and every change found with its rule id).
 */
import type { OutputFile } from '../emit/output.js';
import type { ChangesFile } from '../release/changes-file.js';
import type { PackageDiff, ResourceDiff } from '../release/changes.js';
import { html, join, link, type Html } from './html.js';
import type { SiteChanges } from './input.js';
import { renderPage } from './layout.js';
import { CHANGES_PAGE, labelOf, resourcePage } from './links.js';
import { contents, type SitePages } from './sections.js';

export function changesPage(changes: SiteChanges | undefined, site: SitePages): OutputFile {
  const body = html`<h1>Changes</h1>
${contents([['release-notes', 'Release notes'], ['diff', 'Compared with the previous version']])}
<section aria-labelledby="release-notes"><h2 id="release-notes">Release notes</h2>${changes?.notes ? notesSection(changes.notes, changes.diff, site) : html`<p class="note">No changes file (<code>changes.json</code> beside the project config).</p>`}</section>
<section aria-labelledby="diff"><h2 id="diff">Compared with the previous version</h2>${changes?.diff ? diffSection(changes.diff, site) : html`<p class="note">No previous version to compare with: set <code>previousPackage</code> in the project config, or pass <code>--previous</code>.</p>`}</section>`;
  return renderPage({ file: CHANGES_PAGE, title: 'Changes', body }, site.manifest);
}

function notesSection(notes: ChangesFile, diff: PackageDiff | undefined, site: SitePages): Html {
  const areas = [...notes.areas, ...new Set(notes.changes.map((c) => c.area).filter((a) => !notes.areas.includes(a)))];
  const byKey = new Map((diff?.resources ?? []).map((r) => [`${r.resourceType}/${r.id}`, r]));
  const ticket = (n: number) => (notes.ticketUrl ? link(`${notes.ticketUrl}${n}`, `#${n}`) : html`#${n}`);
  const sections = areas.map((area) => {
    const entries = notes.changes.filter((c) => c.area === area);
    if (entries.length === 0) return html``;
    return html`<h3>${area}</h3>${entries.map(
      (e) => html`<article class="change"><h4>${e.title}</h4><dl class="summary">
<dt>Tickets</dt><dd>${join(e.tickets.map(ticket), ', ')}</dd>
<dt>Affects</dt><dd>${e.affects.join(', ')}</dd>
<dt>Impacts</dt><dd>${e.impacts ?? 'no impact'}</dd>
${e.resources.length ? html`<dt>Artefacts</dt><dd>${join(e.resources.map((key) => artefact(key, byKey.get(key), site)), ', ')}</dd>` : ''}
${e.pages.length ? html`<dt>Pages</dt><dd>${e.pages.join(', ')}</dd>` : ''}
</dl>${e.description.length ? html`<ul>${e.description.map((d) => html`<li>${d}</li>`)}</ul>` : ''}</article>`,
    )}`;
  });
  return html`${notes.release ? html`<p>Release ${notes.release}.</p>` : ''}${sections}`;
}

/** `ValueSet/X`, linked to its page when the package has it, with the level the diff found. */
function artefact(key: string, found: ResourceDiff | undefined, site: SitePages): Html {
  const slash = key.indexOf('/');
  const local = site.links.localById(key.slice(0, slash), key.slice(slash + 1));
  const name = local ? link(resourcePage(local), labelOf(local)) : html`${key}`;
  return html`${name} (${key.slice(0, slash)}${found ? `, ${found.level}` : ''})`;
}

function diffSection(diff: PackageDiff, site: SitePages): Html {
  const summary = html`<p>${diff.old.label} &rarr; ${diff.new.label}: ${diff.resources.length} artefact(s) changed; overall <span class="level-${diff.level}">${diff.level}</span>; suggested version bump: ${diff.suggestedBump}.${
    diff.unversionedBreaking ? html` <strong class="level-breaking">${diff.unversionedBreaking} artefact(s) have breaking changes without a new major version.</strong>` : ''
  }</p>`;
  if (diff.resources.length === 0) return html`${summary}<p class="note">No differences.</p>`;
  const rows = diff.resources.map((r) => {
    const local = site.links.localById(r.resourceType, r.id);
    const name = local && r.status !== 'removed' ? link(resourcePage(local), r.id) : html`${r.id}`;
    const changes = html`<ul>${r.changes.map((c) => html`<li><span class="level-${c.level}">${c.level}</span> <code>${c.code}</code>${c.path ? html` <code>${c.path}</code>` : ''}: ${c.message}</li>`)}</ul>`;
    return html`<tr><th scope="row">${r.resourceType} ${name}</th><td>${r.status}${r.related ? html` (${r.related})` : ''}</td><td class="level-${r.level}">${r.level}</td><td>${changes}</td></tr>`;
  });
  return html`${summary}<table class="grid"><thead><tr><th scope="col">Artefact</th><th scope="col">Status</th><th scope="col">Level</th><th scope="col">Changes</th></tr></thead><tbody>${rows}</tbody></table>`;
}
