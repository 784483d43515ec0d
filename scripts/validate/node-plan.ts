/**
 * Plans of the semantic walk: what the walk does at one element of a profile, seen as one type in one
 * type context, decided once per validator rather than at every node of every payload. A plan holds the
 * element's invariants bound to their evaluators, which value checks apply (binding, Coding, narrative,
 * reference), where its children are defined, the slices that must be present, and, per JSON property
 * met, the child element it answers to with that child's own plan. The walk (semantic.ts) then follows
 * plans from property to property: no lookups in the snapshot, the element model or the constraint
 * tables while it checks a payload.
 *
 * Plans depend on the definitions only (never on a payload or on the options of one call), so they are
 * kept per definition source, for the validator's life, and shared by every payload and option set.
 */
import type { StructureDefinition } from '../model/fhir.js';
import type { ElementModel, ResolvedProperty } from '../resolve/element-model.js';
import type { ValueSetExpander } from '../terminology/value-set-expansion.js';
import { prepareBinding, type PreparedBinding } from './bindings.js';
import { checksObjectsOnly, type BoundInvariant, type InvariantEngine } from './invariants.js';
import { referenceTargets } from './references.js';
import { nodeConstraints } from './node-constraints.js';
import { childFor, childIndex, contentReferenceTarget, profileTree, type ProfileNode } from './profile-tree.js';
import { typeLineage } from './extension-context.js';
import type { SliceTest } from './slicing.js';
import type { WalkScope } from './slice-navigation.js';

type Profiles = (ref: string) => StructureDefinition | undefined;

/** What plans are made from: the definitions of one validator. */
export interface PlanSource {
  readonly profiles: Profiles;
  readonly model: ElementModel;
  readonly invariants: InvariantEngine;
  readonly expander: ValueSetExpander;
}

/** One JSON property of a node: the child element it answers to, and how its items are walked. */
export interface PropertyPlan {
  readonly prop: ResolvedProperty;
  /** `.name`: what the property adds to its holder's location (made once, so that a location is one concatenation). */
  readonly dot: string;
  /** The child element; undefined when the profile has none for this property (then `wrongChoice` says whether that is an issue). */
  readonly child: ProfileNode | undefined;
  /** A choice property whose type the profile does not allow (`valueString` where only `valueCode` is). */
  readonly wrongChoice: boolean;
  /** The child is sliced: items are assigned to slices first. */
  readonly sliced: boolean;
  /** `extension` or `modifierExtension`: items no slice claims are walked against the definition their url names. */
  readonly extension: boolean;
  /** Items are whole resources (contained, Bundle entries), walked against their own profiles. */
  readonly resource: boolean;
  /** The plan of an item walked against the child element itself. */
  item(): NodePlan;
  /** item()'s plan once made (read directly by the walk: a call through a different closure per property costs more than the check). */
  itemPlan: NodePlan | undefined;
  /** primitiveInert()'s answer once asked. */
  inert: boolean | undefined;
  /** The plan of an item a slice claimed. */
  slice(node: ProfileNode): NodePlan;
  /**
   * Whether a value of this property that is not an object (a string, number, boolean, null) has nothing
   * to check in the semantic layer: a child element that is not sliced, an extension or a resource, whose
   * plan has no binding, reference, Coding or narrative check and no invariant that holds on such values.
   * Most leaves of a payload are such: the walk passes them without making their location.
   */
  primitiveInert(): boolean;
  /** Generated tests of the slices (walk-codegen.ts), by slice index; null where a slice has none. */
  sliceTests: ReadonlyArray<SliceTest | null> | undefined;
}

export interface NodePlan {
  readonly node: ProfileNode;
  readonly type: string | undefined;
  /** The element model's context the node's properties are read in (`Patient`, `Patient.contact`, `HumanName`). */
  readonly ctxKey: string;
  /** The invariants evaluated on the node (the element's, its contentReference target's, its type's). */
  readonly invariants: readonly BoundInvariant[];
  /** Every one of them holds on a value that is not a JSON object (ele-1 on a primitive): they are evaluated on objects only. */
  readonly invariantsOnObjects: boolean;
  /** The target profiles of a Reference node (undefined: the node is not a Reference). */
  readonly referenceTargets: readonly string[] | undefined;
  /** The element's binding, prepared for the node's type (undefined: nothing to check). */
  readonly binding: PreparedBinding | undefined;
  /** The element covered by the compiled structure schema (see SemanticContext.compiledProfile). */
  readonly compiled: boolean;
  /** Where the node's children are defined (the snapshot, a contentReference, a type profile or the type); undefined: none are walked. */
  readonly source: ProfileNode | undefined;
  /** Children with slices of min >= 1, checked when the property is absent. */
  readonly requiredSlices: readonly ProfileNode[];
  /** The paths an extension's context may name this element by (its own and its base's). */
  readonly elementPaths: readonly string[];
  /** The node's type and the types it derives from, for extension contexts. */
  readonly types: readonly string[];
  /** The plan of one JSON property (undefined: not an element of the node's context). */
  property(key: string): PropertyPlan | undefined;
  /** The properties `property` has answered, by JSON name (null: an element name with no plan), read first by the walk. */
  readonly known: ReadonlyMap<string, PropertyPlan | null>;
  /** The plan as generated code (walk-codegen.ts), once made or linked. */
  walk: WalkFunction | undefined;
  /** How many times the plan was interpreted (code is generated for the plans walked often, walk-module.ts). */
  visits: number;
}

/** What generated code calls back into: the walker's checks that need the definitions at run time. */
export interface WalkHooks {
  /** Invariants are evaluated in this walk (an option of the call). */
  readonly inv: boolean;
  tick(): void;
  invariants(plan: NodePlan, value: unknown, location: string, scope: WalkScope): void;
  binding(plan: NodePlan, value: unknown, location: string): void;
  coding(value: unknown, location: string): void;
  narrative(value: unknown, location: string): void;
  reference(plan: NodePlan, value: unknown, location: string, scope: WalkScope): void;
  primitiveExtensions(value: unknown, location: string, ctxKey: string, name: string, scope: WalkScope): void;
  /** `key`: a choice name the profile does not allow. */
  wrongChoice(plan: NodePlan, key: string, location: string): void;
  /** `holderLocation`: the element holding the extensions; `location`: the extension property's. */
  extensionContexts(plan: NodePlan, holder: Record<string, unknown>, value: unknown, holderLocation: string, location: string, scope: WalkScope): void;
  /** A property walked as the interpreter walks it (sliced, extensions, resources). */
  property(plan: NodePlan, property: PropertyPlan, value: unknown, location: string, scope: WalkScope): void;
  /** A plan with no function in this module: walked by the walker (its function, else interpreted). */
  visit(plan: NodePlan, value: unknown, location: string, scope: WalkScope): void;
  missingSlices(plan: NodePlan, value: Record<string, unknown>, location: string): void;
}

export type WalkFunction = (value: unknown, location: string, scope: WalkScope, hooks: WalkHooks) => void;

const planners = new WeakMap<Profiles, NodePlanner>();

/** The planner of a validator's definitions (one per definition source, shared by its option sets). */
export function plannerFor(source: PlanSource): NodePlanner {
  let planner = planners.get(source.profiles);
  if (!planner) planners.set(source.profiles, (planner = new NodePlanner(source)));
  return planner;
}

export class NodePlanner {
  private readonly plans = new WeakMap<ProfileNode, Map<string, NodePlan>>();
  private readonly extensions = new WeakMap<ProfileNode, NodePlan>();
  private readonly roots = new WeakMap<ProfileNode, [NodePlan | undefined, NodePlan | undefined]>();

  /**
   * Code made ahead for these plans (a build's walk module), linked when a plan is first walked often:
   * a run that validates one payload pays nothing for it (see Validator.attachWalk).
   */
  private deferred: (() => void) | undefined;

  constructor(private readonly source: PlanSource) {}

  defer(link: () => void): void {
    this.deferred = link;
  }

  /** Links the code made ahead, once. */
  linkDeferred(): void {
    const link = this.deferred;
    this.deferred = undefined;
    link?.();
  }

  /** The plan of a node walked as `type` in context `ctxKey`; `compiled`: covered by the compiled schema. */
  plan(node: ProfileNode, type: string | undefined, ctxKey: string, compiled: boolean): NodePlan {
    let byKey = this.plans.get(node);
    if (!byKey) this.plans.set(node, (byKey = new Map()));
    const key = `${compiled ? 1 : 0}|${type ?? ''}|${ctxKey}`;
    let plan = byKey.get(key);
    if (!plan) byKey.set(key, (plan = this.make(node, type, ctxKey, compiled)));
    return plan;
  }

  /** The plan of a resource profile's root (walked as the profile's type), looked up once per resource: kept by node alone. */
  root(node: ProfileNode, compiled: boolean): NodePlan {
    let pair = this.roots.get(node);
    if (!pair) this.roots.set(node, (pair = [undefined, undefined]));
    const i = compiled ? 1 : 0;
    return (pair[i] ??= this.plan(node, node.profile.type, node.profile.type, compiled));
  }

  /** The plan of an extension walked against a node (its definition's root, or the element holding it): the walk's most frequent lookup, kept by node alone. */
  extension(node: ProfileNode): NodePlan {
    let plan = this.extensions.get(node);
    if (!plan) this.extensions.set(node, (plan = this.plan(node, 'Extension', 'Extension', false)));
    return plan;
  }

  /** Where a node's children come from: the snapshot, else its contentReference, type profile or type definition. */
  childSource(node: ProfileNode, type: string | undefined): ProfileNode | undefined {
    if (node.children.length > 0) return node;
    if (node.def.contentReference) return contentReferenceTarget(node);
    if (!type || this.source.model.isPrimitive(type)) return undefined;
    const profiled = node.def.type?.find((t) => t.code === type && t.profile)?.profile;
    const sd = (profiled && this.source.profiles(profiled)) || this.source.profiles(type);
    return sd ? profileTree(sd)?.root : undefined;
  }

  private make(node: ProfileNode, type: string | undefined, ctxKey: string, compiled: boolean): NodePlan {
    const { profiles, model, invariants, expander } = this.source;
    const bound = nodeConstraints(node, type, ctxKey, profiles, model)
      .map(({ constraint, base }) => invariants.bind(constraint, base))
      .filter((b): b is BoundInvariant => b !== undefined);
    const source = this.childSource(node, type);
    const childrenCompiled = compiled && source !== undefined && schemaFollows(node, type);
    const properties = new Map<string, PropertyPlan | null>();
    return {
      node,
      type,
      ctxKey,
      invariants: bound,
      invariantsOnObjects: bound.every(checksObjectsOnly),
      referenceTargets: type === 'Reference' ? referenceTargets(node.def) : undefined,
      binding: node.def.binding && type ? prepareBinding(node.def.binding, type, expander, { compiled, profile: node.profile }) : undefined,
      compiled,
      source,
      requiredSlices: source ? childIndex(source).requiredSlices : [],
      elementPaths: elementPaths(node),
      types: typeLineage(type, profiles),
      walk: undefined,
      visits: 0,
      known: properties,
      property: (key) => {
        let plan = properties.get(key);
        if (plan === undefined) {
          plan = (source && this.property(source, ctxKey, key, childrenCompiled)) || null;
          // Only the element model's own names are kept: a payload's unknown keys (the structure layer's to
          // report) would otherwise grow the plan with every new one for the validator's life.
          if (plan || model.property(ctxKey, key)) properties.set(key, plan);
        }
        return plan ?? undefined;
      },
    };
  }

  private property(source: ProfileNode, ctxKey: string, key: string, compiled: boolean): PropertyPlan | undefined {
    const prop = this.source.model.property(ctxKey, key);
    if (!prop) return undefined;
    const found = childFor(source, key, prop.element.name);
    const mismatch = found !== undefined && prop.element.choice && prop.type !== undefined && (found.def.type?.length ?? 0) > 0 && !found.def.type?.some((t) => t.code === prop.type);
    const child = mismatch ? undefined : found;
    const itemCtx = prop.context ?? prop.type ?? '';
    const childCompiled = compiled && child?.def.sliceName === undefined;
    const slices = new Map<ProfileNode, NodePlan>();
    const sliced = child !== undefined && child.def.slicing !== undefined && child.slices.length > 0;
    const extension = key === 'extension' || key === 'modifierExtension';
    const resource = prop.content === 'resource';
    const plan: PropertyPlan = {
      prop,
      dot: `.${key}`,
      child,
      wrongChoice: child === undefined && prop.element.choice,
      sliced,
      extension,
      resource,
      itemPlan: undefined,
      inert: undefined,
      item: () => (plan.itemPlan ??= this.plan(child as ProfileNode, prop.type, itemCtx, childCompiled)),
      primitiveInert: () => (plan.inert ??= child !== undefined && !sliced && !extension && !resource && checksNothingOnPrimitives(plan.item())),
      slice: (slice) => {
        let made = slices.get(slice);
        if (!made) slices.set(slice, (made = this.plan(slice, prop.type, itemCtx, false)));
        return made;
      },
      sliceTests: undefined,
    };
    return plan;
  }
}

/**
 * The paths an extension's context may name a node by: its own, its base element's, and for an element that
 * reuses another's definition (`contentReference`) that element's (`CodeSystem.concept.concept` is a
 * `CodeSystem.concept`, at any depth: HL7's own code systems put CodeSystem.concept extensions there).
 */
function elementPaths(node: ProfileNode): string[] {
  const out = [node.def.path];
  const target = contentReferenceTarget(node);
  for (const path of [node.def.base?.path, target?.def.path, target?.def.base?.path]) if (path && !out.includes(path)) out.push(path);
  return out;
}

function checksNothingOnPrimitives(plan: NodePlan): boolean {
  return !plan.binding && !plan.referenceTargets && plan.type !== 'Coding' && plan.type !== 'xhtml' && (plan.invariants.length === 0 || plan.invariantsOnObjects);
}

/**
 * Whether the compiled schema describes a node's children as the walk does: the profile's own children
 * (not under a choice, which the schema leaves to the base type), or the base definition of its type;
 * not a contentReference or a type profile, which the schema does not follow.
 */
function schemaFollows(node: ProfileNode, type: string | undefined): boolean {
  if (node.children.length > 0) return !node.choice;
  if (node.def.contentReference) return false;
  return !node.def.type?.some((t) => t.code === type && t.profile);
}
