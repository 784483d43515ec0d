import { readFileSync } from 'node:fs';
import { validatorSetup } from '../test/validate/validator-setup.js';
const { validator } = await validatorSetup();
const ex = JSON.parse(readFileSync('/work/shared/corpus/gpconnect-examples/appointments/search_for_free_slots_response_example.json', 'utf8'));
const slot = ex.entry.find((e: any) => e.resource.resourceType === 'Slot');
const bundle = (n: number) => Buffer.from(JSON.stringify({ ...ex, entry: [...ex.entry.filter((e: any) => e.resource.resourceType !== 'Slot'), ...Array.from({ length: n }, (_, i) => ({ ...slot, fullUrl: 'Slot/s' + i, resource: { ...slot.resource, id: 's' + i } }))] }));
const contained = (n: number) => Buffer.from(JSON.stringify({ resourceType: 'Patient', id: 'p', contained: Array.from({ length: n }, (_, i) => ({ resourceType: 'Organization', id: 'o' + i, name: 'x' })), managingOrganization: { reference: '#o0' }, generalPractitioner: Array.from({ length: n }, (_, i) => ({ reference: '#o' + i })) }));
const engine = (validator as any).parts.semantic.invariants;
const orig = engine.check.bind(engine);
const times = new Map<string, number>();
engine.check = (c: any, ...rest: any[]) => { const s = performance.now(); const r = orig(c, ...rest); const k = c.key; times.set(k, (times.get(k) ?? 0) + performance.now() - s); return r; };
for (const [name, make, sizes] of [['bundle', bundle, [500, 1000, 2000]], ['contained', contained, [250, 500, 1000]]] as const) {
  for (const n of sizes) {
    times.clear();
    const b = (make as any)(n);
    const s = performance.now(); const r = validator.jsonIssues(b); const ms = performance.now() - s;
    const top = [...times].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k}:${v.toFixed(0)}`).join(' ');
    console.log(name, n, ms.toFixed(0) + 'ms', r.length, 'issues; top', top);
  }
}
