/**
 * The documentation site of a built package, as an in-memory file list (pure: nothing here touches the
 * disk). One page per conformance resource and per example, a home page with the index of artefacts,
 * the QA, changes and search pages, the search index, the style sheet and the script. Everything the
 * pages show is escaped (html.ts) or sanitised (markdown.ts, narrative.ts); nothing is fetched when a
 * page is viewed; the same input gives the same bytes.
 */
import { sortOutputFiles, type OutputFile } from '../emit/output.js';
import { isCodeSystem, isStructureDefinition, isValueSet, type JsonValue, type Resource } from '../model/fhir.js';
import { stripVersion } from '../resolve/resolver.js';
import { isObject } from '../util/values.js';
import { SITE_CSS, SITE_JS } from './assets.js';
import { changesPage } from './changes-page.js';
import { homePage } from './home-page.js';
import type { ExpansionRows, SiteContext, SiteInput } from './input.js';
import { CHANGES_PAGE, HOME_PAGE, QA_PAGE, SEARCH_PAGE, SiteLinks, examplePage as examplePageName, resourcePage, sourcePage } from './links.js';
import { profilePage, structureKind } from './profile-page.js';
import { qaPage } from './qa-page.js';
import { examplePage, resourcePageOf } from './resource-pages.js';
import { searchIndex, searchPage } from './search.js';
import type { SitePages } from './sections.js';
import { codeSystemPage, valueSetPage } from './terminology-pages.js';
import { BindingUsage } from './usage.js';

export function generateSite(input: SiteInput, ctx: SiteContext): OutputFile[] {
  const pkg = input.package;
  const reportedBefore = ctx.diagnostics.all.length;
  const links = new SiteLinks(pkg, ctx.resolver);
  const pages = new Set<string>([HOME_PAGE, QA_PAGE, CHANGES_PAGE, SEARCH_PAGE, ...pkg.resources.flatMap((r) => [resourcePage(r), sourcePage(r, 'json'), sourcePage(r, 'xml')]), ...pkg.examples.map(examplePageName)]);
  const examples = examplesByDefinition(pkg.examples);
  const site: SitePages = { manifest: pkg.manifest, links, ctx, pages, examplesFor: (url) => examples.get(stripVersion(url)) ?? [], examplePage: examplePageName };
  const usage = new BindingUsage(pkg.resources);
  const expansions = new Map<Resource, ExpansionRows>();
  const expansionOf = (r: Resource) => {
    if (!expansions.has(r) && typeof r.url === 'string') expansions.set(r, ctx.expand(r.url));
    return expansions.get(r);
  };

  const files: OutputFile[] = [];
  // One page per name: a package read from elsewhere could hold two resources with one type and id,
  // and an id may hold dots, so `X.json` would take the page of X's JSON view (`<type>-X.json.html`).
  const pageNames = new Set<string>();
  const claim = (...names: string[]) => names.every((n) => !pageNames.has(n)) && names.every((n) => pageNames.add(n));
  for (const r of pkg.resources) {
    if (!claim(resourcePage(r), sourcePage(r, 'json'), sourcePage(r, 'xml'))) {
      ctx.diagnostics.warning('site.duplicate-page', `${r.resourceType}/${r.id ?? ''} would take a page name an earlier resource of the package has (its page or its JSON or XML view); only the first is shown`, { path: `${r.resourceType}/${r.id ?? ''}` });
      continue;
    }
    if (isStructureDefinition(r)) files.push(...profilePage(r, site));
    else if (isValueSet(r)) files.push(...valueSetPage(r, expansionOf(r) ?? { unavailable: 'the value set has no canonical URL' }, usage, site));
    else if (isCodeSystem(r)) files.push(...codeSystemPage(r, site));
    else files.push(...resourcePageOf(r, site));
  }
  for (const e of pkg.examples) {
    if (!claim(examplePageName(e))) {
      ctx.diagnostics.warning('site.duplicate-page', `example ${e.resourceType}/${e.id ?? ''} shares its page with an earlier example; only the first is shown`, { path: `${e.resourceType}/${e.id ?? ''}` });
      continue;
    }
    files.push(examplePage(e, site));
  }
  files.push(homePage(pkg, site), changesPage(input.changes, site), searchPage(site));
  files.push(searchIndex({ resources: pkg.resources, examples: pkg.examples, kindOf, expansions: expansionOf, usage }, site));
  files.push({ path: 'site.css', content: Buffer.from(SITE_CSS, 'utf8') }, { path: 'site.js', content: Buffer.from(SITE_JS, 'utf8') });
  // Last: the QA page lists what generating the other pages found.
  files.push(qaPage(input.qa, ctx.diagnostics.all.slice(reportedBefore), links.unresolved, site));
  return sortOutputFiles(files);
}

function kindOf(r: Resource): string {
  if (isStructureDefinition(r)) return structureKind(r);
  if (isValueSet(r)) return 'Value set';
  if (isCodeSystem(r)) return 'Code system';
  return r.resourceType;
}

/**
 * Each example under every definition it claims (meta.profile, its own and its nested resources') and
 * every extension it uses (any `extension` or `modifierExtension` url), in example order.
 */
function examplesByDefinition(examples: readonly Resource[]): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>();
  for (const example of examples) {
    const urls = new Set<string>();
    collectUrls(example as unknown as JsonValue, urls);
    for (const url of [...urls].sort()) {
      const list = out.get(url) ?? [];
      list.push(example);
      out.set(url, list);
    }
  }
  return out;
}

function collectUrls(value: JsonValue, urls: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectUrls(v, urls);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if ((key === 'extension' || key === 'modifierExtension') && Array.isArray(v)) {
      for (const ext of v) if (isObject(ext) && typeof ext.url === 'string') urls.add(stripVersion(ext.url));
    }
    if (key === 'meta' && isObject(v) && Array.isArray(v.profile)) {
      for (const p of v.profile) if (typeof p === 'string') urls.add(stripVersion(p));
    }
    collectUrls(v, urls);
  }
}
