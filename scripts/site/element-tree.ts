/**
 * A StructureDefinition's element list as the rows of a tree table. A slice hangs under the element it
 * slices (a reslice under its slice), children under their parent. A differential need not list the
 * parents of what it constrains: those rows are added as placeholders (no element), so the tree keeps
 * its shape. The must-support view keeps the must-support elements and the rows that lead to them.
 */
import type { ElementDefinition } from '../model/fhir.js';
import { assignDifferentialIds, joinId, parseId, type IdSegment } from '../snapshot/element-ids.js';

export interface TreeRow {
  /** The element id (`Appointment.extension:deliveryChannel`), or the id a placeholder stands for. */
  id: string;
  /** The row it hangs under (undefined for the root). */
  parent?: string;
  depth: number;
  /** The element's name as shown: the last segment (`extension`, or `valueString` for a renamed choice). */
  name: string;
  /** The slice name, when the row is a slice (not a renamed choice). */
  slice?: string;
  /** Undefined for a placeholder row (a parent the differential does not list). */
  element?: ElementDefinition;
  hasChildren: boolean;
}

/** Rows for an element list in document order. */
export function treeRows(elements: readonly ElementDefinition[]): TreeRow[] {
  const ids = assignDifferentialIds([...elements]);
  const rows: TreeRow[] = [];
  const byId = new Map<string, TreeRow>();
  const ensure = (segments: IdSegment[]): TreeRow => {
    const id = joinId(segments);
    const existing = byId.get(id);
    if (existing) return existing;
    const parentSegments = parentOf(segments);
    const parent = parentSegments ? ensure(parentSegments) : undefined;
    const row = newRow(id, segments, parent);
    rows.push(row);
    byId.set(id, row);
    return row;
  };
  elements.forEach((element, i) => {
    const segments = parseId(ids[i] as string);
    const id = joinId(segments);
    if (byId.has(id)) return; // a repeated id: shown once
    const parentSegments = parentOf(segments);
    const parent = parentSegments ? ensure(parentSegments) : undefined;
    const row = { ...newRow(id, segments, parent), element };
    rows.push(row);
    byId.set(id, row);
  });
  return treeOrder(rows, byId);
}

/**
 * The rows in tree order (each row directly followed by its descendants, siblings in document order),
 * which the table and its collapse script rely on, even for a differential listed out of order.
 */
function treeOrder(rows: TreeRow[], byId: Map<string, TreeRow>): TreeRow[] {
  const children = new Map<string | undefined, TreeRow[]>();
  for (const row of rows) {
    const parent = row.parent === undefined ? undefined : byId.get(row.parent);
    if (parent) parent.hasChildren = true;
    const siblings = children.get(row.parent);
    if (siblings) siblings.push(row);
    else children.set(row.parent, [row]);
  }
  const out: TreeRow[] = [];
  const visit = (row: TreeRow) => {
    out.push(row);
    for (const child of children.get(row.id) ?? []) visit(child);
  };
  for (const root of children.get(undefined) ?? []) visit(root);
  return out;
}

/** The must-support view: rows whose element is must-support, their ancestors, and the root. */
export function mustSupportRows(rows: readonly TreeRow[]): TreeRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const keep = new Set<string>();
  for (const row of rows) {
    if (!row.element?.mustSupport) continue;
    for (let r: TreeRow | undefined = row; r && !keep.has(r.id); r = r.parent === undefined ? undefined : byId.get(r.parent)) keep.add(r.id);
  }
  if (keep.size === 0) return [];
  const kept = rows.filter((r) => keep.has(r.id) || r.parent === undefined);
  const withChildren = new Set(kept.map((r) => r.parent));
  return kept.map((r) => ({ ...r, hasChildren: withChildren.has(r.id) }));
}

function newRow(id: string, segments: IdSegment[], parent: TreeRow | undefined): TreeRow {
  const last = segments[segments.length - 1] as IdSegment;
  const { name, slice } = displayName(last);
  return { id, ...(parent ? { parent: parent.id } : {}), depth: parent ? parent.depth + 1 : 0, name, ...(slice !== undefined ? { slice } : {}), hasChildren: false };
}

/**
 * The row a segment list hangs under: a slice under its sliced element, a reslice (`s/r`) under its
 * slice, anything else under the segments before it.
 */
function parentOf(segments: IdSegment[]): IdSegment[] | undefined {
  const last = segments[segments.length - 1] as IdSegment;
  if (last.slice !== undefined) {
    const slash = last.slice.lastIndexOf('/');
    const up = slash < 0 ? { name: last.name } : { name: last.name, slice: last.slice.slice(0, slash) };
    return [...segments.slice(0, -1), up];
  }
  return segments.length > 1 ? segments.slice(0, -1) : undefined;
}

/** `value[x]:valueString` shows as `valueString` (a type choice, not a slice); `extension:foo` as `extension` slice `foo`. */
function displayName(seg: IdSegment): { name: string; slice?: string } {
  if (seg.slice === undefined) return { name: seg.name };
  const lastSlice = seg.slice.slice(seg.slice.lastIndexOf('/') + 1);
  if (seg.name.endsWith('[x]') && lastSlice.startsWith(seg.name.slice(0, -3))) return { name: lastSlice };
  return { name: seg.name, slice: lastSlice };
}
