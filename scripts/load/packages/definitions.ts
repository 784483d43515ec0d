/**
 * The loaded dependency packages as a DefinitionSource. Lookups go through fhir-package-loader's
 * index (findResourceInfos with type filters); every answer, found or not, is memoised, and each
 * resource file is parsed once, so the snapshot generator's many thousands of calls cost a Map lookup.
 * Resources are shared, not copied: callers must not modify them.
 */
import type { FindResourceInfoOptions, ResourceInfo } from 'fhir-package-loader';
import type { Resource, StructureDefinition } from '../../model/fhir.js';
import { stripVersion, type DefinitionSource } from '../../resolve/resolver.js';
import { BoundedMemo } from '../../util/bounded-memo.js';
import type { LoadedPackage } from './types.js';

/** The part of fhir-package-loader's PackageLoader that lookups need. */
export interface PackageIndex {
  findResourceInfos(key: string, options?: FindResourceInfoOptions): ResourceInfo[];
}

/** Reads the resource file at a path the index gave (the package cache's reader). */
export type ResourceReader = (resourcePath: string) => unknown;

/** The base StructureDefinitions of types: FPL's 'Type' and 'Resource' flavors (logical models excluded). */
const TYPE_FLAVORS = ['Type', 'Resource'];
const CORE_SD_BASE = 'http://hl7.org/fhir/StructureDefinition/';

export class LoadedPackages implements DefinitionSource {
  /** Lookups by URL and type name, whose keys payloads may choose: bounded (util/bounded-memo.ts). */
  private readonly infoMemo = new BoundedMemo<ResourceInfo>();
  private readonly typeMemo = new BoundedMemo<StructureDefinition>();
  private readonly resourceMemo = new Map<string, Resource | null>();

  constructor(
    private readonly index: PackageIndex,
    private readonly read: ResourceReader,
    /** The loaded packages, in load order (configured dependencies first, then what they require). */
    readonly packages: readonly LoadedPackage[],
  ) {}

  /** `name#version` of each loaded package, in load order. */
  get labels(): string[] {
    return this.packages.map((p) => p.label);
  }

  byUrl(url: string, resourceType?: string): Resource | undefined {
    const info = this.info(stripVersion(url), resourceType);
    return info ? this.resourceOf(info) : undefined;
  }

  byTypeName(type: string): StructureDefinition | undefined {
    return this.typeMemo.get(type, () => this.findType(type));
  }

  originOf(url: string): string | undefined {
    const info = this.info(stripVersion(url), undefined);
    return info?.packageName ? `${info.packageName}#${info.packageVersion ?? ''}` : undefined;
  }

  /** The resource with this URL in one package (`hl7.fhir.r3.expansions#3.0.2`), e.g. an expanded ValueSet. Not memoised. */
  byUrlInPackage(url: string, packageLabel: string, resourceType?: string): Resource | undefined {
    const key = stripVersion(url);
    if (!isLookupKey(key)) return undefined;
    const infos = this.index.findResourceInfos(key, { ...(resourceType ? { type: [resourceType] } : {}), scope: scopeOf(packageLabel) });
    const info = infos.find((i) => i.url === key && (!resourceType || i.resourceType === resourceType));
    return info ? this.resourceOf(info) : undefined;
  }

  /** Every resource of a type (`ValueSet`, `CodeSystem`), optionally of one package, in load order. Not memoised. */
  resourcesOfType(resourceType: string, packageLabel?: string): Resource[] {
    const infos = this.index.findResourceInfos('*', { type: [resourceType], ...(packageLabel ? { scope: scopeOf(packageLabel) } : {}) });
    const out: Resource[] = [];
    for (const info of infos) {
      if (info.resourceType !== resourceType) continue;
      const r = this.resourceOf(info);
      if (r) out.push(r);
    }
    return out;
  }

  /** Every resource of one package (`name#version`), in load order (shared with lookups, as they are). Not memoised. */
  resourcesOf(packageLabel: string): Resource[] {
    const out: Resource[] = [];
    for (const info of this.index.findResourceInfos('*', { scope: scopeOf(packageLabel) })) {
      const r = this.resourceOf(info);
      if (r) out.push(r);
    }
    return out;
  }

  private info(url: string, resourceType: string | undefined): ResourceInfo | undefined {
    if (!isLookupKey(url)) return undefined;
    return this.infoMemo.get(`${resourceType ?? '*'}|${url}`, () => {
      const infos = this.index.findResourceInfos(url, resourceType ? { type: [resourceType] } : undefined);
      // The key also matches ids and names: keep the canonical URL match, first loaded wins.
      return infos.find((i) => i.url === url && (!resourceType || i.resourceType === resourceType));
    });
  }

  private findType(type: string): StructureDefinition | undefined {
    if (!isLookupKey(type)) return undefined;
    const isBase = (i: ResourceInfo) =>
      i.resourceType === 'StructureDefinition' && i.sdType === type && i.sdDerivation === 'specialization' && i.sdKind !== 'logical';
    // By id or name first (core types are named after themselves), then by the core URL.
    const info =
      this.index.findResourceInfos(type, { type: TYPE_FLAVORS }).find(isBase) ??
      this.index.findResourceInfos(CORE_SD_BASE + type, { type: TYPE_FLAVORS }).find(isBase);
    const r = info && this.resourceOf(info);
    return r?.resourceType === 'StructureDefinition' ? (r as StructureDefinition) : undefined;
  }

  private resourceOf(info: ResourceInfo): Resource | undefined {
    const path = info.resourcePath;
    if (!path) return undefined;
    let r = this.resourceMemo.get(path);
    if (r === undefined) {
      r = asResource(this.readSafely(path)) ?? null;
      this.resourceMemo.set(path, r);
    }
    return r ?? undefined;
  }

  private readSafely(path: string): unknown {
    try {
      return this.read(path);
    } catch {
      return undefined;
    }
  }
}

function asResource(x: unknown): Resource | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  return typeof (x as { resourceType?: unknown }).resourceType === 'string' ? (x as Resource) : undefined;
}

/** FPL treats `*` as "everything" and splits keys at `|`: neither is a lookup key here. */
function isLookupKey(key: string): boolean {
  return key !== '' && key !== '*' && !key.includes('|');
}

/** `name#version` to FPL's scope syntax `name|version`. */
function scopeOf(packageLabel: string): string {
  return packageLabel.replace('#', '|');
}
