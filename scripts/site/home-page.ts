/**
 * The home page: the package's title, version, status, canonical, FHIR version and dependencies, its
 * description, and an index of every artefact by kind (profiles, extensions, value sets, code systems,
 * other resources, examples).
 */
import semver from 'semver';
import type { OutputFile } from '../emit/output.js';
import { isCodeSystem, isStructureDefinition, isValueSet, type CanonicalResource, type Resource } from '../model/fhir.js';
import { html, link, type Html } from './html.js';
import type { SitePackage } from './input.js';
import { renderPage } from './layout.js';
import { CHANGES_PAGE, HOME_PAGE, QA_PAGE, labelOf, resourcePage } from './links.js';
import { markdown } from './markdown.js';
import { structureKind } from './profile-page.js';
import { summaryList, type SitePages } from './sections.js';

/** The index's groups, in order: a heading, its anchor, and which resources it holds. */
const GROUPS: ReadonlyArray<{ id: string; title: string; holds: (r: Resource) => boolean }> = [
  { id: 'profiles', title: 'Profiles', holds: (r) => isStructureDefinition(r) && structureKind(r).endsWith('rofile') },
  { id: 'extensions', title: 'Extensions', holds: (r) => isStructureDefinition(r) && structureKind(r) === 'Extension' },
  { id: 'models', title: 'Logical models and type definitions', holds: (r) => isStructureDefinition(r) && ['Logical model', 'Type definition'].includes(structureKind(r)) },
  { id: 'valuesets', title: 'Value sets', holds: isValueSet },
  { id: 'codesystems', title: 'Code systems', holds: isCodeSystem },
  { id: 'other', title: 'Other resources', holds: (r) => !isStructureDefinition(r) && !isValueSet(r) && !isCodeSystem(r) },
];

/** `release`, or the pre-release label (`beta.2`) of the package version. */
export function releaseStatus(version: string): string {
  const pre = semver.prerelease(version);
  return pre ? `pre-release (${pre.join('.')})` : 'release';
}

export function homePage(pkg: SitePackage, site: SitePages): OutputFile {
  const m = pkg.manifest;
  const deps = Object.entries(m.dependencies ?? {});
  const body = html`<h1>${m.title ?? m.name}</h1>
${summaryList([
  ['Package', html`<code>${m.name}</code>`],
  ['Version', m.version],
  ['Status', releaseStatus(m.version)],
  ['Canonical', m.canonical ? html`<code>${m.canonical}</code>` : undefined],
  ['FHIR version', (m.fhirVersions ?? []).join(', ')],
  ['Dependencies', deps.length ? html`${deps.map(([name, version], i) => html`${i ? ', ' : ''}<code>${name}#${version}</code>`)}` : 'none'],
  ['Author', m.author],
  ['License', m.license],
])}
${m.description ? markdown(m.description, site.pages) : ''}
<p>${link(QA_PAGE, 'Quality report')} &middot; ${link(CHANGES_PAGE, 'Changes and release notes')}</p>
<section aria-labelledby="artifacts"><h2 id="artifacts">Artifacts</h2>
<nav class="toc" aria-label="Artifact kinds"><ul>${GROUPS.filter((g) => pkg.resources.some(g.holds)).map((g) => html`<li>${link(`${HOME_PAGE}#${g.id}`, g.title)}</li>`)}${pkg.examples.length ? html`<li>${link(`${HOME_PAGE}#examples`, 'Examples')}</li>` : ''}</ul></nav>
${GROUPS.map((g) => group(g.id, g.title, pkg.resources.filter(g.holds)))}
${examplesGroup(pkg.examples, site)}
</section>`;
  return renderPage({ file: HOME_PAGE, title: 'Home', body }, m);
}

function group(id: string, title: string, resources: readonly Resource[]): Html {
  if (resources.length === 0) return html``;
  const sorted = [...resources].sort((a, b) => compare(labelOf(a), labelOf(b)) || compare(resourcePage(a), resourcePage(b)));
  const rows = sorted.map((r) => {
    const c = r as CanonicalResource;
    const type = id === 'other' ? ` (${r.resourceType})` : '';
    return html`<tr><th scope="row">${link(resourcePage(r), labelOf(r))}${type}</th><td>${c.status ?? ''}</td><td>${firstLine(c.description)}</td></tr>`;
  });
  return html`<h3 id="${id}">${title} (${resources.length})</h3>
<table class="grid"><thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function examplesGroup(examples: readonly Resource[], site: SitePages): Html {
  if (examples.length === 0) return html``;
  const rows = examples.map((e) => {
    const claimed = (e.meta?.profile ?? []).map((url) => site.links.canonical(url)?.label ?? url).join(', ');
    return html`<tr><th scope="row">${link(site.examplePage(e), `${e.resourceType}/${e.id ?? ''}`)}</th><td>${claimed || 'base type'}</td></tr>`;
  });
  return html`<h3 id="examples">Examples (${examples.length})</h3>
<table class="grid"><thead><tr><th scope="col">Example</th><th scope="col">Profiles claimed</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The first line of a markdown description, as text, shortened. */
function firstLine(text: string | undefined): string {
  const line = (text ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
