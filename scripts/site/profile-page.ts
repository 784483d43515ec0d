/**
 * The page of a StructureDefinition of the package (profile, extension, logical model): summary (for an
 * extension, its context and value type), the differential, snapshot and must-support trees, the
 * constraints, the examples that claim or use it, and the definition as JSON and XML.
 */
import type { ElementDefinition, ElementDefinitionConstraint, StructureDefinition } from '../model/fhir.js';
import { assignDifferentialIds } from '../snapshot/element-ids.js';
import { mustSupportRows, treeRows } from './element-tree.js';
import { html, join, link, type Html, type HtmlValue } from './html.js';
import type { OutputFile } from '../emit/output.js';
import { renderPage } from './layout.js';
import { labelOf, resourcePage } from './links.js';
import { canonicalSummary, contents, exampleList, heading, narrativeSection, sourceLinks, sourcePages, type SitePages } from './sections.js';
import { treeTable } from './tree-table.js';

/** `Extension`, `Profile`, `Logical model`, ... */
export function structureKind(sd: StructureDefinition): string {
  if (sd.kind === 'logical') return 'Logical model';
  if (sd.derivation !== 'constraint') return 'Type definition';
  if (sd.type === 'Extension') return 'Extension';
  return sd.kind === 'resource' ? 'Profile' : 'Data type profile';
}

export function profilePage(sd: StructureDefinition, site: SitePages): OutputFile[] {
  const isExtension = sd.type === 'Extension' && sd.derivation === 'constraint';
  const diff = sd.differential?.element ?? [];
  const snap = sd.snapshot?.element ?? [];
  const constrained = new Set(assignDifferentialIds([...diff]));
  const snapshotRows = treeRows(snap);
  const ms = mustSupportRows(snapshotRows);
  const examples = site.examplesFor(sd.url);
  const body = html`${heading(structureKind(sd), labelOf(sd))}
${contents([['summary', 'Summary'], ['differential', 'Differential'], ['snapshot', 'Snapshot'], ['must-support', 'Must support'], ['constraints', 'Constraints'], ['examples', 'Examples'], ['source', 'JSON and XML']])}
<section aria-labelledby="summary"><h2 id="summary">Summary</h2>
${canonicalSummary(sd, [...structureFields(sd, site), ...(isExtension ? extensionFields(sd, site) : [])], site)}
</section>
<section aria-labelledby="differential"><h2 id="differential">Differential</h2>
${diff.length ? treeTable(treeRows(diff), site.links, { prefix: 'diff', caption: 'What this definition states itself' }) : html`<p class="note">No differential.</p>`}
</section>
<section aria-labelledby="snapshot"><h2 id="snapshot">Snapshot</h2>
${snap.length ? treeTable(snapshotRows, site.links, { prefix: 'snap', caption: 'Every element, as the base and this definition together make it (elements this definition constrains in bold)', constrained }) : html`<p class="note">No snapshot.</p>`}
</section>
<section aria-labelledby="must-support"><h2 id="must-support">Must support</h2>
${ms.length ? treeTable(ms, site.links, { prefix: 'ms', caption: 'The must-support elements and the elements that lead to them', constrained }) : html`<p class="note">No element is marked must support.</p>`}
</section>
<section aria-labelledby="constraints"><h2 id="constraints">Constraints</h2>${constraintTable(snap.length ? snap : diff)}</section>
<section aria-labelledby="examples"><h2 id="examples">Examples</h2>${exampleList(examples, site)}</section>
${narrativeSection(sd)}
${sourceLinks(sd)}`;
  return [renderPage({ file: resourcePage(sd), title: labelOf(sd), body }, site.manifest), ...sourcePages(sd, site)];
}

function canonicalLink(url: string | undefined, site: SitePages): HtmlValue {
  if (!url) return undefined;
  const target = site.links.canonical(url);
  return target ? link(target.href, target.label, url) : html`<code>${url}</code>`;
}

function structureFields(sd: StructureDefinition, site: SitePages): Array<readonly [string, HtmlValue]> {
  const typeTarget = site.links.type(sd.type);
  return [
    ['Type', typeTarget ? link(typeTarget.href, sd.type) : sd.type],
    ['Base definition', canonicalLink(sd.baseDefinition, site)],
    ['Derivation', sd.derivation],
    ['Kind', `${sd.kind}${sd.abstract ? ' (abstract)' : ''}`],
    ['FHIR version', sd.fhirVersion],
  ];
}

/** An extension's context and value: its value types, or its sub-extensions for a complex one. */
function extensionFields(sd: StructureDefinition, site: SitePages): Array<readonly [string, HtmlValue]> {
  const elements = sd.snapshot?.element ?? sd.differential?.element ?? [];
  const value = elements.find((e) => e.path === 'Extension.value[x]' && !e.sliceName);
  const subExtensions = elements.filter((e) => e.path === 'Extension.extension' && e.sliceName);
  const context = sd.context?.length ? html`${sd.contextType ?? ''}: ${join(sd.context.map((c) => html`<code>${c}</code>`), ', ')}` : undefined;
  const valueTypes = value?.max === '0' ? undefined : join((value?.type ?? []).map((t) => typeName(t.code, t.profile ?? t.targetProfile, site)), ' | ');
  const parts = subExtensions.length
    ? join(subExtensions.map((e) => html`<code>${e.sliceName}</code> ${cardinalityOf(e)}`), ', ')
    : undefined;
  return [
    ['Context', context],
    ['Value type', value?.max === '0' ? 'none (a complex extension)' : valueTypes],
    ['Sub-extensions', parts],
  ];
}

function typeName(code: string, profile: string | undefined, site: SitePages): Html {
  const target = site.links.type(code);
  const type = target ? link(target.href, code) : html`${code}`;
  return profile ? html`${type}(${canonicalLink(profile, site)})` : type;
}

function cardinalityOf(e: ElementDefinition): string {
  return e.min === undefined && e.max === undefined ? '' : `${e.min ?? ''}..${e.max ?? ''}`;
}

/** Every constraint once, with the elements it is on. */
function constraintTable(elements: readonly ElementDefinition[]): Html {
  const byKey = new Map<string, { constraint: ElementDefinitionConstraint; on: string[] }>();
  for (const e of elements) {
    for (const c of e.constraint ?? []) {
      const entry = byKey.get(c.key) ?? { constraint: c, on: [] };
      entry.on.push(e.id ?? e.path);
      byKey.set(c.key, entry);
    }
  }
  if (byKey.size === 0) return html`<p class="note">No constraints.</p>`;
  const rows = [...byKey.values()].map(({ constraint: c, on }) => {
    const where = on.length > 6 ? `${on.length} elements, from ${on[0]}` : on.join(', ');
    return html`<tr><th scope="row"><code>${c.key}</code></th><td class="sev-${c.severity}">${c.severity}</td><td>${where}</td><td>${c.human}</td><td><code>${c.expression ?? ''}</code></td></tr>`;
  });
  return html`<table class="grid"><thead><tr><th scope="col">Key</th><th scope="col">Severity</th><th scope="col">On</th><th scope="col">Description</th><th scope="col">Expression</th></tr></thead><tbody>${rows}</tbody></table>`;
}
