/**
 * Type-level constraints in snapshot elements, as Forge writes them: every element placed from a definition
 * (an element of the base snapshot, a child unfolded from a type) carries the invariants and conditions of
 * the root element of its type, so validators, types and diffs find every rule an element is under on the
 * element itself (Reference elements carry ref-1, Quantity qty-3, every typed element ele-1...).
 *
 * The types are those of the element's original definition (a type profile's root counts for the profile),
 * so the rules do not depend on which snapshot the element was taken from, and a choice a profile restricts
 * to one type (`valueReference`) keeps the choice's rules, as Forge writes it. An element of several types
 * carries only what all of them share (ele-1): the others hold only for a value of their own type. Carried constraints come first, then the element's own; a
 * key the element defines itself is kept as the element has it. Each carried constraint names its `source`: the one the
 * type's root gives (`Element` for ele-1) or the type's URL, so a consumer can tell it from the element's own.
 */
import type { ElementDefinition, ElementDefinitionConstraint, ElementDefinitionType, StructureDefinition } from '../model/fhir.js';

export type TypeResolver = (ref: string) => StructureDefinition | undefined;

/** Adds the constraints and conditions of the element's type root to the element (in place; idempotent). */
export function carryTypeConstraints(el: ElementDefinition, resolve: TypeResolver): void {
  if (el.contentReference) return;
  const refs = [...new Set(definedTypes(el, resolve).map((t) => typeRef(t, resolve)).filter((r): r is string => !!r))];
  if (refs.length === 0) return;
  const rules = refs.map((r) => typeRules(r, resolve)).reduce(common);
  if (rules.constraint.length) {
    const own = el.constraint ?? [];
    const carried = rules.constraint.filter((c) => !own.some((o) => o.key === c.key)).map((c) => structuredClone(c));
    if (carried.length) el.constraint = [...carried, ...own];
  }
  if (rules.condition.length) {
    const own = el.condition ?? [];
    const carried = rules.condition.filter((c) => !own.includes(c));
    if (carried.length) el.condition = [...carried, ...own];
  }
}

/**
 * The types of the element's original definition (`base.path` in the type or resource that defines it),
 * else its own: what it was placed with, before any profile narrowed it.
 */
function definedTypes(el: ElementDefinition, resolve: TypeResolver): ElementDefinitionType[] {
  const basePath = el.base?.path;
  const definer = basePath ? resolve(basePath.split('.')[0]) : undefined;
  const original = definer && basePath ? elementsByPath(definer).get(basePath) : undefined;
  return (original ?? el).type ?? [];
}

const byPath = new WeakMap<StructureDefinition, Map<string, ElementDefinition>>();

function elementsByPath(sd: StructureDefinition): Map<string, ElementDefinition> {
  let map = byPath.get(sd);
  if (!map) {
    map = new Map();
    for (const e of sd.snapshot?.element ?? []) if (!e.sliceName && !map.has(e.path)) map.set(e.path, e);
    byPath.set(sd, map);
  }
  return map;
}

/** The type profile when it is one of the type (not a target's profile misplaced in `profile`), else the type. */
function typeRef(t: ElementDefinitionType, resolve: TypeResolver): string | undefined {
  return t.profile && resolve(t.profile)?.type === t.code ? t.profile : t.code;
}

/** The rules two types share (a choice carries only what holds whichever type its value has). */
function common(a: TypeRules, b: TypeRules): TypeRules {
  return { constraint: a.constraint.filter((c) => b.constraint.some((d) => d.key === c.key)), condition: a.condition.filter((c) => b.condition.includes(c)) };
}

interface TypeRules {
  constraint: ElementDefinitionConstraint[];
  condition: string[];
}

const NONE: TypeRules = { constraint: [], condition: [] };
const memo = new WeakMap<StructureDefinition, TypeRules>();

/**
 * The invariants and conditions of a type's root along its derivation (Duration: Element's ele-1,
 * Quantity's qty-3, its own drt-1), base first, each key once, each constraint with its source.
 */
function typeRules(ref: string, resolve: TypeResolver, seen = new Set<string>()): TypeRules {
  const sd = resolve(ref);
  if (!sd || seen.has(sd.url)) return NONE;
  const known = memo.get(sd);
  if (known) return known;
  seen.add(sd.url);
  const inherited = sd.baseDefinition ? typeRules(sd.baseDefinition, resolve, seen) : NONE;
  const root = sd.snapshot?.element?.[0];
  const constraint = [...inherited.constraint];
  for (const c of root?.constraint ?? []) {
    const carried = { ...c, source: c.source ?? sd.url };
    const at = constraint.findIndex((x) => x.key === c.key);
    if (at < 0) constraint.push(carried);
    else constraint[at] = carried;
  }
  const condition = [...new Set([...inherited.condition, ...(root?.condition ?? [])])];
  const rules = { constraint, condition };
  memo.set(sd, rules);
  return rules;
}
