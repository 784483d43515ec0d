/**
 * Changes between two versions of one element of a profile's snapshot (matched on element id), one rule
 * each, classified by the GP Connect versioning page: anything that makes a once-valid instance invalid
 * (min raised, max lowered, type or target removed, binding strengthened to extensible or required,
 * fixed value added, ...) is breaking; loosening and additions are minor; text is patch.
 */
import { fieldsOf, type ElementDefinition, type ElementDefinitionConstraint, type ElementDefinitionType } from '../model/fhir.js';
import { maxToNumber } from '../snapshot/merge-rules.js';
import { show, type Change, type ChangeLevel } from './changes.js';
import { sameJson } from '../util/values.js';

export interface ElementChangeInput {
  old: ElementDefinition;
  new: ElementDefinition;
  /** Adds a change on this element. */
  report(level: ChangeLevel, code: string, message: string): void;
}

export interface ElementChangeRule {
  code: string;
  check(input: ElementChangeInput): void;
}

const strengthRank: Record<string, number> = { example: 1, preferred: 2, extensible: 3, required: 4 };
/** Extensible and required bindings constrain instances; example and preferred only advise. */
const constraining = (strength: string | undefined) => (strengthRank[strength ?? ''] ?? 0) >= strengthRank.extensible;
const CORE_INVARIANTS = new Set(['ele-1', 'ext-1']);
/** A constraint defined by a core type or resource (its source is a core URL or a bare type name). */
function fromCore(c: ElementDefinitionConstraint): boolean {
  if (CORE_INVARIANTS.has(c.key)) return true;
  return c.source !== undefined && (c.source.startsWith('http://hl7.org/fhir/StructureDefinition/') || !c.source.includes('/'));
}
/** An expression with its whitespace runs made one space: layout is not a change. */
function normalise(expression: string | undefined): string {
  return (expression ?? '').trim().replace(/\s+/g, ' ');
}
const TEXT_FIELDS = ['short', 'definition', 'comment', 'requirements', 'alias', 'meaningWhenMissing', 'label', 'orderMeaning'] as const;

function valueKeys(e: ElementDefinition, prefix: 'fixed' | 'pattern'): string[] {
  return Object.keys(e).filter((k) => k.startsWith(prefix) && k.length > prefix.length && /[A-Z]/.test(k.charAt(prefix.length)));
}

function valueSetOf(e: ElementDefinition): string | undefined {
  return e.binding?.valueSetReference?.reference ?? e.binding?.valueSetUri;
}

/** Per type code, the set of profiles (or target profiles) its entries name; an empty set means "any". */
function profilesByCode(types: ElementDefinitionType[] | undefined, field: 'profile' | 'targetProfile'): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const t of types ?? []) {
    const set = out.get(t.code) ?? new Set<string>();
    const value = t[field];
    if (value) set.add(value);
    out.set(t.code, set);
  }
  return out;
}

function compareProfiles(input: ElementChangeInput, field: 'profile' | 'targetProfile', what: string): void {
  const before = profilesByCode(input.old.type, field);
  const after = profilesByCode(input.new.type, field);
  for (const [code, newSet] of after) {
    const oldSet = before.get(code);
    if (!oldSet) continue; // a new type: reported by element.type-added
    const removed = [...oldSet].filter((p) => !newSet.has(p)).sort();
    const added = [...newSet].filter((p) => !oldSet.has(p)).sort();
    if (oldSet.size === 0 && newSet.size > 0) input.report('breaking', `element.${what}-restricted`, `${code} ${what} restricted to ${added.join(', ')}`);
    else if (newSet.size === 0 && oldSet.size > 0) input.report('minor', `element.${what}-relaxed`, `${code} ${what} no longer restricted (was ${removed.join(', ')})`);
    else {
      if (removed.length) input.report('breaking', `element.${what}-removed`, `${code} ${what} removed: ${removed.join(', ')}`);
      if (added.length) input.report('minor', `element.${what}-added`, `${code} ${what} added: ${added.join(', ')}`);
    }
  }
}

export const elementChangeRules: ElementChangeRule[] = [
  {
    code: 'element.min',
    check: ({ old: o, new: n, report }) => {
      const before = o.min ?? 0;
      const after = n.min ?? 0;
      if (after > before) report('breaking', 'element.min-raised', `min raised ${before} -> ${after}`);
      else if (after < before) report('minor', 'element.min-lowered', `min lowered ${before} -> ${after}`);
    },
  },
  {
    code: 'element.max',
    check: ({ old: o, new: n, report }) => {
      const before = maxToNumber(o.max);
      const after = maxToNumber(n.max);
      if (after < before) report('breaking', n.max === '0' ? 'element.prohibited' : 'element.max-lowered', `max lowered ${o.max ?? '*'} -> ${n.max ?? '*'}`);
      else if (after > before) report('minor', 'element.max-raised', `max raised ${o.max ?? '*'} -> ${n.max ?? '*'}`);
    },
  },
  {
    code: 'element.type',
    check: ({ old: o, new: n, report }) => {
      const before = new Set((o.type ?? []).map((t) => t.code));
      const after = new Set((n.type ?? []).map((t) => t.code));
      const removed = [...before].filter((c) => !after.has(c)).sort();
      const added = [...after].filter((c) => !before.has(c)).sort();
      // An element with no types at all (the root, contentReference) takes them from elsewhere.
      if (removed.length && after.size > 0) report('breaking', 'element.type-removed', `type removed: ${removed.join(', ')}`);
      if (added.length && before.size > 0) report('minor', 'element.type-added', `type added: ${added.join(', ')}`);
    },
  },
  { code: 'element.profile', check: (input) => compareProfiles(input, 'profile', 'profile') },
  { code: 'element.target', check: (input) => compareProfiles(input, 'targetProfile', 'target') },
  {
    code: 'element.binding',
    check: ({ old: o, new: n, report }) => {
      const ob = o.binding;
      const nb = n.binding;
      if (!ob && !nb) return;
      if (!ob && nb) {
        report(constraining(nb.strength) ? 'breaking' : 'patch', 'binding.added', `${nb.strength} binding added to ${show(valueSetOf(n))}`);
        return;
      }
      if (ob && !nb) {
        report(constraining(ob.strength) ? 'minor' : 'patch', 'binding.removed', `${ob.strength} binding to ${show(valueSetOf(o))} removed`);
        return;
      }
      if (!ob || !nb) return;
      const before = strengthRank[ob.strength] ?? 0;
      const after = strengthRank[nb.strength] ?? 0;
      if (after > before) report(constraining(nb.strength) ? 'breaking' : 'patch', 'binding.strengthened', `binding strengthened ${ob.strength} -> ${nb.strength}`);
      else if (after < before) report(constraining(ob.strength) ? 'minor' : 'patch', 'binding.weakened', `binding weakened ${ob.strength} -> ${nb.strength}`);
      const vsBefore = valueSetOf(o);
      const vsAfter = valueSetOf(n);
      if (vsBefore !== vsAfter) {
        const level: ChangeLevel = constraining(nb.strength) ? 'breaking' : 'patch';
        report(level, 'binding.value-set-changed', `bound value set ${show(vsBefore)} -> ${show(vsAfter)} (${nb.strength})`);
      }
      if (ob.description !== nb.description) report('patch', 'element.text-changed', 'binding description changed');
    },
  },
  ...(['fixed', 'pattern'] as const).map(
    (kind): ElementChangeRule => ({
      code: `element.${kind}`,
      check: ({ old: o, new: n, report }) => {
        const before = valueKeys(o, kind);
        const after = valueKeys(n, kind);
        const ov = fieldsOf(o);
        const nv = fieldsOf(n);
        if (before.length === 0 && after.length > 0) report('breaking', `element.${kind}-added`, `${kind} value added: ${after.map((k) => `${k} ${show(nv[k])}`).join(', ')}`);
        else if (before.length > 0 && after.length === 0) report('minor', `element.${kind}-removed`, `${kind} value removed (was ${before.map((k) => `${k} ${show(ov[k])}`).join(', ')})`);
        else if (before.length > 0 && !sameJson(before.map((k) => [k, ov[k]]), after.map((k) => [k, nv[k]])))
          report('breaking', `element.${kind}-changed`, `${kind} value changed ${before.map((k) => show(ov[k])).join(', ')} -> ${after.map((k) => show(nv[k])).join(', ')}`);
      },
    }),
  ),
  {
    code: 'element.slicing',
    check: ({ old: o, new: n, report }) => {
      const os = o.slicing;
      const ns = n.slicing;
      if (!ns) return;
      const closedBefore = os?.rules === 'closed';
      if (ns.rules === 'closed' && !closedBefore) report('breaking', 'slicing.closed', `slicing closed (was ${os?.rules ?? 'not sliced'})`);
      else if (os && os.rules === 'closed' && ns.rules !== 'closed') report('minor', 'slicing.opened', `slicing opened (${ns.rules})`);
      if (ns.ordered === true && os?.ordered !== true) report('breaking', 'slicing.ordered', 'slices must now be in order');
      if (os && !sameJson(os.discriminator ?? [], ns.discriminator ?? [])) report('minor', 'slicing.discriminator-changed', `slicing discriminator ${show(os.discriminator)} -> ${show(ns.discriminator)}`);
    },
  },
  {
    code: 'element.constraint',
    check: ({ old: o, new: n, report }) => {
      // Constraints are matched on key and compared on expression and severity; `source` is optional (Forge
      // leaves it out), so it never decides a match. Invariants every element inherits from the core (ele-1,
      // dom-1, ...) come and go with how a tool writes snapshots, not with the profile: a key the core
      // defines on either side is not a change.
      const byKey = (list: ElementDefinition['constraint']) => new Map((list ?? []).map((c) => [c.key, c]));
      const before = byKey(o.constraint);
      const after = byKey(n.constraint);
      for (const [key, c] of [...after].sort(([a], [b]) => a.localeCompare(b))) {
        const was = before.get(key);
        if (!was) {
          if (!fromCore(c)) report(c.severity === 'error' ? 'breaking' : 'minor', 'element.constraint-added', `constraint ${key} added (${c.severity}): ${show(c.human)}`);
        } else if (fromCore(c) || fromCore(was)) continue;
        else if (normalise(was.expression) !== normalise(c.expression) || was.severity !== c.severity)
          report(c.severity === 'error' ? 'breaking' : 'minor', 'element.constraint-changed', `constraint ${key} changed: ${show(was.expression)} -> ${show(c.expression)}`);
        else if (was.human !== c.human) report('patch', 'element.text-changed', `constraint ${key} description changed`);
      }
      for (const [key, was] of [...before].sort(([a], [b]) => a.localeCompare(b))) if (!after.has(key) && !fromCore(was)) report('minor', 'element.constraint-removed', `constraint ${key} removed`);
    },
  },
  {
    code: 'element.flags',
    check: ({ old: o, new: n, report }) => {
      if (!!n.isModifier && !o.isModifier) report('breaking', 'element.modifier-added', 'element is now a modifier');
      if (!n.isModifier && !!o.isModifier) report('minor', 'element.modifier-removed', 'element is no longer a modifier');
      if (!!n.mustSupport !== !!o.mustSupport) report('minor', 'element.must-support', `mustSupport ${!!o.mustSupport} -> ${!!n.mustSupport}`);
      if (n.maxLength !== undefined && (o.maxLength === undefined || n.maxLength < o.maxLength)) report('breaking', 'element.max-length', `maxLength ${o.maxLength ?? '(none)'} -> ${n.maxLength}`);
    },
  },
  {
    code: 'element.text',
    check: ({ old: o, new: n, report }) => {
      const fields = TEXT_FIELDS.filter((f) => !sameJson(o[f] ?? null, n[f] ?? null));
      if (fields.length) report('patch', 'element.text-changed', `text changed: ${fields.join(', ')}`);
    },
  },
];

/** Every change between two versions of one element. */
export function elementChanges(o: ElementDefinition, n: ElementDefinition, path: string): Change[] {
  const changes: Change[] = [];
  const report = (level: ChangeLevel, code: string, message: string) => changes.push({ level, code, path, message });
  for (const rule of elementChangeRules) rule.check({ old: o, new: n, report });
  return changes;
}
