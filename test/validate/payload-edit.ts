/** Edits of a JSON payload by simple paths (`entry[0].resource.extension[0].valueCode`), for mutation tests. */
import type { JsonObject, JsonValue } from '../../scripts/model/fhir.js';

type Step = string | number;

function steps(path: string): Step[] {
  const out: Step[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`bad path ${path}`);
    out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

function child(v: JsonValue | undefined, step: Step): JsonValue | undefined {
  if (typeof step === 'number') return Array.isArray(v) ? v[step] : undefined;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v[step] : undefined;
}

export class PayloadEdit {
  constructor(readonly root: JsonObject) {}

  get(path: string): JsonValue | undefined {
    return steps(path).reduce<JsonValue | undefined>(child, this.root);
  }

  set(path: string, value: JsonValue): void {
    const s = steps(path);
    const parent = s.slice(0, -1).reduce<JsonValue | undefined>(child, this.root);
    const last = s[s.length - 1];
    if (Array.isArray(parent) && typeof last === 'number') parent[last] = value;
    else if (parent && typeof parent === 'object' && !Array.isArray(parent) && typeof last === 'string') parent[last] = value;
    else throw new Error(`cannot set ${path}`);
  }

  delete(path: string): void {
    const s = steps(path);
    const parent = s.slice(0, -1).reduce<JsonValue | undefined>(child, this.root);
    const last = s[s.length - 1];
    if (parent && typeof parent === 'object' && !Array.isArray(parent) && typeof last === 'string') delete parent[last];
    else throw new Error(`cannot delete ${path}`);
  }

  /** Adds to the array at `path` (at the end, or at the start with `first`). */
  add(path: string, value: JsonValue, first = false): void {
    const list = this.get(path);
    if (!Array.isArray(list)) throw new Error(`${path} is not an array`);
    if (first) list.unshift(value);
    else list.push(value);
  }

  /** Renames a property (`valueCode` -> `valueString`) keeping its value. */
  rename(path: string, to: string): void {
    const value = this.get(path);
    if (value === undefined) throw new Error(`no ${path}`);
    this.delete(path);
    this.set(path.slice(0, path.lastIndexOf('.') + 1) + to, value);
  }
}
