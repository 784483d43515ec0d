/**
 * The resources inside a resource (contained, Bundle.entry.resource, Parameters.parameter.resource, any
 * element the element model types as a resource), with their FHIRPath locations. The compiled structure
 * schema checks only that such an element holds some resource; each nested one is then validated with
 * its own validator.
 */
import type { ElementModel } from '../resolve/element-model.js';

export interface NestedResource {
  resource: Record<string, unknown>;
  location: string;
}

/** Every resource nested in `root` (recursively, outermost first), found by walking the element model. */
export function nestedResources(root: Record<string, unknown>, location: string, model: ElementModel): NestedResource[] {
  const out: NestedResource[] = [];
  const type = root.resourceType;
  if (typeof type !== 'string' || !model.isResourceType(type)) return out;
  const stack: Array<{ value: Record<string, unknown>; context: string; location: string }> = [{ value: root, context: type, location }];
  while (stack.length > 0) {
    const { value, context, location: at } = stack.pop() as (typeof stack)[number];
    const found: Array<(typeof stack)[number]> = [];
    for (const [key, v] of Object.entries(value)) {
      if (key === 'resourceType' || key.startsWith('_')) continue;
      const prop = model.property(context, key);
      if (!prop || prop.content === 'primitive' || prop.content === 'xhtml') continue;
      const items = Array.isArray(v) ? v : [v];
      items.forEach((item, i) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) return;
        const itemAt = Array.isArray(v) ? `${at}.${key}[${i}]` : `${at}.${key}`;
        const obj = item as Record<string, unknown>;
        if (prop.content === 'resource') {
          if (typeof obj.resourceType !== 'string' || !model.isResourceType(obj.resourceType)) return;
          out.push({ resource: obj, location: itemAt });
          found.push({ value: obj, context: obj.resourceType, location: itemAt });
        } else if (prop.context) found.push({ value: obj, context: prop.context, location: itemAt });
      });
    }
    for (let i = found.length - 1; i >= 0; i--) stack.push(found[i]);
  }
  return out;
}
