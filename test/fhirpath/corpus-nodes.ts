/**
 * The nodes of payloads by type context, as the validator's walker meets them: a resource under its type,
 * each property's items under the property's context (a backbone path, else its type), resources inside
 * (contained, Bundle entries) under their own type with themselves as %resource, and the extensions of
 * primitives (`_birthDate.extension`) as Extensions. Each node keeps the resource it belongs to and the
 * payload it came from (for resolve()).
 */
import type { ElementModel } from '../../scripts/resolve/element-model.js';

export interface PayloadNode {
  node: unknown;
  resource: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function nodesByContext(payloads: Iterable<Record<string, unknown>>, model: ElementModel): Map<string, PayloadNode[]> {
  const out = new Map<string, PayloadNode[]>();
  const add = (ctx: string, node: unknown, resource: Record<string, unknown>, payload: Record<string, unknown>) => {
    let list = out.get(ctx);
    if (!list) out.set(ctx, (list = []));
    list.push({ node, resource, payload });
  };
  const walk = (value: Record<string, unknown>, ctx: string, resource: Record<string, unknown>, payload: Record<string, unknown>): void => {
    for (const key of Object.keys(value)) {
      if (key === 'resourceType' || key === 'fhir_comments') continue;
      const v = value[key];
      if (key.startsWith('_')) {
        for (const companion of Array.isArray(v) ? v : [v])
          if (isObject(companion) && Array.isArray(companion.extension))
            for (const ext of companion.extension) if (isObject(ext)) visit(ext, 'Extension', resource, payload);
        continue;
      }
      const prop = model.property(ctx, key);
      if (!prop) continue;
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item === null || item === undefined) continue;
        if (prop.content === 'resource') {
          if (isObject(item) && typeof item.resourceType === 'string') visitResource(item, payload);
          continue;
        }
        const itemCtx = prop.context ?? prop.type;
        if (itemCtx) visit(item, itemCtx, resource, payload);
      }
    }
  };
  const visit = (item: unknown, ctx: string, resource: Record<string, unknown>, payload: Record<string, unknown>) => {
    add(ctx, item, resource, payload);
    if (isObject(item)) walk(item, ctx, resource, payload);
  };
  const visitResource = (r: Record<string, unknown>, payload: Record<string, unknown>) => visit(r, r.resourceType as string, r, payload);
  for (const p of payloads) if (typeof p.resourceType === 'string') visitResource(p, p);
  return out;
}

/**
 * A reference resolver over one payload, by the STU3 rules in their simplest form: `#id` to a contained
 * resource of the referring resource; else a Bundle entry whose fullUrl is the reference, or whose
 * resource is `Type/id`. The same function serves the compiled code and the interpreter.
 */
export function payloadResolver(payload: Record<string, unknown>, resource: Record<string, unknown>): (reference: string) => unknown {
  return (reference) => {
    if (reference.startsWith('#')) return (Array.isArray(resource.contained) ? resource.contained : []).find((c) => isObject(c) && c.id === reference.slice(1));
    const entries = Array.isArray(payload.entry) ? payload.entry.filter(isObject) : [];
    for (const e of entries) {
      const r = e.resource;
      if (!isObject(r)) continue;
      if (e.fullUrl === reference || `${String(r.resourceType)}/${String(r.id)}` === reference) return r;
    }
    return undefined;
  };
}
