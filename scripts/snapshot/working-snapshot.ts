/**
 * The snapshot under construction: an ordered element list addressed by id, with the pristine form of
 * every element as it was first placed (before any differential merged onto it), and where each unfolded
 * or sliced element was copied from, so that slices and unfolded children start from the base definition.
 */
import type { ElementDefinition } from '../model/fhir.js';
import { isDescendant, isWithin } from './element-ids.js';

export class WorkingSnapshot {
  readonly elements: ElementDefinition[];
  private readonly pristine = new Map<string, ElementDefinition>();
  /** id of an element copied from another (a slice from its entry, a child of a slice from the entry's child). */
  private readonly copiedFrom = new Map<string, string>();

  /** `place`: what every element placed from a definition gets (base elements, unfolded children) before it is recorded. */
  constructor(
    base: ElementDefinition[],
    private readonly place: (e: ElementDefinition) => void = () => {},
  ) {
    this.elements = base.map((e) => structuredClone(e));
    for (const e of this.elements) {
      e.id ??= e.path;
      e.base ??= { path: e.path, min: e.min ?? 0, max: e.max ?? '*' };
      place(e);
      this.pristine.set(e.id, structuredClone(e));
    }
  }

  indexOf(id: string): number {
    return this.elements.findIndex((e) => e.id === id);
  }

  get(id: string): ElementDefinition | undefined {
    return this.elements.find((e) => e.id === id);
  }

  /** The element as first placed, before differential merges. */
  original(id: string): ElementDefinition | undefined {
    return this.pristine.get(id);
  }

  /** The direct children of the element `id` (its slices and their children excluded). */
  children(id: string): ElementDefinition[] {
    return this.elements.filter((e) => e.id !== undefined && isDescendant(e.id, id) && !e.id.slice(id.length + 1).includes('.'));
  }

  hasChildren(id: string): boolean {
    return this.elements.some((e) => e.id !== undefined && isDescendant(e.id, id));
  }

  /**
   * Pristine descendants of the element `id` was copied from (following copies back), rebased nowhere:
   * the caller rebases them. Empty when the source has no children in this snapshot.
   */
  originalChildrenSource(id: string): { rootId: string; rootPath: string; elements: ElementDefinition[] } | undefined {
    let source = this.copiedFrom.get(id);
    while (source !== undefined) {
      const src = source;
      const kids = this.elements.filter((e) => e.id !== undefined && isDescendant(e.id, src) && !e.id.slice(src.length + 1).includes(':'));
      const pristineKids = kids.map((k) => this.pristine.get(k.id as string)).filter((k): k is ElementDefinition => k !== undefined);
      const root = this.pristine.get(src);
      if (pristineKids.length > 0 && root) return { rootId: src, rootPath: root.path, elements: pristineKids };
      source = this.copiedFrom.get(src);
    }
    return undefined;
  }

  /** Inserts `children` right after the element at `index` (its children come before its slices). */
  insertChildren(index: number, children: ElementDefinition[], copiedFrom?: Map<string, string>): void {
    for (const c of children) this.place(c);
    this.elements.splice(index + 1, 0, ...children);
    for (const c of children) this.pristine.set(c.id as string, structuredClone(c));
    if (copiedFrom) for (const [k, v] of copiedFrom) this.copiedFrom.set(k, v);
  }

  /** Appends a new slice after the entry, its children and every earlier slice of that entry (differential order). */
  insertSlice(entryId: string, slice: ElementDefinition): void {
    let last = this.indexOf(entryId);
    for (let i = last + 1; i < this.elements.length; i++) {
      const id = this.elements[i].id as string;
      if (isWithin(id, entryId)) last = i;
      else break;
    }
    this.elements.splice(last + 1, 0, slice);
    this.pristine.set(slice.id as string, structuredClone(slice));
    this.copiedFrom.set(slice.id as string, entryId);
  }

  /** Renames an element (a choice restricted to one type) and everything beneath it. */
  rename(oldId: string, newId: string, newPath: string): void {
    const index = this.indexOf(oldId);
    const oldPath = this.elements[index].path;
    for (const e of this.elements) {
      const id = e.id as string;
      if (id !== oldId && !isDescendant(id, oldId)) continue;
      e.id = newId + id.slice(oldId.length);
      if (e.path === oldPath || e.path.startsWith(oldPath + '.')) e.path = newPath + e.path.slice(oldPath.length);
      const p = this.pristine.get(id);
      if (p) this.pristine.set(e.id, { ...p, id: e.id, path: e.path });
    }
  }
}
