/**
 * The invariants of the STU3 core and of the NHS corpus StructureDefinitions, each with the type contexts
 * the validator evaluates it in (the walker's context key for the element: a backbone path, else the
 * element's type, one per type of a choice element), in the form the validator evaluates (errata applied).
 */
import type { Resource, StructureDefinition } from '../../scripts/model/fhir.js';
import { elementContexts } from '../../scripts/compile/fhirpath/package-invariants.js';
import type { ElementModel } from '../../scripts/resolve/element-model.js';
import type { InvariantSpec } from '../../scripts/compile/fhirpath/index.js';
import { effectiveExpression } from '../../scripts/validate/invariants.js';

export interface SourcedInvariant extends InvariantSpec {
  source: 'core' | 'corpus';
}

/** Every constraint with an expression on every element of the StructureDefinitions' snapshots, once per (key, context, expression). */
export function collectInvariants(resources: Iterable<Resource>, source: SourcedInvariant['source'], model: ElementModel): SourcedInvariant[] {
  const out = new Map<string, SourcedInvariant>();
  for (const r of resources) {
    if (r.resourceType !== 'StructureDefinition') continue;
    const sd = r as StructureDefinition;
    for (const element of sd.snapshot?.element ?? []) {
      const constraints = (element.constraint ?? []).filter((c) => c.expression);
      if (constraints.length === 0) continue;
      for (const context of elementContexts(sd, element, model))
        for (const c of constraints) {
          const expression = effectiveExpression(c) as string;
          const key = `${c.key}|${context}|${expression}`;
          if (!out.has(key)) out.set(key, { key: c.key, expression, context, source });
        }
    }
  }
  return [...out.values()];
}
