/**
 * The definition resolver: how every stage finds StructureDefinitions, ValueSets and CodeSystems,
 * from the project's own sources first, then from the loaded dependency packages.
 */
import type { CodeSystem, Resource, StructureDefinition, ValueSet } from '../model/fhir.js';

/** Anything that can answer "which resource has this canonical URL" (a loaded package set, the project's sources). */
export interface DefinitionSource {
  /** The resource with this canonical URL (a `|version` suffix is ignored), optionally of one resource type. */
  byUrl(url: string, resourceType?: string): Resource | undefined;
  /** The base StructureDefinition of a FHIR type (`Patient`, `HumanName`, `string`, `Extension`). */
  byTypeName(type: string): StructureDefinition | undefined;
  /** A label for diagnostics and package provenance: `project` or `hl7.fhir.r3.core#3.0.2`. */
  originOf(url: string): string | undefined;
}

export interface DefinitionResolver {
  /** A canonical URL, or the name of a base type. */
  structureDefinition(ref: string): StructureDefinition | undefined;
  valueSet(url: string): ValueSet | undefined;
  codeSystem(url: string): CodeSystem | undefined;
  /** Any canonical resource of a type by URL (a Questionnaire a response names). */
  canonical(url: string, resourceType: string): Resource | undefined;
  /** Where the resource with this URL comes from (`project`, `hl7.fhir.r3.core#3.0.2`), undefined if unknown. */
  origin(url: string): string | undefined;
  /** True when the URL belongs to the project (its canonical base), whether or not it resolves. */
  isProjectUrl(url: string): boolean;
}

export function stripVersion(url: string): string {
  const bar = url.indexOf('|');
  return bar < 0 ? url : url.slice(0, bar);
}

/** An in-memory source: the project's resources, or any set of resources given directly (tests, `snapshot` CLI). */
export class ResourceIndex implements DefinitionSource {
  private readonly urls = new Map<string, Resource>();
  private readonly types = new Map<string, StructureDefinition>();

  constructor(
    resources: Iterable<Resource> = [],
    private readonly label = 'project',
  ) {
    for (const r of resources) this.add(r);
  }

  /** Adds or replaces a resource (the snapshot stage replaces a profile with its snapshotted form). */
  add(resource: Resource): void {
    const url = typeof resource.url === 'string' ? resource.url : undefined;
    if (url) this.urls.set(url, resource);
    if (resource.resourceType === 'StructureDefinition') {
      const sd = resource as StructureDefinition;
      if (sd.derivation !== 'constraint' && sd.kind !== 'logical' && sd.type) this.types.set(sd.type, sd);
    }
  }

  get resources(): Resource[] {
    return [...this.urls.values()];
  }

  byUrl(url: string, resourceType?: string): Resource | undefined {
    const r = this.urls.get(stripVersion(url));
    return r && (!resourceType || r.resourceType === resourceType) ? r : undefined;
  }

  byTypeName(type: string): StructureDefinition | undefined {
    return this.types.get(type);
  }

  originOf(url: string): string | undefined {
    return this.urls.has(stripVersion(url)) ? this.label : undefined;
  }
}

/** Looks in each source in order; the first that knows the URL wins. */
export class LayeredResolver implements DefinitionResolver {
  constructor(
    private readonly sources: DefinitionSource[],
    private readonly canonicalBase: string = '',
  ) {}

  canonical(url: string, resourceType: string): Resource | undefined {
    return this.find(url, resourceType);
  }

  private find(url: string, resourceType: string): Resource | undefined {
    for (const s of this.sources) {
      const r = s.byUrl(url, resourceType);
      if (r) return r;
    }
    return undefined;
  }

  structureDefinition(ref: string): StructureDefinition | undefined {
    if (!ref.includes('/')) {
      for (const s of this.sources) {
        const sd = s.byTypeName(ref);
        if (sd) return sd;
      }
      return undefined;
    }
    return this.find(ref, 'StructureDefinition') as StructureDefinition | undefined;
  }

  valueSet(url: string): ValueSet | undefined {
    return this.find(url, 'ValueSet') as ValueSet | undefined;
  }

  codeSystem(url: string): CodeSystem | undefined {
    return this.find(url, 'CodeSystem') as CodeSystem | undefined;
  }

  origin(url: string): string | undefined {
    for (const s of this.sources) {
      const o = s.originOf(url);
      if (o) return o;
    }
    return undefined;
  }

  isProjectUrl(url: string): boolean {
    return this.canonicalBase !== '' && stripVersion(url).startsWith(this.canonicalBase + '/');
  }
}
