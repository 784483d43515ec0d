/**
 * The invariants a package's validators evaluate, for the build summary: the constraints of its profiles'
 * snapshots, and those of the core types its elements use (transitively: a HumanName's Period brings
 * per-1), each with the type contexts the validator evaluates it in (a backbone path, else the element's
 * type, one per type of a choice element).
 */
import type { ElementDefinition, ElementDefinitionConstraint, StructureDefinition } from '../../model/fhir.js';
import type { ElementModel } from '../../resolve/element-model.js';
import type { InvariantSpec } from './index.js';

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

/** The expression evaluated for a constraint (the validator's errata applied), undefined for none. */
export type ExpressionOf = (constraint: ElementDefinitionConstraint) => string | undefined;

/** Every constraint with an expression of one StructureDefinition's snapshot, per type context. */
export function definitionInvariants(sd: StructureDefinition, model: ElementModel, expressionOf: ExpressionOf): InvariantSpec[] {
  const out: InvariantSpec[] = [];
  for (const element of sd.snapshot?.element ?? []) {
    const constraints = (element.constraint ?? []).filter((c) => expressionOf(c));
    if (constraints.length === 0) continue;
    for (const context of elementContexts(sd, element, model)) for (const c of constraints) out.push({ key: c.key, expression: expressionOf(c) as string, context });
  }
  return out;
}

/** The invariants of a package: its profiles', and those of every core type and type profile their elements use, transitively. */
export function packageInvariants(profiles: Iterable<StructureDefinition>, model: ElementModel, expressionOf: ExpressionOf): InvariantSpec[] {
  const out: InvariantSpec[] = [];
  const seen = new Set<string>();
  const queue: string[] = [];
  const enqueue = (code: string | undefined) => {
    if (typeof code !== 'string' || seen.has(code)) return;
    seen.add(code);
    queue.push(code);
  };
  const use = (sd: StructureDefinition) => {
    // A type profile's constraints (sqty-1 of SimpleQuantity) apply where an element uses it, in the type's context.
    for (const element of sd.snapshot?.element ?? [])
      for (const t of element.type ?? []) {
        enqueue(t.code);
        enqueue(t.profile);
      }
  };
  for (const profile of profiles) {
    out.push(...definitionInvariants(profile, model, expressionOf));
    enqueue(profile.type);
    use(profile);
  }
  while (queue.length > 0) {
    const sd = model.definition(queue.shift() as string);
    if (!sd) continue;
    out.push(...definitionInvariants(sd, model, expressionOf));
    use(sd);
  }
  return out;
}
