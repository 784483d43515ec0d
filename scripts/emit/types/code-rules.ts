/**
 * What the type guards check beyond the structure validator: the literal unions the types give to codes
 * with a required binding. The structure validator (scripts/compile/) leaves bindings and slices to
 * the semantic layer, so without this a guard would narrow `{ status: 'bookedd' }` to a type whose `status`
 * cannot hold it. Rules are collected while the types are written (structure-types.ts), per declared type:
 * property -> rule; this module prunes them to what leads to a code and writes the runtime check.
 */

/** How one property's value is checked (arrays item by item; absent values always pass). */
export type CodeRule =
  /** A code: one of these. */
  | { readonly codes: readonly string[] }
  /** An object of a declared type: that type's rules. */
  | { readonly type: string }
  /** An inline object (a Coding or CodeableConcept with a bound code). */
  | { readonly props: Readonly<Record<string, CodeRule>> }
  /** A resource: the rules of its `resourceType`. */
  | { readonly resource: true }
  /** Sliced items (extensions): the rule of the slice whose URL the item has, else `other`. */
  | { readonly byUrl: Readonly<Record<string, CodeRule>>; readonly other?: CodeRule };

export type CodeRules = ReadonlyMap<string, Readonly<Record<string, CodeRule>>>;

/** The rules that can reach a code, by type name (sorted), with every other property and type left out. */
export function pruneCodeRules(rules: CodeRules): Record<string, Record<string, CodeRule>> {
  const relevant = new Set<string>();
  const resourceTypes = [...rules.keys()];
  let anyResource = false;
  const reaches = (rule: CodeRule): boolean => {
    if ('codes' in rule) return true;
    if ('type' in rule) return relevant.has(rule.type);
    if ('props' in rule) return Object.values(rule.props).some(reaches);
    if ('resource' in rule) return anyResource;
    return Object.values(rule.byUrl).some(reaches) || (rule.other !== undefined && reaches(rule.other));
  };
  // Fixpoint: a type is relevant when one of its properties reaches a code (through types found so far).
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, props] of rules) {
      if (!relevant.has(name) && Object.values(props).some(reaches)) {
        relevant.add(name);
        changed = true;
      }
    }
    if (!anyResource && resourceTypes.some((t) => relevant.has(t))) anyResource = changed = true;
  }
  const prune = (rule: CodeRule): CodeRule | undefined => {
    if (!reaches(rule)) return undefined;
    if ('props' in rule) return { props: pruneProps(rule.props) };
    if ('byUrl' in rule) {
      const byUrl: Record<string, CodeRule> = {};
      for (const [url, r] of Object.entries(rule.byUrl).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const kept = prune(r);
        if (kept) byUrl[url] = kept;
      }
      const other = rule.other && prune(rule.other);
      return other ? { byUrl, other } : { byUrl };
    }
    return rule;
  };
  const pruneProps = (props: Readonly<Record<string, CodeRule>>): Record<string, CodeRule> => {
    const out: Record<string, CodeRule> = {};
    for (const [key, rule] of Object.entries(props)) {
      const kept = prune(rule);
      if (kept) out[key] = kept;
    }
    return out;
  };
  const out: Record<string, Record<string, CodeRule>> = {};
  for (const name of [...relevant].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[name] = pruneProps(rules.get(name) ?? {});
  return out;
}

/** The runtime check (plain ESM), over a `rules` table of {@link pruneCodeRules}'s shape. */
export const CODE_CHECK_SOURCE = `
const own = (table, key) => (typeof key === 'string' && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined);
function conforms(value, rule) {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.every((item) => conforms(item, rule));
  if (rule.codes) return typeof value !== 'string' || rule.codes.includes(value);
  if (typeof value !== 'object') return true;
  if (rule.type) return conformsTo(value, rules[rule.type]);
  if (rule.props) return conformsTo(value, rule.props);
  if (rule.resource) return conformsTo(value, own(rules, value.resourceType));
  if (rule.byUrl) {
    const slice = own(rule.byUrl, value.url) ?? rule.other;
    return slice === undefined || conforms(value, slice);
  }
  return true;
}
function conformsTo(value, props) {
  if (props === undefined) return true;
  for (const key of Object.keys(props)) if (!conforms(value[key], props[key])) return false;
  return true;
}`;
