/**
 * Generated walks (walk-codegen.ts) made functions, in two ways:
 *
 * - in-process: a validator generates the code of a plan (and of the plans it reaches that have none) the
 *   first time it walks it, and links it to the plans at once;
 * - from the build: the build emits the code of its profiles' plans as a module (WALK_MODULE_FILE) with a
 *   descriptor of each plan (element, type, context, and a signature of what the plan decided); a built
 *   project's validator finds the same plans from its definitions, checks each signature, and links the
 *   module only when every one agrees (else it says why, and generates in-process instead).
 */
import { createHash } from 'node:crypto';
import type { StructureDefinition } from '../model/fhir.js';
import type { NodePlan, NodePlanner, PropertyPlan, WalkFunction } from './node-plan.js';
import { profileTree } from './profile-tree.js';
import { generateWalk, WALK_HELPERS, type GeneratedWalk, type LinkedWalk, type WalkGeneratorInput, type WalkTables } from './walk-codegen.js';

export const WALK_MODULE_FILE = 'validation/walk.mjs';

type Body = (P: NodePlan[], Q: PropertyPlan[], H: typeof WALK_HELPERS) => LinkedWalk;

/**
 * Generates and links the code of a plan and of the plans below it that were walked and have none (those
 * never walked are left to the walker, which generates theirs when they are walked often): the plan's
 * walk, or undefined when that failed (the plan is then interpreted).
 */
export function compilePlan(plan: NodePlan, input: Omit<WalkGeneratorInput, 'known'>): WalkFunction | undefined {
  try {
    const generated = generateWalk([plan], { ...input, known: (p) => p !== plan && (p.walk !== undefined || p.visits === 0) });
    link(generated, (new Function('P', 'Q', 'H', generated.body) as Body)(generated.plans, generated.properties, WALK_HELPERS));
    return plan.walk;
  } catch (e) {
    // A generator fault must not stop validation: the interpreter (the reference the code is tested against)
    // walks the plan. It is kept for the tests, which fail on any.
    if (faults.length < 10) faults.push(`${plan.node.profile.url}#${plan.node.id}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

const faults: string[] = [];

/** The generator faults of this process (the first ten): none expected. */
export function walkFaults(): readonly string[] {
  return faults;
}

function link(tables: WalkTables, linked: LinkedWalk): void {
  linked.walks.forEach((walk, i) => {
    if (walk) tables.plans[i].walk = walk;
  });
  for (const [i, matchers] of linked.matchers) tables.properties[i].sliceTests = matchers;
}

/** How a plan is found again from the definitions: [profile (index in the module's urls), element id, type, context, compiled, signature]. */
type PlanDescriptor = [url: number, id: string, type: string, ctxKey: string, compiled: 0 | 1, signature: string];
/** [plan index, JSON name, signature]. */
type PropertyDescriptor = [plan: number, key: string, signature: string];

/** What the walk of a plan depends on in the definitions: when the loader's plan says the same, the code fits it. */
function planSignature(plan: NodePlan): string {
  const node = (n: { profile: StructureDefinition; id: string } | undefined) => (n ? `${n.profile.url}#${n.id}` : '');
  return digest([plan.node.def.path, plan.invariants.length, plan.invariantsOnObjects, plan.binding ? 'b' : '', (plan.referenceTargets ?? []).join(' '), node(plan.source), plan.requiredSlices.map(node).join(' ')].join('|'));
}

function propertySignature(property: PropertyPlan): string {
  const child = property.child;
  const slices = child?.slices.map((s) => s.id).join(' ') ?? '';
  return digest([child ? `${child.profile.url}#${child.id}` : '', property.wrongChoice, property.sliced, property.extension, property.resource, slices].map(String).join('|'));
}

/** A signature's digest: short, for a module that holds thousands. */
function digest(signature: string): string {
  return createHash('sha256').update(signature).digest('base64url').slice(0, 12);
}

/**
 * The module the build emits for its own profiles: the code of every plan of their elements reachable
 * from `roots` (the data types of other packages are left to the validator, which generates the code of
 * those its payloads walk often).
 */
export function packageWalkSource(roots: readonly NodePlan[], input: Omit<WalkGeneratorInput, 'known'>, own: ReadonlySet<string>): string {
  return walkModuleSource(generateWalk(roots, { ...input, known: (p) => !own.has(p.node.profile.url) }), roots.length);
}

/**
 * A module's text: descriptors of its plans (the roots first) and property plans, one per line, and
 * `link(P, Q, H)`. A reader takes the descriptors without evaluating the code (see precompiledWalkFromSource).
 */
function walkModuleSource(generated: GeneratedWalk, roots: number): string {
  const urls = [...new Set(generated.plans.map((p) => p.node.profile.url))];
  const url = new Map(urls.map((u, i) => [u, i]));
  const plans: PlanDescriptor[] = generated.plans.map((p) => [url.get(p.node.profile.url) as number, p.node.id, p.type ?? '', p.ctxKey, p.compiled ? 1 : 0, planSignature(p)]);
  const properties: PropertyDescriptor[] = generated.properties.map((q, i) => [...generated.owners[i], propertySignature(q)]);
  return [
    "// Generated: the semantic walk of the package's profiles (scripts/validate/walk-codegen.ts).",
    `export const urls = ${JSON.stringify(urls)};`,
    `export const roots = ${roots};`,
    `export const plans = ${JSON.stringify(plans)};`,
    `export const properties = ${JSON.stringify(properties)};`,
    LINK_LINE,
    generated.body,
    '}',
    '',
  ].join('\n');
}

const LINK_LINE = 'export function link(P, Q, H) {';

/** An emitted module read back: its descriptors, and the body of its link function, made a function only when linked. */
export interface PrecompiledWalk {
  urls: string[];
  /** The first `roots` plans are those a walk enters the package's profiles by. */
  roots: number;
  plans: PlanDescriptor[];
  properties: PropertyDescriptor[];
  body: string;
}

/** The module's text read: its descriptor lines as JSON; the code kept as text (a run that links nothing does not parse it). */
export function precompiledWalkFromSource(source: string): PrecompiledWalk {
  const lines = source.split('\n', 6);
  const value = (n: number, name: string): unknown => {
    const prefix = `export const ${name} = `;
    const line = lines[n] ?? '';
    if (!line.startsWith(prefix) || !line.endsWith(';')) throw new Error(`not a module of generated walks (line ${n + 1} is not its ${name})`);
    return JSON.parse(line.slice(prefix.length, -1));
  };
  const urls = value(1, 'urls') as string[];
  const roots = value(2, 'roots') as number;
  const plans = value(3, 'plans') as PlanDescriptor[];
  const properties = value(4, 'properties') as PropertyDescriptor[];
  const at = source.indexOf(`\n${LINK_LINE}\n`);
  const end = source.lastIndexOf('\n}');
  if (lines[5] !== LINK_LINE || at < 0 || end < at) throw new Error('not a module of generated walks (its link function is missing)');
  return { urls, roots, plans, properties, body: source.slice(at + LINK_LINE.length + 2, end) };
}

/** The plan a descriptor names in a validator's definitions, or why there is none that fits. */
function planOf(module: PrecompiledWalk, d: PlanDescriptor, planner: NodePlanner, profiles: (url: string) => StructureDefinition | undefined): NodePlan | string {
  const [u, id, type, ctxKey, compiled, signature] = d;
  const url = module.urls[u];
  const sd = url === undefined ? undefined : profiles(url);
  const node = sd ? profileTree(sd)?.byId.get(id) : undefined;
  if (!node) return `element ${id} of ${url} not found`;
  const plan = planner.plan(node, type || undefined, ctxKey, compiled === 1);
  return planSignature(plan) === signature ? plan : `element ${id} of ${url} is not what the build saw`;
}

/**
 * Whether an emitted module's roots (the package's profiles) are what the build saw: undefined when they
 * are, else why not. Checked when a validator takes the module; the rest is checked when it is linked.
 */
export function checkWalkRoots(module: PrecompiledWalk, planner: NodePlanner, profiles: (url: string) => StructureDefinition | undefined): string | undefined {
  for (const d of module.plans.slice(0, module.roots)) {
    const plan = planOf(module, d, planner, profiles);
    if (typeof plan === 'string') return plan;
  }
  return undefined;
}

/**
 * Links an emitted module to a validator's plans: true when linked; false when a plan does not fit (a
 * definition changed since the build), and then nothing is linked (the walk is generated in-process).
 */
export function linkPrecompiledWalk(module: PrecompiledWalk, planner: NodePlanner, profiles: (url: string) => StructureDefinition | undefined): boolean {
  const plans: NodePlan[] = [];
  for (const d of module.plans) {
    const plan = planOf(module, d, planner, profiles);
    if (typeof plan === 'string') return false;
    plans.push(plan);
  }
  const properties: PropertyPlan[] = [];
  for (const [owner, key, signature] of module.properties) {
    const property = plans[owner]?.property(key);
    if (!property || propertySignature(property) !== signature) return false;
    properties.push(property);
  }
  try {
    link({ plans, properties }, (new Function('P', 'Q', 'H', module.body) as Body)(plans, properties, WALK_HELPERS));
    return true;
  } catch {
    return false;
  }
}
