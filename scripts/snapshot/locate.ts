/**
 * Finding the snapshot element a differential element constrains, one id segment at a time from the root,
 * each segment resolved under the element actually found for its parent. A segment is found as spelled,
 * else as the same element under another spelling (a choice renamed to one type has three: `valueCode`,
 * `value[x]:valueCode` and Forge's `valueCode:valueCode`, and a child may use another than its parent),
 * else made to exist: the parent unfolded from its type, a choice renamed, a slice or reslice added.
 */
import type { ElementDefinition } from '../model/fhir.js';
import { formatSegment, parseId, type IdSegment } from './element-ids.js';
import type { WorkingSnapshot } from './working-snapshot.js';

export type Located = { element: ElementDefinition } | { element?: undefined; nearest: ElementDefinition; missing: string };

export interface LocateOptions {
  /** Gives an element its children (from its type, type profile, content reference or origin); false when it has none. */
  unfold(el: ElementDefinition): boolean;
}

/** The element the differential id (with the differential path, segment for segment) names, or the nearest that exists. */
export function locate(work: WorkingSnapshot, id: string, diff: ElementDefinition, opts: LocateOptions): Located | undefined {
  const segs = parseId(id);
  const pathSegs = diff.path.split('.');
  const root = work.get(formatSegment(segs[0]));
  if (!root) return undefined;
  let current = root;
  for (let i = 1; i < segs.length; i++) {
    const last = i === segs.length - 1;
    const next = findChild(work, current, segs[i], pathSegs[i]) ?? placeChild(work, current, segs[i], pathSegs[i], last ? diff : undefined, opts);
    if (!next) return { nearest: current, missing: segs.slice(i).map(formatSegment).join('.') };
    if (next.path.endsWith('[x]') && !pathSegs[i].endsWith('[x]')) followChoicePath(work, next, pathSegs[i], last ? diff : undefined);
    current = next;
  }
  return { element: current };
}

/**
 * An id that names a choice (`value[x]`) while the path restricts it (`valueDateTime`): the path decides,
 * as STU3 defines paths before ids. The id stays; the path and (unless the differential lists types) the
 * types follow.
 */
function followChoicePath(work: WorkingSnapshot, el: ElementDefinition, pathSeg: string, diff: ElementDefinition | undefined): void {
  const chosen = choiceType(el, pathSeg);
  if (!chosen) return;
  work.rename(el.id as string, el.id as string, `${el.path.slice(0, el.path.lastIndexOf('.'))}.${pathSeg}`);
  if (!diff?.type?.length) el.type = (el.type ?? []).filter((t) => t.code === chosen);
}

/** True for a choice element renamed to one of its types (`valueCode`, whatever its id spelling). */
export function isRenamedChoice(el: ElementDefinition): boolean {
  return !el.path.endsWith('[x]') && (el.base?.path ?? '').endsWith('[x]') && lastSegment(el.path) !== lastSegment(el.base?.path ?? '');
}

const lastSegment = (path: string) => path.slice(path.lastIndexOf('.') + 1);

/** The existing child of `parent` a segment names, under any spelling of a renamed choice. */
function findChild(work: WorkingSnapshot, parent: ElementDefinition, seg: IdSegment, pathSeg: string): ElementDefinition | undefined {
  const exact = work.get(`${parent.id}.${formatSegment(seg)}`);
  if (exact) return exact;
  const renamed = work.children(parent.id as string).filter(isRenamedChoice);
  // `valueCode`, `valueCode:valueCode`, `value[x]:valueCode`: the choice renamed to the type the path names.
  if (namesRenamedChoice(seg, pathSeg)) return renamed.find((c) => lastSegment(c.path) === pathSeg);
  // `value[x]` (path `value[x]`) once a base restricted the choice to one type: that one element.
  if (seg.slice === undefined && seg.name.endsWith('[x]') && pathSeg === seg.name) {
    const stem = seg.name.slice(0, -3);
    const candidates = renamed.filter((c) => lastSegment(c.base?.path ?? '') === seg.name && lastSegment(c.path).startsWith(stem));
    return candidates.length === 1 ? candidates[0] : undefined;
  }
  return undefined;
}

/** Whether a segment can only mean a choice renamed to the type its path segment names. */
function namesRenamedChoice(seg: IdSegment, pathSeg: string): boolean {
  if (pathSeg.endsWith('[x]')) return false;
  const nameFits = seg.name === pathSeg || (seg.name.endsWith('[x]') && pathSeg.startsWith(seg.name.slice(0, -3)));
  return nameFits && (seg.slice === undefined || seg.slice === pathSeg);
}

/** Makes the child a segment names exist under `parent`; undefined when the base has nothing it could be. */
function placeChild(work: WorkingSnapshot, parent: ElementDefinition, seg: IdSegment, pathSeg: string, diff: ElementDefinition | undefined, opts: LocateOptions): ElementDefinition | undefined {
  const parentId = parent.id as string;
  if (!work.hasChildren(parentId) && !opts.unfold(parent)) return undefined;
  const id = `${parentId}.${formatSegment(seg)}`;
  const found = findChild(work, parent, seg, pathSeg);
  if (found) return found;
  const choice = findChoice(work, parentId, seg, pathSeg);
  if (choice) {
    const chosen = pathSeg.endsWith('[x]') ? undefined : choiceType(choice, pathSeg);
    work.rename(choice.id as string, id, `${parent.path}.${pathSeg}`);
    const renamed = work.get(id);
    if (renamed && chosen && !diff?.type?.length) renamed.type = (renamed.type ?? []).filter((t) => t.code === chosen);
    return renamed;
  }
  if (seg.slice === undefined) return undefined;
  // A reslice (`a/b`) starts from, and follows, the slice it refines; a slice from its entry.
  const slash = seg.slice.lastIndexOf('/');
  const entry = findChild(work, parent, { name: seg.name, slice: slash < 0 ? undefined : seg.slice.slice(0, slash) }, pathSeg);
  if (!entry || entry.path !== `${parent.path}.${pathSeg}`) return undefined;
  const slice = structuredClone(work.original(entry.id as string) ?? entry);
  delete slice.slicing;
  slice.id = id;
  slice.sliceName = seg.slice;
  work.insertSlice(entry.id as string, slice);
  return work.get(id);
}

/** The unrenamed choice (`value[x]`) under `parent` a segment renames to one type. */
function findChoice(work: WorkingSnapshot, parentId: string, seg: IdSegment, pathSeg: string): ElementDefinition | undefined {
  return work.children(parentId).find((c) => {
    if (!c.path.endsWith('[x]')) return false;
    const name = lastSegment(c.path);
    // `value[x]:valueCode`, also with the path left at `value[x]` (as Forge writes some), or `value[x]` with path `valueCode`.
    if (seg.name === name) return (seg.slice !== undefined && choiceType(c, seg.slice) !== undefined) || pathSeg !== seg.name;
    return seg.name === pathSeg && choiceType(c, pathSeg) !== undefined;
  });
}

/** The type code a renamed choice (`valueCodeableConcept`) selects among the choice element's types. */
export function choiceType(choice: ElementDefinition, name: string): string | undefined {
  const stem = choice.path.slice(choice.path.lastIndexOf('.') + 1, -3);
  if (!name.startsWith(stem)) return undefined;
  const suffix = name.slice(stem.length);
  return (choice.type ?? []).map((t) => t.code).find((code) => code.charAt(0).toUpperCase() + code.slice(1) === suffix);
}
