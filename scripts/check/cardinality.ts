/**
 * Cardinalities no instance can meet: a snapshot element whose min is above its max (a differential with
 * min 1 and max 0, or a max below the base's min). The build reports it through the profile checks
 * (`profile.min-above-max`, on each merge); the `snapshot` command, which runs no checks of its own, asks
 * this of each snapshot it writes.
 */
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import type { StructureDefinition } from '../model/fhir.js';
import { maxToNumber } from '../snapshot/merge-rules.js';

/** Reports each snapshot element of `sd` whose min is above its max, as an error located in `file`. */
export function reportImpossibleCardinalities(sd: StructureDefinition, file: string, diagnostics: Diagnostics): void {
  sd.snapshot?.element.forEach((e, i) => {
    if ((e.min ?? 0) > maxToNumber(e.max))
      diagnostics.error('snapshot.min-above-max', `${e.id ?? e.path}: min ${e.min} is above max ${e.max}: no instance can have it`, { file, path: `StructureDefinition.snapshot.element[${i}]` });
  });
}
