/**
 * A snapshot as a tree for walking instances: each element with its children (by JSON name) and, for a
 * sliced element, its slices in definition order. Trees are built once per StructureDefinition and cached.
 */
import { fixedOrPattern, type ElementDefinition, type FixedValue, type StructureDefinition } from '../model/fhir.js';
import { parseId, joinId } from '../snapshot/element-ids.js';

export interface ProfileNode {
  readonly def: ElementDefinition;
  /** The id (or path when the snapshot has no ids). */
  readonly id: string;
  /** The StructureDefinition whose snapshot holds this element. */
  readonly profile: StructureDefinition;
  /** Child elements in snapshot order (slices excluded). */
  readonly children: ProfileNode[];
  /** Slices of this element (for a sliced element), in definition order. */
  readonly slices: ProfileNode[];
  /** The JSON name it answers to (`value` for `value[x]`), and whether it is a choice. */
  readonly name: string;
  readonly choice: boolean;
  /** The element's `fixed[x]` or `pattern[x]` (with its property name), undefined when it has neither. */
  readonly fixed: FixedValue | undefined;
}

export interface ProfileTree {
  readonly root: ProfileNode;
  /** Nodes by id, and by path for slice-free elements (contentReference targets). */
  readonly byId: ReadonlyMap<string, ProfileNode>;
}

const trees = new WeakMap<StructureDefinition, ProfileTree | null>();

/** The tree of a snapshotted StructureDefinition, undefined when it has no snapshot. */
export function profileTree(sd: StructureDefinition): ProfileTree | undefined {
  let tree = trees.get(sd);
  if (tree === undefined) {
    tree = buildTree(sd) ?? null;
    trees.set(sd, tree);
  }
  return tree ?? undefined;
}

/** The element a node's `contentReference` (`#CodeSystem.concept`) names in its own profile: the definition the node reuses. */
export function contentReferenceTarget(node: ProfileNode): ProfileNode | undefined {
  const ref = node.def.contentReference;
  return ref ? profileTree(node.profile)?.byId.get(ref.slice(ref.indexOf('#') + 1)) : undefined;
}

function buildTree(sd: StructureDefinition): ProfileTree | undefined {
  const elements = sd.snapshot?.element ?? [];
  if (elements.length === 0) return undefined;
  const byId = new Map<string, ProfileNode>();
  let root: ProfileNode | undefined;
  for (const def of elements) {
    const id = def.id ?? def.path;
    const node: ProfileNode = { def, id, profile: sd, children: [], slices: [], ...elementName(def), fixed: fixedOrPattern(def) };
    byId.set(id, node);
    if (!root) {
      root = node;
      continue;
    }
    const segs = parseId(id);
    const last = segs[segs.length - 1];
    if (last.slice !== undefined) {
      // A slice of the element with the same id minus the slice name (re-slices included).
      const slicedId = joinId([...segs.slice(0, -1), { name: last.name, ...(last.slice.includes('/') ? { slice: last.slice.slice(0, last.slice.lastIndexOf('/')) } : {}) }]);
      const sliced = byId.get(slicedId);
      if (sliced) {
        sliced.slices.push(node);
        continue;
      }
    }
    const parent = byId.get(joinId(segs.slice(0, -1)));
    parent?.children.push(node);
  }
  if (!root) return undefined;
  for (const def of elements) if (def.sliceName === undefined && !byId.has(def.path)) byId.set(def.path, byId.get(def.id ?? def.path) as ProfileNode);
  return { root, byId };
}

/** The JSON name an element answers to: `value` for `value[x]` (choice), `valueCode` for a renamed choice, else the last path segment. */
export function elementName(def: ElementDefinition): { name: string; choice: boolean } {
  const last = def.path.slice(def.path.lastIndexOf('.') + 1);
  return last.endsWith('[x]') ? { name: last.slice(0, -3), choice: true } : { name: last, choice: false };
}

/**
 * The child node for a JSON property: the exact (renamed choice) element, else the choice element `name[x]`
 * narrowed to its type slice (`value[x]:valueCode`) when there is one.
 */
export function childFor(parent: ProfileNode, property: string, baseName: string): ProfileNode | undefined {
  const index = childIndex(parent);
  const exact = index.exact.get(property);
  if (exact) return exact;
  const choice = index.choices.get(baseName);
  if (!choice) return undefined;
  return choice.slices.find((s) => s.def.sliceName === property || s.id.endsWith(`:${property}`)) ?? choice;
}

/** A node's children by JSON name (plain elements) and by choice stem (`value` for `value[x]`), built once per node. */
interface ChildIndex {
  exact: Map<string, ProfileNode>;
  choices: Map<string, ProfileNode>;
  /** Children (not choices) with slices of min >= 1: what must be there even when the element is absent. */
  requiredSlices: ProfileNode[];
}

const indexes = new WeakMap<ProfileNode, ChildIndex>();

export function childIndex(parent: ProfileNode): ChildIndex {
  let index = indexes.get(parent);
  if (!index) {
    index = { exact: new Map(), choices: new Map(), requiredSlices: [] };
    for (const c of parent.children) {
      if (c.choice) index.choices.set(c.name, c);
      else {
        if (!index.exact.has(c.name)) index.exact.set(c.name, c);
        if (c.slices.some((s) => (s.def.min ?? 0) > 0)) index.requiredSlices.push(c);
      }
    }
    indexes.set(parent, index);
  }
  return index;
}
