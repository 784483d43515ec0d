/**
 * Discriminator paths on both sides of slicing: in the definition (a slice's element at `system`,
 * `code.coding.system`, `extension('url')`, `resolve()`, unfolding types and profiles the snapshot does not
 * unfold) and in the instance (the values at that path, with their types), plus the value/pattern/profile
 * agreement the discriminators test.
 */
import type { Resource, StructureDefinition } from '../model/fhir.js';
import { isObject } from '../util/values.js';
import { checkBinding } from './bindings.js';
import type { ValidationIssue } from './issues.js';
import { childFor, profileTree, type ProfileNode } from './profile-tree.js';
import { resolvedResource, type BundleScope, type ReferenceScope } from './references.js';
import type { InvariantScope } from './invariants.js';
import type { SemanticContext } from './semantic-context.js';
import { deepEqual, matchesPattern, UNEXPLAINED, type PathValue, type SliceOracle, type ValueCriterion } from './slicing.js';
import { bindingUrl } from '../terminology/binding-rules.js';

/** The resource a node belongs to (`%resource`) and where its references can point. */
export interface WalkScope {
  readonly root: Resource;
  readonly refs: ReferenceScope;
  /** The same resource and references as invariants see them, one object per scope (it caches their environment). */
  readonly invariants: InvariantScope;
  /** Where the resource is in the payload (`Bundle.entry[2].resource`); undefined in a trial of a part of it, whose locations are relative. */
  readonly location?: string;
}

/**
 * What slice matching needs of the semantic walk (semantic.ts): where a node's children are defined, and
 * fresh walkers to try a value against a slice. An interface, so the walk and the navigator do not import
 * each other.
 */
export interface SliceWalker {
  childSource(node: ProfileNode, type: string | undefined): ProfileNode | undefined;
  trial(): TrialWalker;
  /** Why a resource does not conform to a profile (undefined: it does), decided once per payload (target-conformance.ts). */
  resourceConformance(resource: Resource, url: string, bundle: BundleScope | undefined): string | undefined;
}

export interface TrialWalker {
  readonly issues: readonly ValidationIssue[];
  resource(resource: Resource, profiles: StructureDefinition[], location: string, outerBundle: ReferenceScope['bundle']): void;
  profilesFor(resource: Resource, location: string): StructureDefinition[];
  node(node: ProfileNode, value: unknown, ctxKey: string, type: string | undefined, location: string, scope: WalkScope): void;
}

const EXTENSION_CALL = /^extension\(\s*'([^']+)'\s*\)$/;

/** Discriminator paths come from the profiles, so there are few of them: each is split once. */
const splitCache = new Map<string, readonly string[]>();

function segmentsOf(path: string): readonly string[] {
  let segments = splitCache.get(path);
  if (!segments) splitCache.set(path, (segments = splitPath(path)));
  return segments;
}

/** Splits a discriminator path at dots outside quotes and parentheses. */
function splitPath(path: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of path) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (ch === '.' && depth === 0 && !quoted) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s !== '' && s !== '$this');
}

/**
 * Definition-side navigation depends only on the definitions (the context's profile source): slice ->
 * path -> element, kept across validations.
 */
const nodeCache = new WeakMap<SemanticContext['profiles'], WeakMap<ProfileNode, Map<string, ProfileNode | undefined>>>();

export class SliceNavigator {
  private readonly nodes: WeakMap<ProfileNode, Map<string, ProfileNode | undefined>>;

  constructor(
    private readonly ctx: SemanticContext,
    private readonly walker: SliceWalker,
  ) {
    let nodes = nodeCache.get(ctx.profiles);
    if (!nodes) nodeCache.set(ctx.profiles, (nodes = new WeakMap()));
    this.nodes = nodes;
  }

  /** The oracle for one walk scope (the resource being walked, where instance paths resolve references). */
  oracle(scope: WalkScope): SliceOracle {
    return new ScopedOracle(this, scope);
  }

  nodeAt(slice: ProfileNode, path: string): ProfileNode | undefined {
    let byPath = this.nodes.get(slice);
    if (!byPath) this.nodes.set(slice, (byPath = new Map()));
    if (byPath.has(path)) return byPath.get(path);
    const node = this.findNode(slice, path);
    byPath.set(path, node);
    return node;
  }

  private findNode(slice: ProfileNode, path: string): ProfileNode | undefined {
    let current: ProfileNode | undefined = slice;
    for (const seg of segmentsOf(path)) {
      if (!current) return undefined;
      const node: ProfileNode = current;
      const types = (node.def.type ?? []).map((t) => t.code);
      if (seg === 'resolve()') {
        const target = node.def.type?.find((t) => t.targetProfile)?.targetProfile;
        const sd = target ? this.ctx.profiles(target) : undefined;
        current = sd ? profileTree(sd)?.root : undefined;
        continue;
      }
      const source = this.walker.childSource(node, types.length === 1 ? types[0] : undefined);
      if (!source) return undefined;
      const ext = EXTENSION_CALL.exec(seg);
      if (ext) {
        const extensions = source.children.find((c) => c.def.path.endsWith('.extension'));
        current = extensions?.slices.find((s) => s.def.type?.some((t) => t.profile === ext[1]));
        if (!current) {
          const sd = this.ctx.profiles(ext[1]);
          current = sd ? profileTree(sd)?.root : undefined;
        }
        continue;
      }
      current = childFor(source, seg, seg);
    }
    return current;
  }

  valuesAt(item: unknown, path: string, scope: WalkScope): PathValue[] {
    let values: PathValue[] = [{ value: item, type: isObject(item) && typeof item.resourceType === 'string' ? item.resourceType : undefined }];
    for (const seg of segmentsOf(path)) {
      const next: PathValue[] = [];
      const ext = EXTENSION_CALL.exec(seg);
      for (const { value } of values) {
        if (!isObject(value)) continue;
        if (seg === 'resolve()') {
          const target = this.resolve(value, scope);
          if (target) next.push({ value: target, type: target.resourceType });
          continue;
        }
        if (ext) {
          for (const e of asArray(value.extension)) if (isObject(e) && e.url === ext[1]) next.push({ value: e, type: 'Extension' });
          continue;
        }
        if (seg in value) {
          for (const v of asArray(value[seg])) next.push({ value: v, type: isObject(v) && typeof v.resourceType === 'string' ? v.resourceType : undefined });
          continue;
        }
        // A choice: `value` finds `valueCodeableConcept`, typed from its suffix.
        for (const [k, v] of Object.entries(value)) {
          if (!k.startsWith(seg) || k.length === seg.length || !/[A-Z]/.test(k[seg.length])) continue;
          const suffix = k.slice(seg.length);
          const lower = suffix[0].toLowerCase() + suffix.slice(1);
          for (const x of asArray(v)) next.push({ value: x, type: this.ctx.model.isPrimitive(lower) ? lower : suffix });
        }
      }
      values = next;
    }
    return values;
  }

  criterion(node: ProfileNode): ValueCriterion | undefined {
    return valueCriterion(node);
  }

  valueMismatch(node: ProfileNode, value: PathValue, kind: 'value' | 'pattern', explain: boolean): string | undefined {
    const fp = node.fixed;
    if (fp) {
      const ok = fp.pattern || kind === 'pattern' ? matchesPattern(value.value, fp.value) : deepEqual(value.value, fp.value);
      return ok ? undefined : explain ? `is ${JSON.stringify(value.value)}, the slice's ${fp.key} is ${JSON.stringify(fp.value)}` : UNEXPLAINED;
    }
    const binding = node.def.binding;
    const type = value.type ?? node.def.type?.[0]?.code;
    if (binding?.strength === 'required' && bindingUrl(binding)) {
      if (!type) return `is of no known type, so its membership in ${bindingUrl(binding)} cannot be tested`;
      // Not in the value set, or a value set that cannot be expanded (information): either way the item is not shown to be in the slice.
      const failed = checkBinding(binding, type, value.value, '', this.ctx.expander, { profile: node.profile }).find((i) => i.severity !== 'warning');
      return failed ? failed.diagnostics : undefined;
    }
    const pattern = childPattern(node);
    if (pattern !== undefined) return matchesPattern(value.value, pattern) ? undefined : explain ? `is ${JSON.stringify(value.value)}, the slice fixes ${JSON.stringify(pattern)}` : UNEXPLAINED;
    return undefined;
  }

  profileMismatch(value: PathValue, profiles: string[], node: ProfileNode, scope: WalkScope): string | undefined {
    if (profiles.length === 0) return this.conformance(value, node, scope);
    const v = value.value;
    const reasons: string[] = [];
    if (isObject(v) && typeof v.resourceType === 'string') {
      // A resource: by its claims, else the compiled structure validator and a walk, as reference targets are.
      for (const url of profiles) {
        const reason = this.walker.resourceConformance(v as unknown as Resource, url, scope.refs.bundle);
        if (reason === undefined) return undefined;
        reasons.push(reason);
      }
      return reasons.join('; ');
    }
    for (const url of profiles) {
      const sd = this.ctx.profiles(url);
      const root = sd ? profileTree(sd)?.root : undefined;
      if (!root) {
        reasons.push(`profile ${url} does not resolve`);
        continue;
      }
      const reason = this.conformance(value, root, scope, url);
      if (reason === undefined) return undefined;
      reasons.push(reason);
    }
    return reasons.join('; ');
  }

  /** Undefined when the value conforms to the node (no errors when walked against it), else the first error. */
  private conformance(value: PathValue, node: ProfileNode, scope: WalkScope, url?: string): string | undefined {
    const sandbox = this.walker.trial();
    const type = value.type ?? node.def.type?.[0]?.code ?? node.profile.type;
    // A resource here has no profile named (a named one is decided in profileMismatch): it is walked against its own claims.
    if (isObject(value.value) && typeof value.value.resourceType === 'string')
      sandbox.resource(value.value as unknown as Resource, sandbox.profilesFor(value.value as unknown as Resource, ''), '', scope.refs.bundle);
    else sandbox.node(node, value.value, type, type, '', { root: scope.root, refs: scope.refs, invariants: scope.invariants });
    const error = sandbox.issues.find((i) => i.severity === 'error' || i.severity === 'fatal');
    return error ? `does not conform${url ? ` to ${url}` : ''}: ${error.expression ? `${error.expression}: ` : ''}${error.diagnostics}` : undefined;
  }

  private resolve(reference: Record<string, unknown>, scope: WalkScope): Resource | undefined {
    const ref = reference.reference;
    return typeof ref === 'string' ? resolvedResource(ref, scope.refs) : undefined;
  }
}

function asArray(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A SliceNavigator seen from one walk scope. */
class ScopedOracle implements SliceOracle {
  constructor(
    private readonly navigator: SliceNavigator,
    private readonly scope: WalkScope,
  ) {}

  nodeAt(slice: ProfileNode, path: string): ProfileNode | undefined {
    return this.navigator.nodeAt(slice, path);
  }

  valuesAt(item: unknown, path: string): PathValue[] {
    return this.navigator.valuesAt(item, path, this.scope);
  }

  criterion(node: ProfileNode): ValueCriterion | undefined {
    return this.navigator.criterion(node);
  }

  valueMismatch(node: ProfileNode, value: PathValue, kind: 'value' | 'pattern', explain: boolean): string | undefined {
    return this.navigator.valueMismatch(node, value, kind, explain);
  }

  profileMismatch(value: PathValue, profiles: string[], node: ProfileNode): string | undefined {
    return this.navigator.profileMismatch(value, profiles, node, this.scope);
  }
}

const criteria = new WeakMap<ProfileNode, ValueCriterion | null>();

/** What a value/pattern discriminator compares at a slice's element (see ValueCriterion). */
function valueCriterion(node: ProfileNode): ValueCriterion | undefined {
  let criterion = criteria.get(node);
  if (criterion === undefined) {
    const binding = node.def.binding;
    if (node.fixed) criterion = 'fixed';
    else if (binding?.strength === 'required' && bindingUrl(binding)) criterion = 'binding';
    else if (childPattern(node) !== undefined) criterion = 'children';
    else if ((node.def.min ?? 0) >= 1) criterion = 'exists';
    else if (node.def.max === '0') criterion = 'absent';
    else criterion = null;
    criteria.set(node, criterion);
  }
  return criterion ?? undefined;
}

const childPatterns = new WeakMap<ProfileNode, Record<string, unknown> | null>();

/**
 * The fixed values and patterns a slice sets below an element (`code.coding.system` and `code.coding.code`
 * under a discriminator on `code`), as one pattern: `{ coding: [{ system, code }] }`. A repeating child is a
 * one-item array, which pattern matching reads as "some item matches".
 */
function childPattern(node: ProfileNode): Record<string, unknown> | undefined {
  let pattern = childPatterns.get(node);
  if (pattern === undefined) {
    const out: Record<string, unknown> = {};
    for (const child of node.children) {
      if (child.choice || child.def.max === '0') continue;
      const value = child.fixed ? child.fixed.value : childPattern(child);
      if (value === undefined) continue;
      out[child.name] = (child.def.base?.max ?? child.def.max ?? '1') === '1' ? value : [value];
    }
    pattern = Object.keys(out).length > 0 ? out : null;
    childPatterns.set(node, pattern);
  }
  return pattern ?? undefined;
}