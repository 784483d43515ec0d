/**
 * A StructureDefinition snapshot as a tree, keyed by element id: each node's children grouped by element
 * name, each group with its unsliced entry and its slices. Choice elements restricted to one type keep the
 * id form `value[x]:valueCode` with the path `Extension.valueCode`: they group under `value[x]`.
 * Reslices (`extension:a/b`) are left out: the slice they refine already types their items.
 */
import type { ElementDefinition, StructureDefinition } from '../../model/fhir.js';

export interface ElementNode {
  readonly element: ElementDefinition;
  readonly id: string;
  /** Child groups in snapshot order. */
  readonly groups: ElementGroup[];
}

export interface ElementGroup {
  /** The element name as the id gives it: `status`, `extension`, `value[x]`. */
  readonly name: string;
  /** Entries without a slice name (normally one; a restricted choice can appear once per type). */
  readonly entries: ElementNode[];
  /** Named slices, in snapshot order. */
  readonly slices: ElementNode[];
}

/** The snapshot's root node, undefined when the SD has no snapshot. */
export function elementTree(sd: StructureDefinition): ElementNode | undefined {
  const elements = sd.snapshot?.element ?? [];
  if (elements.length === 0) return undefined;
  const nodes = new Map<string, ElementNode>();
  const root: ElementNode = { element: elements[0], id: elements[0].id ?? elements[0].path, groups: [] };
  nodes.set(root.id, root);
  for (const element of elements.slice(1)) {
    const id = element.id ?? element.path;
    const dot = lastSegmentStart(id);
    if (dot < 0) continue;
    const parent = nodes.get(id.slice(0, dot));
    if (!parent) continue;
    const segment = id.slice(dot + 1);
    const colon = segment.indexOf(':');
    const name = colon < 0 ? segment : segment.slice(0, colon);
    const sliceName = element.sliceName;
    if (sliceName?.includes('/')) continue;
    const node: ElementNode = { element, id, groups: [] };
    nodes.set(id, node);
    let group = parent.groups.find((g) => g.name === name);
    if (!group) parent.groups.push((group = { name, entries: [], slices: [] }));
    if (sliceName !== undefined && !name.endsWith('[x]')) group.slices.push(node);
    else group.entries.push(node);
  }
  return root;
}

/** Index of the dot before an id's last segment (dots inside a slice name `:a.b` do not count). */
function lastSegmentStart(id: string): number {
  let last = -1;
  let inSlice = false;
  for (let i = 0; i < id.length; i++) {
    const c = id[i];
    if (c === ':') inSlice = true;
    else if (c === '.') {
      // A dot right after a slice name ends it only when followed by a plain element name.
      if (!inSlice || /^[a-z_][A-Za-z0-9_]*(\[x\])?/.test(id.slice(i + 1))) {
        last = i;
        inSlice = false;
      }
    }
  }
  return last;
}
