/**
 * Remembers where each input node came from without touching the node itself: readers record
 * a location for the objects they build (a resource, a differential element), later stages ask.
 */
import type { Locator, SourceLocation } from './diagnostics.js';

export class SourceMap {
  private readonly locations = new WeakMap<object, SourceLocation>();
  /** Per file, where a FHIRPath from its resource's root is: findings on a field get the field's line. */
  private readonly locators = new Map<string, Locator>();

  addLocator(file: string, locator: Locator): void {
    this.locators.set(file, locator);
  }

  record(node: object, location: SourceLocation): void {
    this.locations.set(node, location);
  }

  locate(node: object): SourceLocation | undefined {
    return this.locations.get(node);
  }

  /**
   * The location of the deepest recorded node on a FHIRPath (`Patient.name[1].given`) inside `root`,
   * with that path: a finding inside a resource points at its element's line, not the resource's.
   */
  atPath(root: object, expression: string): SourceLocation {
    const exact = this.exact(this.locations.get(root), expression);
    if (exact) return exact;
    let node: unknown = root;
    let best = this.locations.get(root) ?? {};
    for (const segment of expression.split('.').slice(1)) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$/.exec(segment);
      if (!m || typeof node !== 'object' || node === null) break;
      let next: unknown = (node as Record<string, unknown>)[m[1] as string];
      if (Array.isArray(next)) next = next[m[2] === undefined ? 0 : Number(m[2])];
      if (typeof next !== 'object' || next === null) break;
      node = next;
      const here = this.locations.get(next);
      if (here) best = here;
    }
    return { ...best, path: expression };
  }

  /** The node's location with a FHIRPath added (or replaced), for a diagnostic. */
  at(node: object, path?: string): SourceLocation {
    const base = this.locations.get(node) ?? {};
    if (path === undefined) return { ...base };
    return this.exact(base, path) ?? { ...base, path };
  }

  /** The location of a FHIRPath (from the resource root) in the node's file, when the file has a locator that finds it. */
  private exact(base: SourceLocation | undefined, path: string): SourceLocation | undefined {
    const at = base?.file !== undefined ? this.locators.get(base.file)?.(path) : undefined;
    if (!at) return undefined;
    // The base's column belongs to its own line: only the locator's goes with the locator's line.
    return { file: base?.file, line: at.line, ...(at.column !== undefined ? { column: at.column } : {}), path };
  }
}
