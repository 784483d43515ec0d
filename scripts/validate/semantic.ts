/**
 * Semantic validation (what JSON Schema cannot say well): a resource walked alongside a profile's snapshot,
 * element by element, with choice types, arrays, backbone elements and datatypes (unfolded from their
 * definitions through the element model where the snapshot does not unfold them). Per element: slicing
 * (slicing.ts), extensions by URL against their own definitions and their context (extension-context.ts),
 * bindings (bindings.ts), codes against held code systems (codings.ts), FHIRPath invariants
 * (node-constraints.ts, invariants.ts), references (references.ts); per resource, the rules of its type as
 * a whole (resource-rules.ts: a QuestionnaireResponse against its Questionnaire); contained resources and
 * Bundle entries are validated recursively against their `meta.profile` or their base type. Every issue has
 * a FHIRPath location, and those of the rule table (policy.ts) its rule id.
 */
import { claimedProfiles, type Resource, type StructureDefinition } from '../model/fhir.js';
import type { Budget } from '../util/limits.js';
import { checkCoding } from './codings.js';
import { checkExtensionContext, typeLineage, type ExtensionHolder } from './extension-context.js';
import type { InvariantRun } from './invariants.js';
import type { ValidationIssue } from './issues.js';
import { plannerFor, type NodePlan, type NodePlanner, type PropertyPlan, type WalkFunction, type WalkHooks } from './node-plan.js';
import { ruleIssue } from './policy.js';
import { RESOURCE_RULES } from './resource-rules.js';
import { profileTree, type ProfileNode } from './profile-tree.js';
import { bundleScope, checkReferenceTo, containedScope, type BundleScope, type ReferenceScope } from './references.js';
import type { SemanticContext } from './semantic-context.js';
import { SliceNavigator, type SliceWalker, type TrialWalker, type WalkScope } from './slice-navigation.js';
import { MAX_NESTED_VERDICTS, TargetConformance } from './target-conformance.js';
import { ElementHolder, logicalPath } from './element-holder.js';
import { choiceTypeIssues } from './choice-type.js';
import { assignSlices, sliceTests, type SliceOracle } from './slicing.js';
import { checkNarrativeDiv } from './xml-narrative.js';
import { isObject } from '../util/values.js';
import { indexSuffix } from '../util/text.js';
import { compilePlan, packageWalkSource } from './walk-module.js';


/**
 * One payload's walk: where its issues go (the caller's array, so that those found before a limit stops
 * the walk are kept) and its budget (issues and time, scripts/util/limits.ts). Absent: a fresh array, no
 * limits.
 */
export interface WalkRun {
  issues: ValidationIssue[];
  budget?: Budget;
}

/** Validates a resource against a profile (with snapshot). `location` prefixes every issue (default: the resource type). */
export function validateSemantics(resource: Resource, profile: StructureDefinition, ctx: SemanticContext, location: string = resource.resourceType, run?: WalkRun): ValidationIssue[] {
  const walker = new SemanticWalker(ctx, run);
  walker.resource(resource, [profile], location, undefined);
  return walker.issues;
}

/** The generated walk of a package's profiles (resource profiles and extensions), as the module the build emits (walk-module.ts). */
export function packageWalk(profiles: readonly StructureDefinition[], ctx: SemanticContext): string {
  return new SemanticWalker(ctx).moduleSource(profiles);
}

/** Validates a resource against the profiles its `meta.profile` claims (those that resolve), else its base type. */
export function validateClaimed(resource: Resource, ctx: SemanticContext, location: string = resource.resourceType, run?: WalkRun): ValidationIssue[] {
  const walker = new SemanticWalker(ctx, run);
  walker.resource(resource, walker.profilesFor(resource, location), location, undefined);
  return walker.issues;
}

/**
 * The walk: plans followed by generated code where the plan has some (walk-codegen.ts; the hooks below are
 * what that code calls back), else interpreted here.
 */
export class SemanticWalker implements SliceWalker, WalkHooks {
  readonly issues: ValidationIssue[];
  private readonly navigator: SliceNavigator;
  private readonly budget: Budget | undefined;
  /** This payload's share of the invariant engine (see InvariantRun). */
  private readonly invariantRun: InvariantRun;
  /** Plans of the definitions' elements, shared by every walk over the same definitions. */
  private readonly planner: NodePlanner;
  /** Invariants are evaluated (the call's option), read by generated code. */
  readonly inv: boolean;
  private readonly compiledWalk: boolean;
  /**
   * Made when first needed, as is `conformance`: a walker is made for every payload, most of which meet
   * neither slicing nor a profiled reference target.
   */
  private nodeAtFn: ((slice: ProfileNode, path: string) => ProfileNode | undefined) | undefined;
  private lastOracle: { scope: WalkScope; oracle: SliceOracle } | undefined;

  /**
   * `counts`: issues found here are reported (a trial walk's are not, and spend nothing but time).
   * `shared`: the payload's verdicts on targets and profiles they do not claim, shared with its trial walks.
   */
  constructor(
    private readonly ctx: SemanticContext,
    run?: WalkRun,
    private readonly counts = true,
    private shared?: TargetConformance,
  ) {
    this.issues = run?.issues ?? [];
    this.budget = run?.budget;
    this.invariantRun = { reported: new Set(), budget: this.budget, compiled: ctx.options.compiledInvariants };
    this.navigator = new SliceNavigator(ctx, this);
    this.planner = plannerFor(ctx);
    this.inv = ctx.options.invariants;
    this.compiledWalk = ctx.options.compiledWalk;
  }

  /** The payload's verdicts on targets and profiles they do not claim (also what reference checks ask of target profiles). */
  private get conformance(): TargetConformance {
    return (this.shared ??= new TargetConformance(this.ctx, this));
  }

  private get nodeAt(): (slice: ProfileNode, path: string) => ProfileNode | undefined {
    return (this.nodeAtFn ??= (slice, path) => this.navigator.nodeAt(slice, path));
  }

  /** See packageWalk: the roots are the plans a walk enters a package's profiles by. */
  moduleSource(profiles: readonly StructureDefinition[]): string {
    const sorted = [...profiles].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
    const roots = sorted.flatMap((sd) => {
      const root = profileTree(sd)?.root;
      if (!root) return [];
      if (sd.type === 'Extension') return [this.planner.extension(root)];
      return sd.kind === 'resource' ? [this.planner.root(root, this.ctx.compiledProfile?.(sd) ?? false)] : [];
    });
    return packageWalkSource(roots, { model: this.ctx.model, nodeAt: this.nodeAt }, new Set(sorted.map((sd) => sd.url)));
  }

  /** A fresh walker over the same definitions, to try a value against a slice without reporting (same time budget). */
  trial(): TrialWalker {
    return new SemanticWalker(this.ctx, { issues: [], budget: this.budget }, false, this.conformance);
  }

  /** The first error of a resource walked against a profile, by a trial walk (TargetConformance's). */
  trialError(resource: Resource, profile: StructureDefinition, bundle: BundleScope | undefined): ValidationIssue | undefined {
    if (!profileTree(profile)) return { severity: 'error', code: 'not-found', diagnostics: `profile ${profile.url} has no snapshot to check against`, expression: '' };
    const trial = this.trial();
    trial.resource(resource, [profile], resource.resourceType, bundle);
    return trial.issues.find((i) => i.severity === 'error' || i.severity === 'fatal');
  }

  /**
   * Walks a whole resource against each profile; a Bundle opens a new reference scope for its entries. A
   * contained resource (`container`: its container's scope) stays in its container's scopes: its `#id`
   * references name its container's contained resources (references.html#contained), and its FHIRPath
   * `%resource` is the container, the root resource its elements are part of (STU3 fhirpath.html; R4 named
   * that `%rootResource` and moved ref-1 to it). A Bundle entry is a root resource of its own.
   */
  resource(resource: Resource, profiles: StructureDefinition[], location: string, outerBundle: ReferenceScope['bundle'], container?: WalkScope): void {
    const bundle = resource.resourceType === 'Bundle' ? bundleScope(resource, location) : outerBundle;
    // The entries' scope is the resource's own when it is a Bundle (contained or not), else its outer Bundle's.
    const refs = { bundle, contained: container ? container.refs.contained : containedScope(resource, location) };
    const scope: WalkScope = { root: resource, refs, location, invariants: container ? container.invariants : { resource, refs } };
    for (const profile of profiles) {
      const tree = profileTree(profile);
      if (!tree) {
        this.report({ severity: 'information', code: 'informational', diagnostics: `profile ${profile.url} has no snapshot: not validated against it`, expression: location });
        continue;
      }
      if (profile.type !== resource.resourceType) {
        this.report({ severity: 'error', code: 'invalid', diagnostics: `profile ${profile.url} is for ${profile.type}, the resource is a ${resource.resourceType}`, expression: location });
        continue;
      }
      this.visit(this.planner.root(tree.root, this.ctx.compiledProfile?.(profile) ?? false), resource, location, scope);
    }
    // Rules of a resource type as a whole (a QuestionnaireResponse against its Questionnaire), once whatever the profiles.
    const rule = RESOURCE_RULES.get(resource.resourceType);
    if (rule) this.push(rule(resource, location, scope, this.ctx));
  }

  /** The profiles a resource is validated against: its resolvable `meta.profile` entries, else its base type. */
  profilesFor(resource: Resource, location: string): StructureDefinition[] {
    const out: StructureDefinition[] = [];
    for (const url of claimedProfiles(resource)) {
      const sd = this.ctx.profiles(url);
      if (sd) out.push(sd);
      else
        this.report(
          ruleIssue(
            this.ctx.resolver.isProjectUrl(url) ? 'profile-unresolved-own' : 'profile-unresolved',
            `${location}.meta.profile`,
            `profile ${url} claimed in meta.profile does not resolve; validated against the base ${resource.resourceType} only`,
          ),
        );
    }
    if (out.length === 0) {
      const base = this.ctx.profiles(resource.resourceType);
      if (base) out.push(base);
      else this.report({ severity: 'error', code: 'not-found', diagnostics: `unknown resource type ${resource.resourceType}`, expression: location });
    }
    return out;
  }

  /**
   * Walks one value against its element: invariants (the element's, its data type's, a contentReference
   * target's), binding, codes of a Coding, narrative, reference, then its properties (extensions checked
   * against their context). `compiled`: the element is one the structure validators' compiled schema
   * covers (see SemanticContext.compiledProfile).
   */
  node(node: ProfileNode, value: unknown, ctxKey: string, type: string | undefined, location: string, scope: WalkScope, compiled = false): void {
    this.visit(this.planner.plan(node, type, ctxKey, compiled), value, location, scope);
  }

  /**
   * Walks one value along its plan (node-plan.ts: what is checked here was decided when the plan was made):
   * by the plan's generated code (the build's, or made here once the plan has been interpreted
   * `generateAfter` times), else interpreted.
   */
  visit(plan: NodePlan, value: unknown, location: string, scope: WalkScope): void {
    if (this.compiledWalk) {
      const walk = plan.walk ?? (++plan.visits === this.ctx.options.generateAfter ? this.compile(plan) : undefined);
      if (walk) return walk(value, location, scope, this);
    }
    this.budget?.tick();
    const type = plan.type;
    if (this.inv && plan.invariants.length > 0 && (!plan.invariantsOnObjects || isObject(value))) this.invariants(plan, value, location, scope);
    if (plan.binding) this.binding(plan, value, location);
    if (type === 'Coding') this.coding(value, location);
    else if (type === 'xhtml') this.narrative(value, location);
    else if (plan.referenceTargets) this.reference(plan, value, location, scope);
    if (!isObject(value) || !plan.source) return;
    for (const key in value) {
      if (key === 'resourceType' || key === 'fhir_comments') continue;
      const v = value[key];
      if (key.charCodeAt(0) === 95 /* _ */) {
        this.primitiveExtensions(v, `${location}.${key.slice(1)}`, plan.ctxKey, key.slice(1), scope);
        continue;
      }
      // The plan's known properties first: most keys were met before, and a Map lookup is cheaper than the call.
      let property = plan.known.get(key);
      if (property === undefined) property = plan.property(key) ?? null;
      if (property === null) continue;
      if ((typeof v !== 'object' || v === null) && (property.inert ?? property.primitiveInert())) continue;
      const at = location + property.dot;
      if (property.extension) this.contexts(v, this.holder(plan, value, location, scope), at);
      this.property(plan, property, v, at, scope);
    }
    if (plan.requiredSlices.length > 0) this.missingSlices(plan, value, location);
  }

  /** A plan walked often: its code, from the build's module when it has some, else generated now. */
  private compile(plan: NodePlan): WalkFunction | undefined {
    this.planner.linkDeferred();
    return plan.walk ?? compilePlan(plan, { model: this.ctx.model, nodeAt: this.nodeAt });
  }

  // The checks of one node, called by the interpreter above and by generated code (WalkHooks).

  tick(): void {
    this.budget?.tick();
  }

  invariants(plan: NodePlan, value: unknown, location: string, scope: WalkScope): void {
    // Indexed loops here and below: these run for every node, and an iterator per call is garbage per node.
    const invariants = plan.invariants;
    for (let i = 0; i < invariants.length; i++) this.push(invariants[i](value, scope.invariants, location, this.invariantRun));
  }

  binding(plan: NodePlan, value: unknown, location: string): void {
    this.push((plan.binding as NonNullable<NodePlan['binding']>)(value, location));
  }

  coding(value: unknown, location: string): void {
    this.push(checkCoding(value, location, this.ctx.codes));
  }

  narrative(value: unknown, location: string): void {
    if (typeof value === 'string' && this.ctx.options.narrative) this.push(checkNarrativeDiv(value, location));
  }

  reference(plan: NodePlan, value: unknown, location: string, scope: WalkScope): void {
    this.push(checkReferenceTo(plan.referenceTargets as readonly string[], value, location, scope.refs, this.conformance));
    this.reportCut(location, '.reference');
  }

  /** The walk (not a trial) says once where targets were taken to conform for want of depth (TargetConformance); the location is made only then. */
  private reportCut(location: string, suffix = ''): void {
    if (this.counts && this.shared?.takeCut())
      this.report(ruleIssue('reference-conformance-depth', location + suffix, `targets checked for conformance ${MAX_NESTED_VERDICTS} deep: those further along this chain of references were taken to conform`));
  }

  resourceConformance(resource: Resource, url: string, bundle: BundleScope | undefined): string | undefined {
    return this.conformance.reason(resource, url, bundle);
  }

  wrongChoice(plan: NodePlan, key: string, location: string): void {
    const property = plan.property(key);
    if (property) this.push(choiceTypeIssues(plan.source as ProfileNode, property.prop, location));
  }

  extensionContexts(plan: NodePlan, holder: Record<string, unknown>, value: unknown, holderLocation: string, location: string, scope: WalkScope): void {
    this.contexts(value, this.holder(plan, holder, holderLocation, scope), location);
  }

  /** Slices with a minimum of an element that is absent altogether (an element present is checked by assignSlices). */
  missingSlices(plan: NodePlan, value: Record<string, unknown>, location: string): void {
    for (const child of plan.requiredSlices) {
      if (value[child.name] !== undefined) continue;
      for (const slice of child.slices)
        if ((slice.def.min ?? 0) > 0) this.report(ruleIssue('slice-cardinality', `${location}.${child.name}`, `slice '${slice.def.sliceName}' requires at least ${slice.def.min} item(s), found 0`));
    }
  }

  /** One property of a node: its items walked (against the slices that claim them, when sliced). */
  property(owner: NodePlan, plan: PropertyPlan, v: unknown, location: string, scope: WalkScope): void {
    const child = plan.child;
    if (!child) {
      if (plan.wrongChoice) this.push(choiceTypeIssues(owner.source as ProfileNode, plan.prop, location));
      return;
    }
    const many = Array.isArray(v);
    if (!many && !plan.sliced) {
      this.item(plan, child, v, location, scope, undefined);
      return;
    }
    const items = many ? (v as unknown[]) : [v];
    let slices: ReadonlyArray<ProfileNode | undefined> | undefined;
    if (plan.sliced) {
      // Slices told apart by fixed values are tested directly (the generated walk's tests once linked, else closures made once per element).
      const tests = (plan.sliceTests ??= sliceTests(child, this.nodeAt));
      const assigned = assignSlices(child, items, location, (i) => (many ? location + indexSuffix(i) : location), this.oracle(scope), tests);
      this.push(assigned.issues);
      this.reportCut(location);
      slices = assigned.slices;
    }
    for (let i = 0; i < items.length; i++) this.item(plan, child, items[i], many ? location + indexSuffix(i) : location, scope, slices?.[i]);
  }

  /** The slice oracle of a scope: the last one made, kept while the walk stays in that scope (a resource's sliced elements share it). */
  private oracle(scope: WalkScope): SliceOracle {
    if (this.lastOracle?.scope !== scope) this.lastOracle = { scope, oracle: this.navigator.oracle(scope) };
    return this.lastOracle.oracle;
  }

  /** One item of a property: a whole resource, an item a slice claimed, an extension, or an item of the element. */
  private item(plan: PropertyPlan, child: ProfileNode, item: unknown, location: string, scope: WalkScope, slice: ProfileNode | undefined): void {
    if (plan.resource) this.inlineResource(item, location, scope, plan.prop.property === 'contained');
    else if (slice) this.visit(plan.slice(slice), item, location, scope);
    else if (plan.extension) this.extension(item, child, plan.prop.property, location, scope);
    else this.visit(plan.itemPlan ?? plan.item(), item, location, scope);
  }

  /**
   * An extension no slice claims: validated against the definition its `url` names. A relative url names
   * a part of a complex extension: that extension's own definition (its slicing) judges it, and when that
   * definition is unknown it has been reported already, so the part is not reported again.
   */
  extension(item: unknown, node: ProfileNode, key: string, location: string, scope: WalkScope): void {
    const url = isObject(item) && typeof item.url === 'string' ? item.url : undefined;
    const sd = url ? this.ctx.profiles(url) : undefined;
    const root = sd?.type === 'Extension' ? profileTree(sd)?.root : undefined;
    if (url && !root && /^[a-z][a-z0-9+.-]*:/i.test(url)) {
      const rule = key === 'modifierExtension' ? 'modifier-extension-unknown' : this.ctx.resolver.isProjectUrl(url) ? 'extension-unknown-own' : 'extension-unknown';
      const what = key === 'modifierExtension' ? 'unknown modifier extension' : 'unknown extension';
      this.report(ruleIssue(rule, location, `${what} ${url}: its definition does not resolve`));
    }
    this.visit(this.planner.extension(root ?? node), item, location, scope);
  }

  /** Extensions on a primitive (`_birthDate`), each against its own definition. */
  primitiveExtensions(v: unknown, location: string, ctxKey: string, name: string, scope: WalkScope): void {
    const prop = this.ctx.model.property(ctxKey, name);
    const items = Array.isArray(v) ? (v as unknown[]) : [v];
    items.forEach((item, i) => {
      if (!isObject(item) || !Array.isArray(item.extension)) return;
      const at = Array.isArray(v) ? `${location}[${i}]` : location;
      const base = this.ctx.profiles('Extension');
      const root = base && profileTree(base)?.root;
      if (!root || !prop) return;
      const holder: ExtensionHolder = { logicalPath: logicalPath(at, scope), elementPaths: [prop.element.path], types: typeLineage(prop.type, this.ctx.profiles), extensionUrl: undefined };
      this.contexts(item.extension, holder, `${at}.extension`);
      item.extension.forEach((ext, j) => this.extension(ext, root, 'extension', `${at}.extension[${j}]`, scope));
    });
  }

  /** An element holding extensions, described in every way an extension's context can name it. */
  private holder(plan: NodePlan, value: Record<string, unknown>, location: string, scope: WalkScope): ExtensionHolder {
    return new ElementHolder(plan, plan.type === 'Extension' && typeof value.url === 'string' ? value.url : undefined, location, scope);
  }

  /** Each extension whose definition resolves, against the contexts that definition allows. */
  private contexts(v: unknown, holder: ExtensionHolder, location: string): void {
    if (!Array.isArray(v)) return;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      const url = isObject(item) && typeof item.url === 'string' ? item.url : undefined;
      const sd = url ? this.ctx.profiles(url) : undefined;
      if (sd?.type === 'Extension') this.push(checkExtensionContext(sd, holder, location + indexSuffix(i)));
    }
  }

  /** A contained resource (in the scope of the resource containing it) or Bundle entry: against its claimed profiles, else its base type. */
  inlineResource(item: unknown, location: string, scope: WalkScope, contained = false): void {
    if (!isObject(item) || typeof item.resourceType !== 'string') return;
    const resource = item as unknown as Resource;
    this.resource(resource, this.profilesFor(resource, location), location, scope.refs.bundle, contained ? scope : undefined);
  }

  /** Where a node's children come from: the snapshot, else its contentReference, type profile or type definition. */
  childSource(node: ProfileNode, type: string | undefined): ProfileNode | undefined {
    return this.planner.childSource(node, type);
  }

  private push(issues: ValidationIssue[]): void {
    for (let i = 0; i < issues.length; i++) this.report(issues[i]);
  }

  /**
   * One issue found: kept, and (in a counted walk) spent from the payload's budget, which stops the walk
   * past its limit; an information issue past the limit is counted only (Budget.note).
   */
  private report(issue: ValidationIssue): void {
    if (this.counts && this.budget && issue.severity === 'information') {
      if (this.budget.note()) this.issues.push(issue);
      return;
    }
    this.issues.push(issue);
    if (this.counts) this.budget?.spend();
  }
}
