/**
 * A tree table of elements, in the IG Publisher's columns: Name (with slice name), Flags (modifier,
 * must support, summary, constraints), Card., Type (linked to the base type or profile) and Description
 * & Constraints (short, binding with strength and value set, fixed/pattern value, slicing). Each row
 * with children has a toggle button (site.js collapses and expands its descendants); without script
 * every row stays visible.
 */
import { fixedOrPattern, type ElementDefinition, type ElementDefinitionBinding, type ElementDefinitionType } from '../model/fhir.js';
import { anchorId, html, join, link, type Html } from './html.js';
import type { SiteLinks } from './links.js';
import type { TreeRow } from './element-tree.js';

const MAX_DEPTH_CLASS = 20;

export interface TreeTableOptions {
  /** Prefix of every row's anchor (`diff`, `snap`, `ms`): anchors stay unique on a page with several trees. */
  prefix: string;
  caption: string;
  /** Ids of the elements the profile's differential constrains (shown in bold in the snapshot). */
  constrained?: ReadonlySet<string>;
}

export function treeTable(rows: readonly TreeRow[], links: SiteLinks, options: TreeTableOptions): Html {
  const body = rows.map((row) => treeRow(row, links, options));
  return html`<div class="tree-wrap"><table class="tree" data-tree="${options.prefix}">
<caption>${options.caption}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Flags</th><th scope="col">Card.</th><th scope="col">Type</th><th scope="col">Description &amp; Constraints</th></tr></thead>
<tbody>
${join(body, '\n')}
</tbody></table></div>`;
}

export function rowAnchor(prefix: string, id: string): string {
  return `${prefix}-${anchorId(id)}`;
}

function treeRow(row: TreeRow, links: SiteLinks, options: TreeTableOptions): Html {
  const el = row.element;
  const classes = [`d${Math.min(row.depth, MAX_DEPTH_CLASS)}`, el ? '' : 'placeholder', el && options.constrained?.has(row.id) ? 'constrained' : ''].filter(Boolean).join(' ');
  const toggle = row.hasChildren ? html`<button type="button" class="toggle" aria-expanded="true" aria-label="${`Collapse ${row.name}${row.slice ? `:${row.slice}` : ''}`}"></button>` : html`<span class="leaf"></span>`;
  const name = html`${toggle}<span class="el-name">${row.name}</span>${row.slice !== undefined ? html`<span class="slice">:${row.slice}</span>` : ''}`;
  return html`<tr id="${rowAnchor(options.prefix, row.id)}" class="${classes}" data-depth="${row.depth}"><th scope="row" class="name">${name}</th><td class="flags">${el ? flags(el) : ''}</td><td class="card">${el ? cardinality(el) : ''}</td><td class="type">${el ? typeCell(el, links, options.prefix) : ''}</td><td class="desc">${el ? description(el, links) : ''}</td></tr>`;
}

function flags(el: ElementDefinition): Html {
  const out: Html[] = [];
  if (el.isModifier) out.push(html`<abbr class="flag" title="This element is a modifier element">?!</abbr>`);
  if (el.mustSupport) out.push(html`<abbr class="flag must-support" title="This element must be supported">S</abbr>`);
  if (el.isSummary) out.push(html`<abbr class="flag" title="This element is included in summaries">&#931;</abbr>`);
  const keys = (el.constraint ?? []).map((c) => c.key);
  if (keys.length) out.push(html`<abbr class="flag" title="${`Constraints: ${keys.join(', ')}`}">I</abbr>`);
  return join(out, ' ');
}

function cardinality(el: ElementDefinition): string {
  if (el.min === undefined && el.max === undefined) return '';
  return `${el.min ?? ''}..${el.max ?? ''}`;
}

function typeCell(el: ElementDefinition, links: SiteLinks, prefix: string): Html {
  if (el.contentReference) {
    const target = el.contentReference.replace(/^#/, '');
    return html`See ${link(`#${rowAnchor(prefix, target)}`, target)}`;
  }
  const groups = new Map<string, ElementDefinitionType[]>();
  // A primitive's `value` element has a type without a code (its JSON type is in an extension): nothing to show.
  for (const t of el.type ?? []) if (typeof t.code === 'string') groups.set(t.code, [...(groups.get(t.code) ?? []), t]);
  const parts = [...groups].map(([code, types]) => typeGroup(code, types, links));
  return join(parts, html` | `);
}

/** `Reference(A | B)`, `Extension(Delivery channel)`, or the type alone, each part linked. */
function typeGroup(code: string, types: ElementDefinitionType[], links: SiteLinks): Html {
  const typeHref = links.type(code)?.href;
  const typeLink = typeHref ? link(typeHref, code) : html`${code}`;
  const profiles = types.flatMap((t) => [t.profile, t.targetProfile]).filter((p): p is string => typeof p === 'string');
  if (profiles.length === 0) return typeLink;
  const targets = [...new Set(profiles)].map((url) => {
    const target = links.canonical(url);
    return target ? link(target.href, target.label, url) : html`<span title="${url}">${url}</span>`;
  });
  return html`${typeLink}(${join(targets, ' | ')})`;
}

function description(el: ElementDefinition, links: SiteLinks): Html {
  const lines: Html[] = [];
  if (el.short) lines.push(html`<span class="short">${el.short}</span>`);
  if (el.slicing) {
    const by = (el.slicing.discriminator ?? []).map((d) => `${d.type}:${d.path}`).join(', ');
    lines.push(html`<span class="slicing">Slice: ${el.slicing.ordered ? 'ordered' : 'unordered'}, ${el.slicing.rules}${by ? ` by ${by}` : ''}</span>`);
  }
  if (el.binding) lines.push(binding(el.binding, links));
  const fixed = fixedOrPattern(el);
  if (fixed) lines.push(html`<span class="fixed">${fixed.pattern ? 'Pattern' : 'Fixed value'}: <code>${valueText(fixed.value)}</code></span>`);
  if (el.maxLength !== undefined) lines.push(html`<span>Max length: ${el.maxLength}</span>`);
  return join(lines, html`<br>`);
}

function binding(b: ElementDefinitionBinding, links: SiteLinks): Html {
  const url = b.valueSetReference?.reference ?? b.valueSetUri;
  const target = url ? links.canonical(url) : undefined;
  const vs = target ? link(target.href, target.label, url) : url ? html`<span>${url}</span>` : html`<span>${b.description ?? 'no value set'}</span>`;
  return html`<span class="binding">Binding: ${vs} (<span class="strength">${b.strength}</span>)</span>`;
}

/** A fixed or pattern value in short form: a primitive as itself, anything else as compact JSON. */
function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
