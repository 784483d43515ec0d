/**
 * Remembers where each input node came from without touching the node itself: readers record
 * a location for the objects they build (a resource, a differential element), later stages ask.
 */
import type { SourceLocation } from './diagnostics.js';

export class SourceMap {
  private readonly locations = new WeakMap<object, SourceLocation>();

  record(node: object, location: SourceLocation): void {
    this.locations.set(node, location);
  }

  locate(node: object): SourceLocation | undefined {
    return this.locations.get(node);
  }

  /** The node's location with a FHIRPath added (or replaced), for a diagnostic. */
  at(node: object, path?: string): SourceLocation {
    const base = this.locations.get(node) ?? {};
    return path === undefined ? { ...base } : { ...base, path };
  }
}
