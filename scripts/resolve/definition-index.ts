/**
 * The definition index: every definition a validator may look up (the project's package, its dependencies,
 * the published expansions), in one file a build writes (`generated/validation/definitions.jsonl`), so
 * that validating in a built project reads definitions on demand instead of loading hl7.fhir.r3.core and
 * its database of 4,000 resources.
 *
 * Layout: a first line of JSON, the header (`format`, `version`, the `sources` in lookup order, and one
 * entry per resource: resource type, URL, source, the type name when it is the definition a lookup by
 * type name finds, whether a lookup by URL finds it, and the byte offset and length of its line); then one
 * resource per line. A resource is read and parsed when first asked for. Lookups answer exactly as the sources the
 * build loaded did (the project first, then each package in load order; `winner` says which of several
 * resources with one URL a source gave).
 *
 * Resources are compacted: what no validation step reads is left out (narrative, element definitions,
 * comments, requirements, aliases, mappings and examples, XPath of constraints, the differential beside a
 * snapshot, code system concept definitions). `compactDefinition` is the one list of those.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Resource, StructureDefinition } from '../model/fhir.js';
import { stripVersion, type DefinitionSource } from './resolver.js';

/** Where a build writes its definition index, under its output folder. */
export const DEFINITION_INDEX_FILE = 'validation/definitions.jsonl';
export const DEFINITION_INDEX_FORMAT = 'fhir-stu3-definitions';
export const DEFINITION_INDEX_VERSION = 1;

/** One resource as the index is asked for it. */
export interface IndexedDefinition {
  resource: Resource;
  /** The label of the source it comes from: `project`, `hl7.fhir.r3.core#3.0.2`. */
  source: string;
  /** The type whose base definition this is for lookups by type name (`Patient`), if it is. */
  typeName?: string;
  /** True when a lookup of its URL (and resource type) in its source finds this resource. */
  winner: boolean;
}

/** [resourceType, url, source index, typeName ('' for none), winner (1/0), offset, length] */
type Entry = [string, string, number, string, number, number, number];

interface Header {
  format: string;
  version: number;
  sources: string[];
  entries: Entry[];
}

/** The index file's content: the header line, then one compacted resource per line. */
export function encodeDefinitionIndex(definitions: readonly IndexedDefinition[]): Buffer {
  const sources: string[] = [];
  const lines: Buffer[] = [];
  const entries: Entry[] = [];
  let offset = 0;
  for (const d of definitions) {
    if (typeof d.resource.url !== 'string') continue;
    let source = sources.indexOf(d.source);
    if (source < 0) source = sources.push(d.source) - 1;
    const line = Buffer.from(JSON.stringify(compactDefinition(d.resource)) + '\n', 'utf8');
    entries.push([d.resource.resourceType, d.resource.url, source, d.typeName ?? '', d.winner ? 1 : 0, offset, line.length - 1]);
    lines.push(line);
    offset += line.length;
  }
  const header: Header = { format: DEFINITION_INDEX_FORMAT, version: DEFINITION_INDEX_VERSION, sources, entries };
  return Buffer.concat([Buffer.from(JSON.stringify(header) + '\n', 'utf8'), ...lines]);
}

/** The file of an opened index stays open while the index is in use, and is closed once it is dropped. */
const closeWhenDropped = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/** Reads `length` bytes at `offset` of the body (after the header line) as text. */
type BodyReader = (offset: number, length: number) => string;

/** A definition index read from its file or bytes, as a DefinitionSource (and per-package lookups, for published expansions). */
export class DefinitionIndex implements DefinitionSource {
  private readonly byUrlMap = new Map<string, number[]>();
  private readonly byType = new Map<string, number>();
  private readonly parsed = new Map<number, Resource>();

  private constructor(
    private readonly header: Header,
    private readonly body: BodyReader,
  ) {
    header.entries.forEach((e, i) => {
      const list = this.byUrlMap.get(e[1]);
      if (list) list.push(i);
      else this.byUrlMap.set(e[1], [i]);
      if (e[3] && !this.byType.has(e[3])) this.byType.set(e[3], i);
    });
  }

  /** An index from its bytes; throws with the reason when they are not one. */
  static read(bytes: Buffer): DefinitionIndex {
    const end = bytes.indexOf(10);
    if (end < 0) throw new Error('no header line');
    const header = parseHeader(bytes.toString('utf8', 0, end), bytes.length - end - 1);
    return new DefinitionIndex(header, (offset, length) => bytes.toString('utf8', end + 1 + offset, end + 1 + offset + length));
  }

  /**
   * An index from its file, of which only the header is read now: each resource is read when first asked
   * for (a validation reads a few dozen of several thousand). Throws with the reason when it is not one.
   */
  static open(file: string): DefinitionIndex {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      let chunk = Buffer.alloc(Math.min(size, 1 << 20));
      let filled = readSync(fd, chunk, 0, chunk.length, 0);
      let end = chunk.indexOf(10);
      while (end < 0 && filled < size) {
        const bigger = Buffer.alloc(Math.min(size, chunk.length * 2));
        chunk.copy(bigger, 0, 0, filled);
        filled += readSync(fd, bigger, filled, bigger.length - filled, filled);
        chunk = bigger;
        end = chunk.indexOf(10);
      }
      if (end < 0) throw new Error('no header line');
      const header = parseHeader(chunk.toString('utf8', 0, end), size - end - 1);
      const body = end + 1;
      const index = new DefinitionIndex(header, (offset, length) => {
        const buf = Buffer.alloc(length);
        readSync(fd, buf, 0, length, body + offset);
        return buf.toString('utf8');
      });
      closeWhenDropped.register(index, fd);
      return index;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** The labels of the sources, in lookup order (`project`, then packages: `hl7.fhir.r3.core#3.0.2`). */
  get labels(): string[] {
    return [...this.header.sources];
  }

  byUrl(url: string, resourceType?: string): Resource | undefined {
    const i = this.find(stripVersion(url), (e) => e[4] === 1 && (!resourceType || e[0] === resourceType));
    return i === undefined ? undefined : this.resource(i);
  }

  byTypeName(type: string): StructureDefinition | undefined {
    const i = this.byType.get(type);
    return i === undefined ? undefined : (this.resource(i) as StructureDefinition);
  }

  originOf(url: string): string | undefined {
    const i = this.find(stripVersion(url), (e) => e[4] === 1);
    return i === undefined ? undefined : this.header.sources[this.header.entries[i][2]];
  }

  /** The resource with this URL in one source (`hl7.fhir.r3.expansions#3.0.2`). */
  byUrlInPackage(url: string, source: string, resourceType?: string): Resource | undefined {
    const s = this.header.sources.indexOf(source);
    const i = this.find(stripVersion(url), (e) => e[2] === s && (!resourceType || e[0] === resourceType));
    return i === undefined ? undefined : this.resource(i);
  }

  private find(url: string, test: (e: Entry) => boolean): number | undefined {
    for (const i of this.byUrlMap.get(url) ?? []) if (test(this.header.entries[i])) return i;
    return undefined;
  }

  private resource(i: number): Resource {
    let r = this.parsed.get(i);
    if (!r) {
      const [, , , , , offset, length] = this.header.entries[i];
      r = JSON.parse(this.body(offset, length)) as Resource;
      this.parsed.set(i, r);
    }
    return r;
  }
}

/** The header, checked: its format, and entries within a body of `bodyLength` bytes. */
function parseHeader(text: string, bodyLength: number): Header {
  const header = JSON.parse(text) as Partial<Header>;
  if (header.format !== DEFINITION_INDEX_FORMAT || header.version !== DEFINITION_INDEX_VERSION) throw new Error(`not a ${DEFINITION_INDEX_FORMAT} ${DEFINITION_INDEX_VERSION} file`);
  if (!Array.isArray(header.sources) || !Array.isArray(header.entries)) throw new Error('header without sources or entries');
  const last = header.entries[header.entries.length - 1];
  if (last && last[5] + last[6] > bodyLength) throw new Error('truncated');
  return header as Header;
}

/** Element properties no validation step reads. */
const ELEMENT_PROSE = ['definition', 'comment', 'requirements', 'alias', 'mapping', 'example'];

/**
 * A definition without what validation never reads (see the header comment): the index stays a fraction
 * of the packages' size. The resource given is not changed.
 */
export function compactDefinition(resource: Resource): Resource {
  const { text: _text, ...rest } = resource as Resource & { text?: unknown };
  const out = rest as Record<string, unknown>;
  if (resource.resourceType === 'StructureDefinition') {
    const sd = resource as StructureDefinition;
    delete out.mapping;
    if (sd.snapshot?.element?.length) {
      delete out.differential;
      out.snapshot = { element: sd.snapshot.element.map(compactElement) };
    }
  } else if (resource.resourceType === 'CodeSystem' && Array.isArray(out.concept)) {
    out.concept = compactConcepts(out.concept as Array<Record<string, unknown>>);
  }
  return out as Resource;
}

function compactElement(element: object): object {
  const out: Record<string, unknown> = { ...element };
  for (const key of Object.keys(out)) if (ELEMENT_PROSE.includes(key) || key.startsWith('example')) delete out[key];
  if (Array.isArray(out.constraint)) out.constraint = (out.constraint as Array<Record<string, unknown>>).map(({ xpath: _xpath, ...c }) => c);
  return out;
}

function compactConcepts(concepts: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return concepts.map(({ definition: _definition, ...c }) => (Array.isArray(c.concept) ? { ...c, concept: compactConcepts(c.concept as Array<Record<string, unknown>>) } : c));
}
