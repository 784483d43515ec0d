/**
 * Unfolding: giving a snapshot element its children so a differential can constrain them. Children come,
 * in this order of preference, from the element's type profile (an extension or data-type profile), from a
 * `contentReference`, from the element it was copied from (a slice of a backbone element), or from its type.
 */
import type { ElementDefinition, StructureDefinition } from '../model/fhir.js';
import type { WorkingSnapshot } from './working-snapshot.js';

export interface ProfileResolver {
  resolve(ref: string): StructureDefinition | undefined;
}

interface ChildSource {
  rootId: string;
  rootPath: string;
  elements: ElementDefinition[];
  /** Record where each child was copied from (so its own children can be found the same way). */
  trackCopies: boolean;
}

export function unfoldChildren(work: WorkingSnapshot, el: ElementDefinition, profiles: ProfileResolver, base: StructureDefinition): boolean {
  const source = childSource(work, el, profiles, base);
  if (!source) return false;
  const copies = new Map<string, string>();
  const children = source.elements
    .filter((e) => e.path.startsWith(source.rootPath + '.'))
    .map((e) => {
      const clone = structuredClone(e);
      const srcId = e.id ?? e.path;
      clone.base ??= { path: e.path, min: e.min ?? 0, max: e.max ?? '*' };
      clone.path = el.path + e.path.slice(source.rootPath.length);
      clone.id = (el.id as string) + (srcId.startsWith(source.rootId) ? srcId.slice(source.rootId.length) : e.path.slice(source.rootPath.length));
      if (source.trackCopies) copies.set(clone.id, srcId);
      return clone;
    });
  if (children.length === 0) return false;
  work.insertChildren(work.indexOf(el.id as string), children, copies);
  return true;
}

function childSource(work: WorkingSnapshot, el: ElementDefinition, profiles: ProfileResolver, base: StructureDefinition): ChildSource | undefined {
  const types = el.type ?? [];
  const codes = [...new Set(types.map((t) => t.code))];
  const typeProfiles = [...new Set(types.map((t) => t.profile).filter((p): p is string => !!p))];
  if (codes.length === 1 && typeProfiles.length === 1) {
    // A profile of another type (a Reference's `profile` naming a Patient profile, where STU3 wants
    // `targetProfile`) says nothing about the element's children: they come from the type.
    const profile = profiles.resolve(typeProfiles[0]);
    const fromProfile = profile?.type === codes[0] ? snapshotSource(profile) : undefined;
    if (fromProfile) return fromProfile;
  }
  if (el.contentReference?.startsWith('#')) {
    const target = el.contentReference.slice(1);
    const elements = (base.snapshot?.element ?? []).filter((e) => e.path.startsWith(target + '.'));
    const root = (base.snapshot?.element ?? []).find((e) => e.path === target);
    return { rootId: root?.id ?? target, rootPath: target, elements, trackCopies: true };
  }
  const copied = work.originalChildrenSource(el.id as string);
  if (copied) return { ...copied, trackCopies: true };
  if (codes.length !== 1) return undefined;
  const typeDef = profiles.resolve(codes[0]);
  const source = typeDef && snapshotSource(typeDef);
  return source && typeDef?.kind === 'primitive-type' ? withInheritedMaxLength(source, typeDef, profiles) : source;
}

/**
 * A primitive that specialises another (code, id, markdown... from string) keeps the limits of the one it
 * derives from: its `value` gets the ancestor's maxLength (1048576 for strings) where its own snapshot,
 * which the STU3 publication leaves thin, does not say it.
 */
function withInheritedMaxLength(source: ChildSource, sd: StructureDefinition, profiles: ProfileResolver): ChildSource {
  let maxLength: number | undefined;
  const seen = new Set<string>([sd.url]);
  for (let base = sd.baseDefinition && profiles.resolve(sd.baseDefinition); base && maxLength === undefined && !seen.has(base.url); base = base.baseDefinition && profiles.resolve(base.baseDefinition)) {
    seen.add(base.url);
    maxLength = base.snapshot?.element.find((e) => e.path === `${base.type}.value`)?.maxLength;
  }
  if (maxLength === undefined) return source;
  const valuePath = `${source.rootPath}.value`;
  return { ...source, elements: source.elements.map((e) => (e.path === valuePath && e.maxLength === undefined ? { ...e, maxLength } : e)) };
}

function snapshotSource(sd: StructureDefinition): ChildSource | undefined {
  const elements = sd.snapshot?.element;
  if (!elements || elements.length === 0) return undefined;
  return { rootId: elements[0].id ?? elements[0].path, rootPath: elements[0].path, elements: elements.slice(1), trackCopies: false };
}
