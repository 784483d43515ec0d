/**
 * An element of the semantic walk as the holder of its extensions (extension-context.ts), described in
 * every way an extension's context can name it; its logical path is made only when a context needs it.
 */
import type { ExtensionHolder } from './extension-context.js';
import type { NodePlan } from './node-plan.js';
import type { WalkScope } from './slice-navigation.js';

/** An element of a walk as an extension's holder (a class: one small object per element with extensions, its logical path made only when a context needs it). */
export class ElementHolder implements ExtensionHolder {
  private path: string | undefined | null = null;

  constructor(
    private readonly plan: NodePlan,
    readonly extensionUrl: string | undefined,
    private readonly location: string,
    private readonly scope: WalkScope,
  ) {}

  get elementPaths(): readonly string[] {
    return this.plan.elementPaths;
  }

  get types(): readonly string[] {
    return this.plan.types;
  }

  get logicalPath(): string | undefined {
    if (this.path === null) this.path = logicalPath(this.location, this.scope);
    return this.path;
  }
}

/** A location's path in its resource without indexes (`Patient.name.family`), when the walk knows where the resource starts. */
export function logicalPath(location: string, scope: WalkScope): string | undefined {
  if (scope.location === undefined || !location.startsWith(scope.location)) return undefined;
  return scope.root.resourceType + location.slice(scope.location.length).replace(/\[\d+\]/g, '');
}
