/**
 * Where every page lives and where a canonical URL points. Pages sit in one flat folder, so every
 * internal href is a plain file name (`StructureDefinition-X.html#row`), valid from file:// and from any
 * static host. A URL the package defines links to its page; a core FHIR definition links to its page of
 * the STU3 specification; any other http(s) canonical links to itself.
 */
import { isCodeSystem, isStructureDefinition, isValueSet, type CanonicalResource, type Resource, type StructureDefinition } from '../model/fhir.js';
import { stripVersion, type DefinitionResolver } from '../resolve/resolver.js';
import type { SitePackage } from './input.js';

export const HOME_PAGE = 'index.html';
export const QA_PAGE = 'qa.html';
export const CHANGES_PAGE = 'changes.html';
export const SEARCH_PAGE = 'search.html';

const CORE_BASE = 'http://hl7.org/fhir/';
const SPEC = 'http://hl7.org/fhir/STU3/';

export interface LinkTarget {
  href: string;
  /** The name to show: title, else name, else id, else the URL. */
  label: string;
  /** True when the target is a page of this site. */
  internal: boolean;
}

/** `StructureDefinition-X.html`: a conformance resource's page. */
export function resourcePage(r: Resource): string {
  return `${r.resourceType}-${r.id ?? 'unknown'}.html`;
}

/** The pages of a conformance resource's definition as JSON and as XML (`StructureDefinition-X.json.html`). */
export function sourcePage(r: Resource, format: 'json' | 'xml'): string {
  return resourcePage(r).replace(/\.html$/, `.${format}.html`);
}

/** `example-Patient-x.html`: an example's page (examples may share ids with conformance resources). */
export function examplePage(r: Resource): string {
  return `example-${r.resourceType}-${r.id ?? 'unknown'}.html`;
}

export function labelOf(r: Resource): string {
  const c = r as CanonicalResource;
  return c.title ?? c.name ?? r.id ?? String(r.url ?? r.resourceType);
}

export class SiteLinks {
  private readonly byUrl = new Map<string, Resource>();
  private readonly byKey = new Map<string, Resource>();
  private readonly missing = new Set<string>();

  constructor(
    pkg: SitePackage,
    private readonly resolver: DefinitionResolver,
  ) {
    for (const r of pkg.resources) {
      if (typeof r.url === 'string') this.byUrl.set(r.url, r);
      this.byKey.set(`${r.resourceType}/${r.id ?? ''}`, r);
    }
  }

  /** The package's resource of this type and id. */
  localById(resourceType: string, id: string): Resource | undefined {
    return this.byKey.get(`${resourceType}/${id}`);
  }

  /** Canonical URLs asked for that neither the package nor its dependencies define, sorted. */
  get unresolved(): string[] {
    return [...this.missing].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The package's resource with this canonical URL (a `|version` suffix ignored). */
  local(url: string): Resource | undefined {
    return this.byUrl.get(stripVersion(url));
  }

  /** Where a canonical URL (of any type) points, or undefined when it can be shown as text only. */
  canonical(url: string): LinkTarget | undefined {
    if (typeof url !== 'string' || url === '') return undefined;
    const local = this.local(url);
    if (local) return { href: resourcePage(local), label: labelOf(local), internal: true };
    const bare = stripVersion(url);
    const sd = this.resolver.structureDefinition(bare);
    const vs = sd ? undefined : this.resolver.valueSet(bare);
    const cs = sd || vs ? undefined : this.resolver.codeSystem(bare);
    const found: Resource | undefined = sd ?? vs ?? cs;
    if (!found) this.missing.add(bare);
    const href = found && bare.startsWith(CORE_BASE) ? coreSpecPage(found) : /^https?:\/\//i.test(bare) ? bare : undefined;
    return href ? { href, label: found ? labelOf(found) : bare, internal: false } : undefined;
  }

  /** A FHIR type name (`CodeableConcept`, `Patient`, `string`) to its definition. */
  type(code: string): LinkTarget | undefined {
    if (typeof code !== 'string' || code === '') return undefined;
    const sd = this.resolver.structureDefinition(code);
    return sd ? this.canonical(sd.url) : undefined;
  }
}

/** The STU3 specification page of a core definition. */
function coreSpecPage(r: Resource): string {
  const id = String(r.id ?? '').toLowerCase();
  if (isStructureDefinition(r)) return specPageOf(r);
  if (isValueSet(r)) return `${SPEC}valueset-${id}.html`;
  if (isCodeSystem(r)) return `${SPEC}codesystem-${id}.html`;
  return `${SPEC}${id}.html`;
}

function specPageOf(sd: StructureDefinition): string {
  const id = String(sd.id ?? sd.name).toLowerCase();
  if (sd.derivation === 'constraint') return sd.type === 'Extension' ? `${SPEC}extension-${id}.html` : `${SPEC}${id}.html`;
  if (sd.kind === 'resource') return `${SPEC}${sd.type.toLowerCase()}.html`;
  return `${SPEC}datatypes.html#${sd.type}`;
}
