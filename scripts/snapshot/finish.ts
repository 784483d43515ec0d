/** Last touches on a generated snapshot: slicing inherited or defaulted, and `base` on every element. */
import type { ElementDefinition, StructureDefinition } from '../model/fhir.js';
import { sliceEntryId } from './element-ids.js';

/**
 * Every sliced element carries `slicing`. An element whose original definition declares slicing keeps it
 * (STU3 declares url slicing on `Element.extension` and `DomainResource.extension`/`modifierExtension`,
 * so every such list in a snapshot says so, as Forge and the IG Publisher show it). `ordered` defaults to
 * false, `rules` to open.
 */
export function applySlicingDefaults(elements: ElementDefinition[], resolveType: (type: string) => StructureDefinition | undefined): void {
  const byId = new Map(elements.map((e) => [e.id as string, e]));
  for (const el of elements) {
    if (el.sliceName) {
      const entry = byId.get(sliceEntryId(el.id as string) ?? '');
      if (entry && !entry.slicing) entry.slicing = inheritedSlicing(entry, resolveType) ?? { rules: 'open' };
    } else if (!el.slicing) {
      const inherited = inheritedSlicing(el, resolveType);
      if (inherited) el.slicing = inherited;
    }
  }
  for (const el of elements) {
    if (!el.slicing) continue;
    el.slicing.ordered ??= false;
    el.slicing.rules ??= 'open';
  }
}

/** The slicing declared on the element's original definition (`base.path` in the type that defines it). */
function inheritedSlicing(el: ElementDefinition, resolveType: (type: string) => StructureDefinition | undefined): ElementDefinition['slicing'] {
  const basePath = el.base?.path;
  if (!basePath || basePath === el.path) return undefined;
  const definer = resolveType(basePath.split('.')[0]);
  const original = definer?.snapshot?.element.find((e) => e.path === basePath && !e.sliceName);
  return original?.slicing ? structuredClone(original.slicing) : undefined;
}

export function fillBase(elements: ElementDefinition[]): void {
  for (const el of elements) el.base ??= { path: el.path, min: el.min ?? 0, max: el.max ?? '*' };
}
