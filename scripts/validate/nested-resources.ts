/**
 * The resources inside a resource (contained, Bundle.entry.resource, Parameters.parameter.resource, any
 * element the element model types as a resource), with their FHIRPath locations. The compiled structure
 * schema checks only that such an element holds some resource; each nested one is then validated with
 * its own validator.
 *
 * The walk only enters elements whose type can reach a resource-typed element (worked out once per type
 * context from the element model and memoised): datatypes such as CodeableConcept or Extension never
 * hold resources, so a payload's bulk is skipped.
 */
import { upperFirst, type ElementModel, type ResolvedProperty } from '../resolve/element-model.js';

export interface NestedResource {
  resource: Record<string, unknown>;
  location: string;
}

/** Per element model: type context -> whether anything beneath it can hold a resource. */
const reachCache = new WeakMap<ElementModel, Map<string, boolean>>();

function canReachResource(model: ElementModel, context: string, visiting?: Set<string>): boolean {
  let cache = reachCache.get(model);
  if (!cache) reachCache.set(model, (cache = new Map()));
  const known = cache.get(context);
  if (known !== undefined) return known;
  visiting ??= new Set<string>();
  if (visiting.has(context)) return false; // a cycle adds nothing new; the outer call decides
  visiting.add(context);
  let reach = false;
  for (const child of model.children(context) ?? []) {
    for (const type of child.types.length ? child.types : ['']) {
      const prop = model.property(context, child.choice ? child.name + upperFirst(type) : child.name);
      if (!prop) continue;
      if (prop.content === 'resource' || (prop.content === 'complex' && prop.context && canReachResource(model, prop.context, visiting))) reach = true;
      if (reach) break;
    }
    if (reach) break;
  }
  visiting.delete(context);
  if (reach || visiting.size === 0) cache.set(context, reach);
  return reach;
}

/** Per element model: type context -> its properties that hold a resource or lead to one (empty: skip the context). */
const pathCache = new WeakMap<ElementModel, Map<string, ReadonlyMap<string, ResolvedProperty>>>();

function resourcePaths(model: ElementModel, context: string): ReadonlyMap<string, ResolvedProperty> {
  let cache = pathCache.get(model);
  if (!cache) pathCache.set(model, (cache = new Map()));
  let paths = cache.get(context);
  if (!paths) {
    const found = new Map<string, ResolvedProperty>();
    if (canReachResource(model, context))
      for (const [name, prop] of model.context(context)?.properties ?? [])
        if (prop.content === 'resource' || (prop.content === 'complex' && prop.context && canReachResource(model, prop.context))) found.set(name, prop);
    cache.set(context, (paths = found));
  }
  return paths;
}

interface Frame {
  value: Record<string, unknown>;
  context: string;
  location: string;
}

/** Every resource nested in `root` (recursively), found by walking the element model. */
export function nestedResources(root: Record<string, unknown>, location: string, model: ElementModel): NestedResource[] {
  const out: NestedResource[] = [];
  const type = root.resourceType;
  if (typeof type !== 'string' || !model.isResourceType(type)) return out;
  const stack: Frame[] = [{ value: root, context: type, location }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const paths = resourcePaths(model, frame.context);
    if (paths.size === 0) continue;
    // The few properties that lead to resources, looked up (not every key of the object walked).
    for (const [key, prop] of paths) {
      if (!Object.hasOwn(frame.value, key)) continue;
      const v = frame.value[key];
      const many = Array.isArray(v);
      const items: unknown[] = many ? v : [v];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
        const obj = item as Record<string, unknown>;
        const at = many ? `${frame.location}.${key}[${i}]` : `${frame.location}.${key}`;
        if (prop.content === 'resource') {
          if (typeof obj.resourceType !== 'string' || !model.isResourceType(obj.resourceType)) continue;
          out.push({ resource: obj, location: at });
          stack.push({ value: obj, context: obj.resourceType, location: at });
        } else stack.push({ value: obj, context: prop.context as string, location: at });
      }
    }
  }
  return out;
}
