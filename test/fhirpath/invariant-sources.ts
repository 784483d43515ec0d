/**
 * The invariants of the STU3 core and of the NHS corpus StructureDefinitions, each with the type contexts
 * the validator evaluates it in (the walker's context key for the element: a backbone path, else the
 * element's type, one per type of a choice element), in the form the validator evaluates (errata applied).
 */
import type { ElementDefinition, Resource, StructureDefinition } from '../../scripts/model/fhir.js';
import type { ElementModel } from '../../scripts/resolve/element-model.js';
import type { InvariantSpec } from '../../scripts/compile/fhirpath/index.js';
import { effectiveExpression } from '../../scripts/validate/invariants.js';

/** The validator's type contexts for an element of a StructureDefinition (empty when the model cannot place it). */
export function elementContexts(sd: StructureDefinition, element: ElementDefinition, model: ElementModel): string[] {
  const segments = element.path.split('.');
  let contexts = [sd.type ?? segments[0]];
  for (let i = 1; i < segments.length; i++) {
    const name = segments[i].replace(/\[x\]$/, '');
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const ctx of contexts) {
      const child = model.children(ctx)?.find((c) => c.name === name);
      if (!child) continue;
      if (child.inlineContext) next.push(child.inlineContext);
      else {
        const allowed = last && element.type?.length ? new Set(element.type.map((t) => t.code)) : undefined;
        for (const t of child.types) if (!allowed || allowed.has(t)) next.push(t);
      }
    }
    contexts = [...new Set(next)];
  }
  return contexts;
}

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
