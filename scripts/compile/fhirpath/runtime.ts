/**
 * The runtime shared by compiled FHIRPath expressions, as JavaScript source: a module of compiled
 * invariants carries it once (emitted modules load as plain ESM with no dependency, like the structure
 * validators), and in-process loading evaluates the same text. It is text rather than TypeScript functions
 * serialised with toString() because the TypeScript loaders rename and wrap functions.
 *
 * Values: a collection is an array. An item is a JSON value as the payload holds it, or a `P` (a FHIR
 * primitive element whose JSON has a `_name` companion carrying id/extension, or whose value is null).
 * Date/time values are compared by the precision rules of FHIRPath; values with a time and no offset are
 * taken as UTC. Errors of evaluation throw FhirPathError; input the compiled code does not evaluate
 * (a cross-unit UCUM comparison, %resource of another type than compiled for) throws Delegate, and the
 * caller evaluates that node with the interpreter.
 */

/** The names the runtime object defines (the compiled code reaches them as `rt.<name>`). */
export const RUNTIME_NAMES = [
  'c1', 'neg', 'ord', 'isConst', 'asConst', 'last', 'single', 'P', 'FhirPathError', 'Delegate', 'val', 'one', 'bool', 'nav', 'navCount', 'navChoice', 'choiceTagged', 'taggedIs', 'taggedAs', 'taggedOfType',
  'and', 'or', 'xor', 'implies', 'not', 'eq', 'equiv', 'cmp', 'distinct', 'isDistinct', 'union', 'member', 'crit', 'allTrue', 'str',
  'strOpt', 'matches', 'substring', 'toInteger', 'toStr', 'concat', 'plus', 'children', 'descendants', 'hasValue', 'resource', 'resolve',
  'verdict', 'isResource',
] as const;

export const RUNTIME_SOURCE = String.raw`
class P { constructor(v, e) { this.v = v; this.e = e; } }
class FhirPathError extends Error {}
class Delegate extends Error {}
const val = (x) => (x instanceof P ? x.v : x);
const some = (x) => x !== null && x !== undefined;
const fail = (m) => { throw new FhirPathError(m); };
const one = (c, what) => (c.length > 1 ? fail('expected a single item for ' + what + ', got ' + c.length) : c[0]);
const c1 = (x) => (x === undefined ? [] : [x]);
const neg = (b) => (b === undefined ? undefined : !b);
/** A comparison's result (see cmp()) as a Boolean: op 0 '<', 1 '<=', 2 '>', 3 '>='. */
const ord = (c, op) => (c === null ? undefined : op === 0 ? c < 0 : op === 1 ? c <= 0 : op === 2 ? c > 0 : c >= 0);
/** is/as with a type known at compile time: the single item's verdict. */
function isConst(c, b) {
  if (c.length === 0) return undefined;
  if (c.length > 1) fail("expected a single item on the left of 'is'");
  return b;
}
function asConst(c, b) {
  if (c.length > 1) fail("expected a single item on the left of 'as'");
  return b ? c : [];
}
const last = (c) => c[c.length - 1];
function single(c) {
  if (c.length > 1) fail('single() on ' + c.length + ' items');
  return c[0];
}

function bool(c) {
  if (c.length === 0) return undefined;
  if (c.length > 1) fail('expected a single Boolean, got ' + c.length + ' items');
  const v = val(c[0]);
  if (!some(v)) return undefined;
  return v === true || v === false ? v : true;
}

function push(out, v, c) {
  if (Array.isArray(v)) {
    const cs = Array.isArray(c) ? c : undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      const e = cs === undefined ? undefined : cs[i];
      out.push(some(e) || x === null ? new P(x, e) : x);
    }
    if (cs !== undefined) for (let i = v.length; i < cs.length; i++) out.push(new P(null, cs[i]));
  } else if (some(v)) out.push(some(c) ? new P(v, c) : v);
  else if (Array.isArray(c)) for (const e of c) out.push(new P(null, e));
  else if (some(c)) out.push(new P(null, c));
}

// Property names arrive as constants (the name and its '_' companion, a choice's names per type), never
// joined here: a key made at run time is looked up by its characters, a constant by identity.
function nav(c, name, uname) {
  const out = [];
  for (const x of c) {
    if (x instanceof P) {
      if (x.e !== null && typeof x.e === 'object') push(out, x.e[name], undefined);
    } else if (x !== null && typeof x === 'object' && !Array.isArray(x)) push(out, x[name], x[uname]);
  }
  return out;
}

/** How many items push(out, v, c) adds. */
function added(v, c) {
  if (Array.isArray(v)) return Array.isArray(c) && c.length > v.length ? c.length : v.length;
  if (some(v)) return 1;
  return Array.isArray(c) ? c.length : some(c) ? 1 : 0;
}

/** nav(c, name, uname).length, without making the collection (count(), empty() and exists() on a path, in nearly every invariant). */
function navCount(c, name, uname) {
  let n = 0;
  for (let i = 0; i < c.length; i++) {
    const x = c[i];
    if (x instanceof P) {
      if (x.e !== null && typeof x.e === 'object') n += added(x.e[name], undefined);
    } else if (x !== null && typeof x === 'object' && !Array.isArray(x)) n += added(x[name], x[uname]);
  }
  return n;
}

// A choice of many types (value[x]: 38 names and their '_' companions) is found from the object's few
// keys, each looked up in the choice's names (indexed once per constant array), not by a lookup of
// every name in the object.
const CHOICE_INDEX = new WeakMap();
function choiceIndex(keys, ukeys) {
  let index = CHOICE_INDEX.get(keys);
  if (index === undefined) {
    index = new Map();
    for (let i = 0; i < keys.length; i++) index.set(keys[i], i).set(ukeys[i], i);
    CHOICE_INDEX.set(keys, index);
  }
  return index;
}

/** The index of the first of a choice's types the object has a value or '_' companion of (-1: none). */
function chosen(x, keys, ukeys) {
  if (x === null || typeof x !== 'object' || Array.isArray(x) || x instanceof P) return -1;
  if (keys.length <= 8) {
    for (let i = 0; i < keys.length; i++) if (x[keys[i]] !== undefined || x[ukeys[i]] !== undefined) return i;
    return -1;
  }
  const index = choiceIndex(keys, ukeys);
  let first = -1;
  for (const k in x) {
    const i = index.get(k);
    if (i !== undefined && (first < 0 || i < first) && x[k] !== undefined) first = i;
  }
  return first;
}

function navChoice(c, keys, ukeys) {
  const out = [];
  for (const x of c) {
    const i = chosen(x, keys, ukeys);
    if (i >= 0) push(out, x[keys[i]], x[ukeys[i]]);
  }
  return out;
}

/** A choice element's items with the index of their type: { items, tags }. */
function choiceTagged(c, keys, ukeys) {
  const items = [];
  const tags = [];
  for (const x of c) {
    const i = chosen(x, keys, ukeys);
    if (i < 0) continue;
    const before = items.length;
    push(items, x[keys[i]], x[ukeys[i]]);
    for (let j = before; j < items.length; j++) tags.push(i);
  }
  return { items, tags };
}
function taggedIs(t, mask) {
  if (t.items.length === 0) return undefined;
  if (t.items.length > 1) fail("expected a single item on the left of 'is'");
  return mask[t.tags[0]];
}
function taggedAs(t, mask) {
  if (t.items.length > 1) fail("expected a single item on the left of 'as'");
  return t.items.length === 1 && mask[t.tags[0]] ? t.items : [];
}
const taggedOfType = (t, mask) => t.items.filter((_, i) => mask[t.tags[i]]);

const and = (a, b) => (a === false || b === false ? false : a === undefined || b === undefined ? undefined : true);
const or = (a, b) => (a === true || b === true ? true : a === undefined || b === undefined ? undefined : false);
const xor = (a, b) => (a === undefined || b === undefined ? undefined : a !== b);
const implies = (a, b) => (a === false || b === true ? true : a === undefined || b === undefined ? undefined : false);
function not(c) {
  const b = bool(c);
  return b === undefined ? undefined : !b;
}

// ---- equality: fhirpath.js compares FHIR nodes with their id/extension companions too ----
const roundNum = (x) => Math.round(x / 1e-8) * 1e-8;
function decimals(x) {
  const m = /(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec('' + +x);
  if (!m) return 0;
  return Math.max(0, (m[2] === '0' ? 0 : (m[2] || '').length) - (m[3] || 0));
}
function numEquiv(a, b) {
  if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
  const p = Math.min(decimals(a), decimals(b));
  if (p === 0) return Math.round(a) === Math.round(b);
  const s = Math.pow(10, p);
  return Math.round(a * s) / s === Math.round(b * s) / s;
}
const normStr = (s) => s.toUpperCase().replace(/\p{White_Space}/gu, ' ');

/** JSON values compared deeply (object keys in any order): what fhirpath.js does for complex values. */
function deep(a, b, fuzzy) {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if (fuzzy) {
    if (ta === 'string' && tb === 'string') return normStr(a) === normStr(b);
    if (ta === 'number' && tb === 'number') return numEquiv(a, b);
  } else if (ta === 'number' && tb === 'number') return roundNum(a) === roundNum(b);
  if (!some(a) || !some(b) || ta !== 'object' || tb !== 'object') return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return false;
  for (const k of ka) if (!deep(a[k], b[k], fuzzy)) return false;
  return true;
}

// ---- date/time values (date, dateTime, instant): precision 0 year .. 5 second ----
const DT_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?T?$/;
class DT {
  constructor(s, m) {
    this.s = s;
    this.p = m[6] !== undefined ? 5 : m[5] !== undefined ? 4 : m[4] !== undefined ? 3 : m[3] !== undefined ? 2 : m[2] !== undefined ? 1 : 0;
    const ms = m[7] ? Number((m[7].slice(1) + '00').slice(0, 3)) : 0;
    let t = Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? Math.min(+m[6], 59) : 0, ms);
    if (m[1] < '0100') { const d = new Date(t); d.setUTCFullYear(+m[1]); t = d.getTime(); }
    const z = m[8];
    if (z && z !== 'Z') t -= (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(4, 6))) * 60000;
    this.t = t;
  }
  at(p) {
    if (p >= this.p) return this.t;
    const d = new Date(this.t);
    return Date.UTC(d.getUTCFullYear(), p > 0 ? d.getUTCMonth() : 0, p > 1 ? d.getUTCDate() : 1, p > 2 ? d.getUTCHours() : 0, p > 3 ? d.getUTCMinutes() : 0);
  }
  compare(o) {
    const a = this.at(o.p);
    const b = o.at(this.p);
    return this.p !== o.p && a === b ? null : a - b;
  }
  equals(o) {
    if (this.p === o.p) return this.t === o.t;
    const p = Math.min(this.p, o.p);
    return this.at(p) === o.at(p) ? undefined : false;
  }
  equivalent(o) { return this.p === o.p && this.t === o.t; }
}
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/**
 * A value of a date/time kind ('date', 'dateTime', 'instant') as a DT, or the value itself when it is not
 * a valid one of its kind (fhirpath.js keeps such values as strings); any other kind: the value.
 */
function dt(v, kind) {
  if (typeof v !== 'string' || (kind !== 'date' && kind !== 'dateTime' && kind !== 'instant')) return v;
  const m = DT_RE.exec(v);
  if (!m || (v.includes('T') && v.indexOf('T') !== v.lastIndexOf('T'))) return v;
  if (kind === 'date' && v.includes('T')) return v;
  if (kind === 'instant' && (m[6] === undefined || m[8] === undefined || v.endsWith('T'))) return v;
  if (m[3] !== undefined) {
    const y = +m[1];
    const mo = +m[2];
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    if (mo < 1 || mo > 12 || +m[3] < 1 || +m[3] > (mo === 2 && leap ? 29 : DAYS[mo - 1])) return v;
  } else if (m[2] !== undefined && (+m[2] < 1 || +m[2] > 12)) return v;
  if (m[4] !== undefined && (+m[4] > 23 || (m[5] !== undefined && +m[5] > 59) || (m[6] !== undefined && +m[6] > 60))) return v;
  if (m[8] && m[8] !== 'Z' && (+m[8].slice(1, 3) > 14 || +m[8].slice(4, 6) > 59 || (m[8].slice(1, 3) === '14' && m[8].slice(4, 6) !== '00'))) return v;
  return new DT(v, m);
}

/** Two items equal (kx, ky: their date/time kinds, see dt()); nodes: both are FHIR nodes (their companions must match too). */
function eqItem(x, y, kx, ky, nodes) {
  const a = dt(val(x), kx);
  const b = dt(val(y), ky);
  const same = () => !nodes || deep(x instanceof P ? x.e : undefined, y instanceof P ? y.e : undefined, false);
  if (a === b) return same();
  if (a instanceof DT || b instanceof DT) {
    if (!(a instanceof DT && b instanceof DT)) return false;
    const r = a.equals(b);
    return r ? same() : r;
  }
  if (typeof a === 'number' && typeof b === 'number') return roundNum(a) === roundNum(b);
  if (!some(a) || !some(b) || typeof a !== 'object' || typeof b !== 'object') return false;
  return deep(a, b, false);
}

function eq(l, r, kl, kr, nodes) {
  if (l.length === 0 || r.length === 0) return undefined;
  if (l.length !== r.length) return false;
  if (l.length === 1) return eqItem(l[0], r[0], kl, kr, nodes);
  for (let i = 0; i < l.length; i++) if (!eqItem(l[i], r[i], kl, kr, nodes)) return false;
  return true;
}

function equivItem(x, y, kx, ky) {
  const a = dt(val(x), kx);
  const b = dt(val(y), ky);
  if (a instanceof DT || b instanceof DT) return a instanceof DT && b instanceof DT && a.equivalent(b);
  return deep(a, b, true);
}
/** Equivalence: empty ~ empty is true; collections match item for item in any order. */
function equiv(l, r, kl, kr) {
  if (l.length !== r.length) return false;
  const used = new Array(r.length).fill(false);
  for (const x of l) {
    const j = r.findIndex((y, i) => !used[i] && equivItem(x, y, kl, kr));
    if (j < 0) return false;
    used[j] = true;
  }
  return true;
}

// ---- ordering: kl/kr are date/time kinds (see dt()), or 'quantity' ----
const UCUM = 'http://unitsofmeasure.org';
function cmpQuantity(a, b) {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) fail('a quantity compared with another kind of value');
  const ucum = (q) => q.system === UCUM && typeof q.value === 'number' && typeof q.code === 'string';
  if (ucum(a) && ucum(b)) {
    if (a.comparator !== undefined || b.comparator !== undefined) fail('a quantity with a comparator cannot be compared');
    if (a.code !== b.code) throw new Delegate('quantities in different UCUM units');
    return a.value - b.value;
  }
  return null; // not comparable without UCUM units: empty
}
/** l, r: collections; the result of comparing their single items, as a number (<0, 0, >0) or null for empty. */
function cmp(l, r, kl, kr) {
  if (l.length === 0 || r.length === 0) return null;
  if (l.length > 1 || r.length > 1) fail('expected single items to compare');
  const a = dt(val(l[0]), kl);
  const b = dt(val(r[0]), kr);
  if (!some(a) || !some(b)) return null;
  if (kl === 'quantity' && kr === 'quantity') return cmpQuantity(a, b);
  if (a instanceof DT && b instanceof DT) return a.compare(b);
  if (a instanceof DT || b instanceof DT) fail('a date/time compared with a value that is not one');
  if (typeof a !== typeof b) fail('values of different types compared');
  if (typeof a === 'object') return null;
  return a < b ? -1 : a > b ? 1 : 0;
}

function distinct(c, k, nodes) {
  const out = [];
  for (const x of c) if (!out.some((y) => eqItem(y, x, k, k, nodes))) out.push(x);
  return out;
}
const isDistinct = (c, k, nodes) => distinct(c, k, nodes).length === c.length;
const union = (a, b, k, nodes) => distinct(a.concat(b), k, nodes);
/** x in c (membership): x's single item equal to some item of c (kx, kc: date/time kinds). */
function member(x, c, kx, kc, nodes) {
  if (x.length === 0) return undefined;
  if (c.length === 0) return false;
  if (x.length > 1) fail("expected a single item on the left of 'in'");
  for (const y of c) if (eqItem(y, x[0], kc, kx, nodes)) return true;
  return false;
}

/**
 * A where() criterion's result: kept when its first item counts as true. A FHIR node (nodes) counts as
 * true, a FHIR boolean node as its value (boolNode); a System value as true unless false (or 0 or '').
 */
function crit(c, nodes, boolNode) {
  if (c.length === 0) return false;
  const v = c[0];
  if (boolNode) return val(v) !== false;
  if (nodes) return true;
  return v !== false && v !== 0 && v !== '' && some(v);
}
/** all(): true only for a single true item. */
const allTrue = (c) => c.length === 1 && val(c[0]) === true;

// ---- strings ----
function str(c, what) {
  const x = one(c, what);
  if (x === undefined) return undefined;
  const v = val(x);
  if (!some(v)) return undefined;
  return typeof v === 'string' ? v : fail(what + ' expects a String, got ' + typeof v);
}
const strOpt = (c, what) => (c.length === 0 ? undefined : str(c, what));
const REGEX = new Map();
function matches(s, re) {
  if (s === undefined || re === undefined) return undefined;
  let r = REGEX.get(re);
  if (!r) REGEX.set(re, (r = new RegExp(re, 'us')));
  return r.test(s);
}
function substring(s, start, length) {
  if (s === undefined || start === undefined) return undefined;
  if (start < 0 || start >= s.length) return undefined;
  return length === undefined ? s.substring(start) : s.substring(start, start + length);
}
function toInteger(c) {
  const x = one(c, 'toInteger()');
  if (x === undefined) return undefined;
  const v = val(x);
  if (v === true) return 1;
  if (v === false) return 0;
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  return typeof v === 'string' && /^[+-]?\d+$/.test(v) ? parseInt(v, 10) : undefined;
}
function toStr(c) {
  const x = one(c, 'toString()');
  if (x === undefined) return undefined;
  const v = val(x);
  return some(v) ? String(v) : undefined;
}
const concat = (a, b) => (a === undefined ? '' : a) + (b === undefined ? '' : b);
function plus(l, r, k) {
  if (l.length === 0 || r.length === 0) return undefined;
  if (l.length > 1 || r.length > 1) fail("expected single items for '+'");
  const a = val(l[0]);
  const b = val(r[0]);
  if (!some(a) || !some(b)) return undefined;
  if (typeof a !== typeof b || typeof a !== (k === 'string' ? 'string' : 'number')) fail("'+' on values of different types");
  return a + b;
}

// ---- tree functions ----
function children(c) {
  const out = [];
  for (const x of c) {
    if (x instanceof P) {
      if (x.e !== null && typeof x.e === 'object' && !Array.isArray(x.e)) for (const k in x.e) push(out, x.e[k], undefined);
    } else if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
      for (const k in x) {
        if (k.charCodeAt(0) === 95) { const b = k.slice(1); if (!Object.prototype.hasOwnProperty.call(x, b)) push(out, x[b], x[k]); }
        else if (k !== 'resourceType') push(out, x[k], x['_' + k]);
      }
    }
  }
  return out;
}
function descendants(c) {
  const out = [];
  for (let level = children(c); level.length > 0; level = children(level)) for (const x of level) out.push(x);
  return out;
}
/** hasValue(): a single primitive item with a value (prim: the items' static type is primitive; undefined: judge by the JSON value). */
function hasValue(c, prim) {
  if (c.length !== 1) return false;
  const v = val(c[0]);
  if (!some(v)) return false;
  return prim === undefined ? typeof v !== 'object' : prim;
}

// ---- environment ----
/** %resource/%rootResource as compiled for: the resource of that type, else the interpreter decides. */
function resource(r, type) {
  if (!some(r)) return [];
  if (type !== undefined && r.resourceType !== type) throw new Delegate('%resource is a ' + r.resourceType + ', compiled for ' + type);
  return [r];
}
const isResource = (x, type) => x !== null && typeof x === 'object' && !(x instanceof P) && typeof x.resourceType === 'string' && (type === undefined || x.resourceType === type);

/** resolve(): each Reference's target through env.resolve (a function of the reference string), else none. */
function resolve(c, env) {
  const out = [];
  const fn = env && env.resolve;
  if (typeof fn !== 'function') return out;
  for (const x of c) {
    const ref = x !== null && typeof x === 'object' && !(x instanceof P) ? x.reference : undefined;
    if (typeof ref !== 'string') continue;
    const target = fn(ref);
    if (target !== null && typeof target === 'object') out.push(target);
  }
  return out;
}

/** The invariant's verdict for a result: holds when the result is empty or every item is true. */
function verdict(r) {
  if (r === undefined || r === true) return true;
  if (r === false) return false;
  for (const x of r) if (val(x) !== true) return false;
  return true;
}
`;
