/** Last touches on a generated snapshot: slicing defaults on slice entries, and `base` on every element. */
import type { ElementDefinition } from '../model/fhir.js';
import { sliceEntryId } from './element-ids.js';

/** Every sliced element carries `slicing`; extensions default to slicing by url. `ordered` defaults to false, `rules` to open. */
export function applySlicingDefaults(elements: ElementDefinition[]): void {
  const byId = new Map(elements.map((e) => [e.id as string, e]));
  for (const el of elements) {
    if (!el.sliceName) continue;
    const entry = byId.get(sliceEntryId(el.id as string) ?? '');
    if (!entry || entry.slicing) continue;
    const isExtension = /\.(extension|modifierExtension)$/.test(entry.path);
    entry.slicing = isExtension ? { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' } : { rules: 'open' };
  }
  for (const el of elements) {
    if (!el.slicing) continue;
    el.slicing.ordered ??= false;
    el.slicing.rules ??= 'open';
  }
}

export function fillBase(elements: ElementDefinition[]): void {
  for (const el of elements) el.base ??= { path: el.path, min: el.min ?? 0, max: el.max ?? '*' };
}
