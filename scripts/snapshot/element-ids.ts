/**
 * STU3 element ids: `Path.to.element:sliceName.child`. A segment is `name` or `name:slice`;
 * renamed choice elements keep the form the author used (`value[x]:valueCode` or `valueCode:valueCode`).
 */
import type { ElementDefinition } from '../model/fhir.js';

export interface IdSegment {
  name: string;
  slice?: string;
}

export function parseId(id: string): IdSegment[] {
  return splitSegments(id).map((seg) => {
    const colon = seg.indexOf(':');
    return colon < 0 ? { name: seg } : { name: seg.slice(0, colon), slice: seg.slice(colon + 1) };
  });
}

export function formatSegment(seg: IdSegment): string {
  return seg.slice === undefined ? seg.name : `${seg.name}:${seg.slice}`;
}

export function joinId(segments: IdSegment[]): string {
  return segments.map(formatSegment).join('.');
}

/** Splits an id into its dot-separated segments (slice names never hold dots). */
function splitSegments(id: string): string[] {
  return id.split('.');
}

/** The id of the parent element (drops the last segment). */
export function parentId(id: string): string {
  const segs = parseId(id);
  return joinId(segs.slice(0, -1));
}

/** The id of the unsliced element a slice belongs to (`A.b:s` -> `A.b`), or undefined for an unsliced id. */
export function sliceEntryId(id: string): string | undefined {
  const segs = parseId(id);
  const last = segs[segs.length - 1];
  if (last.slice === undefined) return undefined;
  return joinId([...segs.slice(0, -1), { name: last.name }]);
}

/**
 * Gives every differential element an id. Elements that carry one that fits their path keep it; others get
 * one from their path and the slice context built up in document order (STU3 differentials need not carry
 * ids, and some carry one that is not the full path: `onIdNotFitting` hears of those).
 */
export function assignDifferentialIds(elements: ElementDefinition[], onIdNotFitting: (el: ElementDefinition, index: number) => void = () => {}): string[] {
  const current = new Map<string, string>(); // path -> id of the latest element with that path
  return elements.map((el, index) => {
    let id = el.id;
    if (id && !idFitsPath(id, el.path)) {
      onIdNotFitting(el, index);
      id = undefined;
    }
    if (!id) {
      const path = el.path;
      const dot = path.lastIndexOf('.');
      const parentPath = dot < 0 ? '' : path.slice(0, dot);
      const last = dot < 0 ? path : path.slice(dot + 1);
      const parent = parentPath ? current.get(parentPath) ?? parentPath : '';
      id = (parent ? `${parent}.` : '') + last + (el.sliceName ? `:${el.sliceName}` : '');
    }
    current.set(el.path, id);
    // A new element at a path forgets deeper slice context under it.
    for (const key of [...current.keys()]) if (key.startsWith(el.path + '.')) current.delete(key);
    return id;
  });
}

/**
 * True when an id names its path segment for segment (ignoring the root's name, which a profile on another
 * type may spell its own way): each name is the path's, or the choice (`value[x]`) the path renames.
 */
export function idFitsPath(id: string, path: string): boolean {
  const segs = parseId(id);
  const names = path.split('.');
  if (segs.length !== names.length) return false;
  return segs.every((seg, i) => i === 0 || seg.name === names[i] || (seg.name.endsWith('[x]') && names[i].startsWith(seg.name.slice(0, -3))) || (names[i].endsWith('[x]') && seg.name.startsWith(names[i].slice(0, -3))));
}

/** True when `id` is `ancestor` itself or lies beneath it (as a child, one of its slices, or a reslice of it). */
export function isWithin(id: string, ancestor: string): boolean {
  return id === ancestor || id.startsWith(ancestor + '.') || id.startsWith(ancestor + ':') || id.startsWith(ancestor + '/');
}

/** True when `id` is a descendant (child, grandchild...) of `ancestor` in the element tree (slices excluded). */
export function isDescendant(id: string, ancestor: string): boolean {
  return id.startsWith(ancestor + '.');
}
