/**
 * Compiles the structure schemas (json-schema.ts) with ajv into standalone JavaScript, in two modules:
 *
 * - the **core module**: every base resource type, every datatype and backbone definition they
 *   reach, and the "some resource" dispatch (made by its `coreValidators()`). It depends only on the core definitions (and the expansions
 *   of their required bindings), so it is compiled once and reused for every set of profiles
 *   (module-cache.ts keeps it on disk by the hash of its schemas);
 * - the **profile module** (`link(core)`): the resource profiles, whose references to core definitions
 *   are calls of the core's functions, so it compiles only what the profiles constrain.
 *
 * Both are ES modules that also load as classic scripts (link.ts), so that the toolchain can keep V8's
 * compiled code of the 8 MB core between runs.
 *
 * link.ts joins the two into the table of validators. The build writes both modules into its output
 * (emit/validators.ts); createValidator imports them from the cache.
 *
 * Deterministic: schemas are built in a fixed order, definitions sorted, export names derived from keys.
 */
import { Ajv } from 'ajv';
import { _, getProperty, Name, type Code } from 'ajv/dist/compile/codegen/index.js';
import { resolveRef, SchemaEnv } from 'ajv/dist/compile/index.js';
import * as standalone from 'ajv/dist/standalone/index.js';
import type { StageContext } from '../context.js';
import type { CodeSystem, JsonObject, StructureDefinition } from '../model/fhir.js';
import { ElementModel } from '../resolve/element-model.js';
import type { ValueSetExpander } from '../terminology/value-set-expansion.js';
import { JsonSchemaBuilder } from './json-schema.js';
import { fhirKeywords, linkRefs, replacedKeywords } from './keywords.js';
import { LINK_RUNTIME } from './link.js';

export type { CompiledValidator, ValidatorTable } from './link.js';
import { ANY_RESOURCE, defKeys, TYPES_SCHEMA_ID, typeRef, type JsonSchema } from './schema-types.js';

/** The code system listing every STU3 resource type: where "some resource" takes its allowed names from. */
const RESOURCE_TYPES_SYSTEM = 'http://hl7.org/fhir/resource-types';

/** The schemas of one module. */
export interface ModuleSchemas {
  /** Validator key (base type name, `Resource`, profile URL) -> the `$id` or `$ref` of its schema. */
  readonly entries: ReadonlyMap<string, string>;
  readonly schemas: readonly JsonSchema[];
}

/** The core module's schemas, and the keys of its shared definitions (each one exported for profile modules to call). */
export interface CoreSchemas extends ModuleSchemas {
  readonly defs: readonly string[];
}

export interface ValidatorSchemas {
  /** Every base resource type with what it reaches: the same for every set of profiles over the same core definitions. */
  readonly core: CoreSchemas;
  /** The resource profiles (and any base type the core lacks), linked to the core's definitions; no entries when there are none. */
  readonly profiles: ModuleSchemas;
}

/**
 * The schemas of the core (every base resource type, so that any contained resource or Bundle entry has a
 * validator) and of the resource profiles among the snapshots. With an `expander`, required bindings
 * whose value set expands are compiled in.
 */
export function buildValidatorSchemas(profiles: readonly StructureDefinition[], ctx: StageContext, expander?: ValueSetExpander): ValidatorSchemas {
  const model = new ElementModel((name) => ctx.resolver.structureDefinition(name));
  const builder = new JsonSchemaBuilder(model, expander);
  // The core first, from a fresh builder: its schemas must not depend on the profiles.
  const typeEntries = new Map<string, string>();
  for (const type of resourceTypes(ctx, model)) typeEntries.set(type, builder.baseRef(type));
  const coreTypes = builder.typesSchema(typeEntries);
  const anyResource = typeRef(defKeys.anyResource).$ref as string;
  const core: CoreSchemas = {
    entries: new Map([...typeEntries, [ANY_RESOURCE, anyResource]]),
    schemas: [coreTypes],
    defs: Object.keys(coreTypes.$defs as JsonObject),
  };

  const profileSchemas: JsonSchema[] = [];
  const profileEntries = new Map<string, string>();
  const resourceProfiles = profiles.filter((p) => p.kind === 'resource' && p.derivation === 'constraint' && p.snapshot).sort((a, b) => compare(a.url, b.url));
  for (const sd of resourceProfiles) {
    profileSchemas.push(builder.profileSchema(sd));
    profileEntries.set(sd.url, sd.url);
  }
  // A profile of a resource type the resource-types code system does not list still gets its base validator.
  for (const type of [...new Set(resourceProfiles.map((p) => p.type))].filter((t) => !typeEntries.has(t) && model.isResourceType(t)).sort(compare)) {
    profileEntries.set(type, builder.baseRef(type));
  }
  // The shared definitions again, with whatever the profiles added: those are compiled into the profile module.
  const allTypes = profileEntries.size > 0 ? [builder.typesSchema(typeEntries)] : [];
  return { core, profiles: { entries: profileEntries, schemas: [...profileSchemas, ...allTypes] } };
}

/** Every concrete resource type, from the resource-types code system (checked against the element model). */
function resourceTypes(ctx: StageContext, model: ElementModel): string[] {
  const cs = ctx.resolver.codeSystem(RESOURCE_TYPES_SYSTEM) as CodeSystem | undefined;
  return (cs?.concept ?? []).map((c) => c.code).filter((code) => model.isResourceType(code)).sort(compare);
}

/** The options every validator is compiled with; part of the cache key (module-cache.ts). */
export const AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  inlineRefs: true,
  unicodeRegExp: false,
  // Errors carry the value they are about (structure.ts reads it there, not by walking the payload again).
  verbose: true,
} as const;

/**
 * An ajv instance with the FHIR keywords, set up for standalone code (the only way validators are
 * compiled): CommonJS-style exports (`exports.x = ...`) inside a function of ours, all on one line.
 */
function createAjv(): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: false, lines: false } });
  for (const keyword of replacedKeywords) ajv.removeKeyword(keyword.keyword as string).addKeyword(keyword);
  for (const keyword of fhirKeywords) ajv.addKeyword(keyword);
  return ajv;
}

/**
 * The core module's source: its table of entries (`fhirValidators`: key -> export name), the linker
 * (`linkValidators`, link.ts), and `coreValidators()`, which makes every entry's and every shared
 * definition's validate function. Laid out so that it also loads as a classic script (see link.ts,
 * `scriptOf`): the only lines that start with `export ` are these declarations (ajv writes its code on
 * one line).
 */
export function coreModuleSource(core: CoreSchemas): string {
  const ajv = createAjv();
  for (const schema of core.schemas) ajv.addSchema(schema);
  const names = entryExportNames(core.entries);
  const refs: Record<string, string> = {};
  for (const [key, id] of core.entries) refs[names.get(key) as string] = id;
  for (const [ref, name] of coreDefinitionExports(core)) refs[name] = ref;
  const code = standaloneCodeOf(ajv, refs);
  return [
    MODULE_BANNER,
    `export const fhirValidators = ${exportTable(names)};`,
    'export function coreValidators() {',
    'const exports = {};',
    code,
    'return exports;',
    '}',
    LINK_RUNTIME,
  ].join('\n');
}

/**
 * The profile module's source: `link(core)` returns its validators, whose references to the core's
 * definitions call the functions `coreValidators()` made; `fhirValidators` maps each key to its name
 * there. Laid out as the core module is.
 */
export function profileModuleSource(profiles: ModuleSchemas, core: CoreSchemas): string {
  const ajv = createAjv();
  const coreName = new Name('core');
  linkRefs(ajv, new Map([...coreDefinitionExports(core)].map(([ref, name]): [string, Code] => [ref, _`${coreName}${getProperty(name)}`])));
  for (const schema of profiles.schemas) ajv.addSchema(schema);
  const names = entryExportNames(profiles.entries);
  const refs: Record<string, string> = {};
  for (const [key, id] of profiles.entries) refs[names.get(key) as string] = id;
  const code = standaloneCodeOf(ajv, refs);
  return [MODULE_BANNER, `export const fhirValidators = ${exportTable(names)};`, `export function link(${coreName.str}) {`, 'const exports = {};', code, 'return exports;', '}', ''].join('\n');
}

/** The first line of every module. */
const MODULE_BANNER = '// Generated by fhir-stu3: structure validators (ajv standalone code). Not to be edited.';

/**
 * ajv's standalone code of the exports `refs` (export name -> schema id). Names of one function (two ids
 * of one schema) are exported once and aliased: ajv would write the function twice.
 */
function standaloneCodeOf(ajv: Ajv, refs: Record<string, string>): string {
  const fn = (standalone as unknown as { default: (a: Ajv, r: Record<string, string>) => string }).default;
  shareTypeDefinitions(ajv, Object.values(refs));
  const firstName = new Map<unknown, string>();
  const unique: Record<string, string> = {};
  const aliases: string[] = [];
  for (const [name, id] of Object.entries(refs)) {
    const validate = ajv.getSchema(id);
    const first = firstName.get(validate);
    if (first === undefined) {
      firstName.set(validate, name);
      unique[name] = id;
    } else aliases.push(`exports.${name} = exports.${first};`);
  }
  const source = [fn(ajv, unique), ...aliases].join('');
  // Every runtime helper ajv might `require` (deep equality, unicode length) is avoided by the schemas:
  // the module must load with no dependency. And the code must be one line (see coreModuleSource).
  if (/\brequire\(/.test(source)) throw new Error('standalone validator code needs a runtime require; a schema uses a keyword it should not');
  if (source.includes('\n')) throw new Error('standalone validator code spans lines');
  return source;
}

/**
 * Makes ajv export the functions of shared definitions that their users call: by its `$ref` from inside
 * the shared schema, a definition is compiled once (cached on that schema); asked for by id, ajv would
 * compile it a second time. Definitions small enough to be inlined at every use have no such function.
 */
function shareTypeDefinitions(ajv: Ajv, ids: readonly string[]): void {
  const types = (ajv.getSchema(TYPES_SCHEMA_ID) as { schemaEnv?: SchemaEnv } | undefined)?.schemaEnv;
  if (!types) return;
  const refs = (ajv as unknown as { refs: Record<string, unknown> }).refs;
  for (const id of ids) {
    if (!id.startsWith(`${TYPES_SCHEMA_ID}#`)) continue;
    const target: unknown = resolveRef.call(ajv, types, types.baseId, id);
    if (target instanceof SchemaEnv) refs[id] = target;
  }
}

/** The core's shared definitions as `$ref` -> export name (`def_HumanName`), in key order. */
function coreDefinitionExports(core: CoreSchemas): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const key of [...core.defs].sort(compare)) out.set(`${TYPES_SCHEMA_ID}#/$defs/${escapeKey(key)}`, uniqueName(`def_${key}`, taken));
  return out;
}

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Export names of entries: `https://.../GPConnect-Appointment-1` -> `profile_GPConnect_Appointment_1`; `Bundle` -> `base_Bundle`; `Resource` as is. */
function entryExportNames(entries: ReadonlyMap<string, string>): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const key of [...entries.keys()].sort(compare)) {
    const stem = key === ANY_RESOURCE ? ANY_RESOURCE : key.includes('/') ? `profile_${key.slice(key.lastIndexOf('/') + 1)}` : `base_${key}`;
    names.set(key, uniqueName(stem, taken));
  }
  return names;
}

function uniqueName(stem: string, taken: Set<string>): string {
  const base = stem.replace(/[^A-Za-z0-9_]/g, '_');
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

function exportTable(names: ReadonlyMap<string, string>): string {
  return JSON.stringify(Object.fromEntries([...names].sort(([a], [b]) => compare(a, b))));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
