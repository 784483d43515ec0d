/**
 * The invariants that apply to one node of a walk: the element's own constraints, those of the element a
 * `contentReference` points at (cmp-1 on `Composition.section.section`), and those of the node's data type
 * (per-1 on every Period, ext-1 on every Extension, sqty-1 through a SimpleQuantity type profile), whether or
 * not the snapshot copied them into the element. A constraint that arrives by several of these ways (a
 * snapshot that copies the type's constraints with their `source`, as Forge does) is evaluated once.
 */
import type { ElementDefinitionConstraint, StructureDefinition } from '../model/fhir.js';
import { FHIR_TYPE_BASE, type ElementModel } from '../resolve/element-model.js';
import { contentReferenceTarget, profileTree, type ProfileNode } from './profile-tree.js';

/** A constraint with the type context its expression is compiled in (`Period`, `Composition.section`). */
export interface ScopedConstraint {
  readonly constraint: ElementDefinitionConstraint;
  readonly base: string;
}

type Profiles = (ref: string) => StructureDefinition | undefined;

/**
 * The constraints to evaluate on a node walked as `type` in type context `ctxKey`. Not cached here: the
 * walk asks once per plan (node-plan.ts), and keeps the answer with the plan.
 */
export function nodeConstraints(node: ProfileNode, type: string | undefined, ctxKey: string, profiles: Profiles, model: ElementModel): ScopedConstraint[] {
  const out = new ConstraintSet();
  out.addAll(node.def.constraint, ctxKey, node.profile.url);
  const target = contentReferenceTarget(node);
  if (target) out.addAll(target.def.constraint, ctxKey, node.profile.url);
  // Primitive types carry only ele-1, which holds for every primitive value; resources are walked from their own root.
  if (type && !model.isPrimitive(type) && !model.isResourceType(type)) {
    for (const t of node.def.type ?? []) {
      if (t.code !== type || !t.profile) continue;
      const root = rootOf(profiles(t.profile));
      if (root) out.addAll(root.def.constraint, type, root.profile.url);
    }
    const root = rootOf(profiles(type));
    if (root) out.addAll(root.def.constraint, type, root.profile.url);
  }
  return out.list;
}

function rootOf(sd: StructureDefinition | undefined): ProfileNode | undefined {
  return sd ? profileTree(sd)?.root : undefined;
}

/**
 * Constraints by identity: the same key with the same expression, or with the same defining source (a
 * constraint's `source`, else the StructureDefinition it was found in), is one constraint.
 */
class ConstraintSet {
  readonly list: ScopedConstraint[] = [];
  private readonly seen = new Map<string, Array<{ expression: string | undefined; source: string }>>();

  addAll(constraints: readonly ElementDefinitionConstraint[] | undefined, base: string, definedIn: string): void {
    for (const c of constraints ?? []) this.add(c, base, definedIn);
  }

  private add(constraint: ElementDefinitionConstraint, base: string, definedIn: string): void {
    const source = canonicalSource(constraint.source ?? definedIn);
    let known = this.seen.get(constraint.key);
    if (!known) this.seen.set(constraint.key, (known = []));
    if (known.some((k) => k.source === source || (k.expression !== undefined && k.expression === constraint.expression))) return;
    known.push({ expression: constraint.expression, source });
    this.list.push({ constraint, base });
  }
}

/** `Period` and `http://hl7.org/fhir/StructureDefinition/Period` name the same source. */
function canonicalSource(source: string): string {
  return source.includes(':') ? source : FHIR_TYPE_BASE + source;
}
