/**
 * Changes between two versions of one resource, one rule per kind of resource content: metadata (text,
 * patch), a profile's snapshot element by element, a value set's codes, a code system's concepts, and
 * anything else a resource holds.
 */
import {
  isCodeSystem,
  isStructureDefinition,
  isValueSet,
  type CodeSystem,
  type CodeSystemConcept,
  type ElementDefinition,
  type Resource,
  type StructureDefinition,
  type ValueSet,
  type ValueSetInclude,
} from '../model/fhir.js';
import { normaliseId } from '../snapshot/compare.js';
import { show, type Change, type ChangeLevel } from './changes.js';
import { sameJson } from '../util/values.js';
import { elementChanges } from './element-changes.js';

/** What the rules may look up in either version: code systems by URL, and how value sets are bound. */
export interface CompareContext {
  /** A code system of the same version as the resource being compared (old side for old, new side for new). */
  codeSystem(url: string, side: 'old' | 'new'): CodeSystem | undefined;
  /** True when a profile of either version binds this value set with strength `required`. */
  requiredValueSet(url: string): boolean;
  /** True when a required-bound value set of either version draws codes from this code system. */
  requiredCodeSystem(url: string): boolean;
}

export interface ResourceChangeRule {
  code: string;
  applies(r: Resource): boolean;
  compare(o: Resource, n: Resource, ctx: CompareContext): Change[];
}

/** Descriptive fields of canonical resources: a change to them is text (patch). */
const METADATA_FIELDS = [
  'version', 'name', 'title', 'status', 'experimental', 'date', 'publisher', 'contact', 'description', 'purpose',
  'copyright', 'useContext', 'jurisdiction', 'keyword', 'text', 'meta', 'mapping', 'identifier',
];
/** Fields a dedicated rule compares (or that only restate others). */
const RULE_FIELDS: Record<string, string[]> = {
  StructureDefinition: ['snapshot', 'differential', 'url', 'id'],
  ValueSet: ['compose', 'expansion', 'url', 'id'],
  CodeSystem: ['concept', 'count', 'url', 'id'],
};

export const resourceChangeRules: ResourceChangeRule[] = [
  {
    code: 'resource.metadata',
    applies: () => true,
    compare: (o, n) => {
      const changes: Change[] = [];
      if (o.version !== n.version) changes.push({ level: 'patch', code: 'resource.version-changed', path: 'version', message: `version ${show(o.version)} -> ${show(n.version)}` });
      const fields = METADATA_FIELDS.filter((f) => f !== 'version' && !sameJson(o[f] ?? null, n[f] ?? null));
      if (fields.length) changes.push({ level: 'patch', code: 'resource.text-changed', message: `metadata changed: ${fields.join(', ')}` });
      return changes;
    },
  },
  {
    code: 'resource.content',
    applies: () => true,
    compare: (o, n) => {
      const skip = new Set([...METADATA_FIELDS, ...(RULE_FIELDS[n.resourceType] ?? ['url', 'id'])]);
      const fields = [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((f) => !skip.has(f) && f !== 'resourceType' && !sameJson(o[f] ?? null, n[f] ?? null)).sort();
      if (fields.length === 0) return [];
      const breaking = n.resourceType === 'StructureDefinition' && fields.includes('type');
      return [{ level: breaking ? 'breaking' : 'minor', code: 'resource.content-changed', message: `changed: ${fields.map((f) => `${f} ${show(o[f])} -> ${show(n[f])}`).join('; ')}` }];
    },
  },
  { code: 'profile.elements', applies: isStructureDefinition, compare: (o, n) => profileChanges(o as StructureDefinition, n as StructureDefinition) },
  { code: 'valueset.codes', applies: isValueSet, compare: (o, n, ctx) => valueSetChanges(o as ValueSet, n as ValueSet, ctx) },
  { code: 'codesystem.concepts', applies: isCodeSystem, compare: (o, n, ctx) => codeSystemChanges(o as CodeSystem, n as CodeSystem, ctx) },
];

export function resourceChanges(o: Resource, n: Resource, ctx: CompareContext): Change[] {
  return resourceChangeRules.filter((r) => r.applies(n) && r.applies(o)).flatMap((r) => r.compare(o, n, ctx));
}

// ---- profiles --------------------------------------------------------------------------------------

function elementsOf(sd: StructureDefinition): ElementDefinition[] {
  return sd.snapshot?.element?.length ? sd.snapshot.element : (sd.differential?.element ?? []);
}

/** Element ids, with Forge's two spellings of a type-restricted choice (`value[x]:valueCode`, `valueCode:valueCode`) as one. */
const keyOf = (e: ElementDefinition) => normaliseId(e.id ?? (e.sliceName ? `${e.path}:${e.sliceName}` : e.path));
const parentKey = (key: string) => (key.includes('.') ? key.slice(0, key.lastIndexOf('.')) : undefined);

/** True when every instance must have this element: it and each element above it (the root aside) have min > 0. */
function requiredInInstances(key: string, byKey: Map<string, ElementDefinition>): boolean {
  for (let k: string | undefined = key; k && k.includes('.'); k = parentKey(k)) {
    const e = byKey.get(k);
    if (e && (e.min ?? 0) === 0) return false;
  }
  return true;
}

/**
 * True for an element a snapshot merely unfolds (Forge shows every child of a complex element): no slice,
 * the cardinality of its base, no fixed or pattern value, no slicing, no profiled type. Its absence from
 * the other version means the same thing, so it is neither added nor removed.
 */
function onlyUnfolded(e: ElementDefinition): boolean {
  if (e.sliceName || !e.base || (e.slicing && !isDefaultExtensionSlicing(e))) return false;
  if ((e.min ?? 0) !== e.base.min || (e.max ?? '*') !== e.base.max) return false;
  if (Object.keys(e).some((k) => /^(fixed|pattern)[A-Z]/.test(k))) return false;
  // Base data types only name core types; any other profile is a constraint.
  const constrained = (url: string | undefined) => url !== undefined && !url.startsWith(CORE_SD);
  return !(e.type ?? []).some((t) => constrained(t.profile) || constrained(t.targetProfile));
}

const CORE_SD = 'http://hl7.org/fhir/StructureDefinition/';

/** The url slicing every extension list has (Forge repeats it in snapshots). */
function isDefaultExtensionSlicing(e: ElementDefinition): boolean {
  const d = e.slicing?.discriminator ?? [];
  return /\.(modifierE|e)xtension$/.test(e.path) && e.slicing?.rules !== 'closed' && d.length === 1 && d[0]?.path === 'url';
}

/** Snapshots compared element by element on id: added and removed elements (outermost only), then each pair. */
function profileChanges(o: StructureDefinition, n: StructureDefinition): Change[] {
  const before = new Map(elementsOf(o).map((e) => [keyOf(e), e]));
  const after = new Map(elementsOf(n).map((e) => [keyOf(e), e]));
  const changes: Change[] = [];
  // A base-type root id differs between profiles of different types: compare roots as roots.
  for (const [key, e] of after) {
    const was = before.get(key);
    if (was) {
      changes.push(...elementChanges(was, e, key));
      continue;
    }
    const parent = parentKey(key);
    if (parent && !after.has(parent)) continue;
    if (parent && !before.has(parent)) continue; // inside an element that is itself new
    if ((e.max ?? '*') === '0' || onlyUnfolded(e)) continue; // a prohibited or merely unfolded element adds nothing
    if (requiredInInstances(key, after)) changes.push({ level: 'breaking', code: 'element.mandatory-added', path: key, message: `new mandatory element (min ${e.min})` });
    else changes.push({ level: 'minor', code: 'element.optional-added', path: key, message: `optional element added (${e.min ?? 0}..${e.max ?? '*'})` });
  }
  for (const [key, e] of before) {
    if (after.has(key)) continue;
    const parent = parentKey(key);
    if (parent && !before.has(parent)) continue;
    if (parent && !after.has(parent)) continue;
    if ((e.max ?? '*') === '0' || onlyUnfolded(e)) continue;
    changes.push({ level: 'breaking', code: 'element.removed', path: key, message: 'element removed' });
  }
  return changes;
}

// ---- terminology -----------------------------------------------------------------------------------

interface CodeEntry {
  system: string;
  code: string;
  display?: string;
}

function flatten(concepts: CodeSystemConcept[] | undefined, out: CodeSystemConcept[] = []): CodeSystemConcept[] {
  for (const c of concepts ?? []) {
    out.push(c);
    flatten(c.concept, out);
  }
  return out;
}

/** The codes a value set's compose lists, or undefined when it cannot be enumerated here (filters, imports, unknown systems). */
export function valueSetCodes(vs: ValueSet, side: 'old' | 'new', ctx: CompareContext): Map<string, CodeEntry> | undefined {
  const compose = vs.compose;
  if (!compose) {
    const contains = vs.expansion?.contains;
    if (!contains) return undefined;
    const out = new Map<string, CodeEntry>();
    for (const c of contains) if (c.system && c.code) out.set(`${c.system}|${c.code}`, { system: c.system, code: c.code, display: c.display });
    return out;
  }
  const gather = (includes: ValueSetInclude[]): Map<string, CodeEntry> | undefined => {
    const out = new Map<string, CodeEntry>();
    for (const inc of includes) {
      if (inc.valueSet?.length || inc.filter?.length || !inc.system) return undefined;
      if (inc.concept?.length) {
        for (const c of inc.concept) out.set(`${inc.system}|${c.code}`, { system: inc.system, code: c.code, display: c.display });
        continue;
      }
      const cs = ctx.codeSystem(inc.system, side);
      if (!cs || cs.content !== 'complete') return undefined;
      for (const c of flatten(cs.concept)) out.set(`${inc.system}|${c.code}`, { system: inc.system, code: c.code, display: c.display });
    }
    return out;
  };
  const included = gather(compose.include);
  if (!included) return undefined;
  if (compose.exclude?.length) {
    const excluded = gather(compose.exclude);
    if (!excluded) return undefined;
    for (const k of excluded.keys()) included.delete(k);
  }
  return included;
}

function codeChanges(
  before: Map<string, CodeEntry>,
  after: Map<string, CodeEntry>,
  what: 'valueset' | 'codesystem',
  removalLevel: ChangeLevel,
  why: string,
): Change[] {
  const changes: Change[] = [];
  const label = (e: CodeEntry) => (what === 'valueset' ? `${e.code} (${e.system})` : e.code);
  for (const [k, e] of [...after].sort(([a], [b]) => a.localeCompare(b))) {
    const was = before.get(k);
    if (!was) changes.push({ level: 'minor', code: `${what}.code-added`, path: e.code, message: `code added: ${label(e)}${e.display ? ` "${e.display}"` : ''}` });
    else if ((was.display ?? '') !== (e.display ?? '') && was.display !== undefined && e.display !== undefined)
      changes.push({ level: 'patch', code: `${what}.display-changed`, path: e.code, message: `display of ${label(e)} changed "${was.display}" -> "${e.display}"` });
  }
  for (const [k, e] of [...before].sort(([a], [b]) => a.localeCompare(b))) {
    if (!after.has(k)) changes.push({ level: removalLevel, code: `${what}.code-removed`, path: e.code, message: `code removed: ${label(e)}${why}` });
  }
  return changes;
}

function valueSetChanges(o: ValueSet, n: ValueSet, ctx: CompareContext): Change[] {
  const before = valueSetCodes(o, 'old', ctx);
  const after = valueSetCodes(n, 'new', ctx);
  if (!before || !after) {
    if (sameJson(o.compose ?? null, n.compose ?? null)) return [];
    return [{ level: 'minor', code: 'valueset.definition-changed', path: 'compose', message: `definition changed (codes not enumerable here: filters, imports or an external code system)` }];
  }
  const required = ctx.requiredValueSet(n.url ?? '');
  return codeChanges(before, after, 'valueset', required ? 'breaking' : 'minor', required ? ' (the value set is bound required)' : '');
}

function codeSystemChanges(o: CodeSystem, n: CodeSystem, ctx: CompareContext): Change[] {
  const entries = (cs: CodeSystem) => new Map(flatten(cs.concept).map((c) => [c.code, { system: cs.url ?? '', code: c.code, display: c.display }]));
  const required = ctx.requiredCodeSystem(n.url ?? '');
  const changes = codeChanges(entries(o), entries(n), 'codesystem', required ? 'breaking' : 'minor', required ? ' (a required-bound value set draws on it)' : '');
  const defs = new Map(flatten(o.concept).map((c) => [c.code, c.definition]));
  for (const c of flatten(n.concept)) {
    if (defs.has(c.code) && (defs.get(c.code) ?? '') !== (c.definition ?? '')) changes.push({ level: 'patch', code: 'codesystem.definition-changed', path: c.code, message: `definition of ${c.code} changed` });
  }
  return changes;
}
