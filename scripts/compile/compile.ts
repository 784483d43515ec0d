/**
 * Compiles the structure schemas (json-schema.ts) with ajv into one standalone ESM module, so a consumer
 * validates without compiling anything (emit/validators.ts writes it into the build output), and imports
 * such a module from memory (the build validates its examples with exactly the code it writes).
 *
 * Deterministic: schemas are built in a fixed order, definitions sorted, export names derived from URLs.
 */
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import * as standalone from 'ajv/dist/standalone/index.js';
import type { StageContext } from '../context.js';
import type { CodeSystem, StructureDefinition } from '../model/fhir.js';
import { ElementModel, FHIR_TYPE_BASE } from '../resolve/element-model.js';
import type { ValueSetExpander } from '../terminology/value-set-expansion.js';
import { JsonSchemaBuilder } from './json-schema.js';
import { fhirKeywords, replacedKeywords } from './keywords.js';
import { ANY_RESOURCE, defKeys, typeRef, type JsonSchema } from './schema-types.js';

/** The code system listing every STU3 resource type: where "some resource" takes its allowed names from. */
const RESOURCE_TYPES_SYSTEM = 'http://hl7.org/fhir/resource-types';

/** A compiled validator, as ajv's standalone code gives it. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Profile URL or base resource type name -> validator. */
export type ValidatorTable = Readonly<Record<string, CompiledValidator>>;

/** The schemas to compile: one per key (profile URL or base type name), plus the shared types schema. */
export interface ValidatorSchemas {
  /** Key -> the `$id` of its schema. */
  readonly entries: ReadonlyMap<string, string>;
  readonly schemas: readonly JsonSchema[];
}

/**
 * The resource profiles among the snapshots, and every base resource type (so that any contained resource
 * or Bundle entry has a validator), as schemas. With an `expander`, required bindings whose value set
 * expands are compiled in.
 */
export function buildValidatorSchemas(profiles: readonly StructureDefinition[], ctx: StageContext, expander?: ValueSetExpander): ValidatorSchemas {
  const model = new ElementModel((name) => ctx.resolver.structureDefinition(name));
  const allTypes = resourceTypes(ctx, model);
  const builder = new JsonSchemaBuilder(model, expander);
  const schemas: JsonSchema[] = [];
  const profileEntries = new Map<string, string>();
  const resourceProfiles = profiles.filter((p) => p.kind === 'resource' && p.derivation === 'constraint' && p.snapshot).sort((a, b) => compare(a.url, b.url));
  for (const sd of resourceProfiles) {
    schemas.push(builder.profileSchema(sd));
    profileEntries.set(sd.url, sd.url);
  }
  const typeEntries = new Map<string, string>();
  const baseTypes = [...new Set([...resourceProfiles.map((p) => p.type), ...allTypes])].filter((t) => model.isResourceType(t)).sort(compare);
  for (const type of baseTypes) {
    schemas.push(builder.baseSchema(type));
    typeEntries.set(type, FHIR_TYPE_BASE + type);
  }
  schemas.push(builder.typesSchema(typeEntries, profileEntries));
  const entries = new Map([...profileEntries, ...typeEntries]);
  // `Resource` (the abstract type every resource is): the validator of "some resource", which checks one
  // against the profiles it claims, else its own type (the keys above, without itself).
  entries.set(ANY_RESOURCE, typeRef(defKeys.anyResource).$ref as string);
  return { entries, schemas };
}

/** Every concrete resource type, from the resource-types code system (checked against the element model). */
function resourceTypes(ctx: StageContext, model: ElementModel): string[] {
  const cs = ctx.resolver.codeSystem(RESOURCE_TYPES_SYSTEM) as CodeSystem | undefined;
  return (cs?.concept ?? []).map((c) => c.code).filter((code) => model.isResourceType(code)).sort(compare);
}

/** An ajv instance with the FHIR keywords, set up for standalone code (the only way validators are compiled). */
function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    inlineRefs: true,
    unicodeRegExp: false,
    // Errors carry the value they are about (structure.ts reads it there, not by walking the payload again).
    verbose: true,
    code: { source: true, esm: true, lines: false },
  });
  for (const keyword of replacedKeywords) ajv.removeKeyword(keyword.keyword as string).addKeyword(keyword);
  for (const keyword of fhirKeywords) ajv.addKeyword(keyword);
  return ajv;
}

/** The standalone module source, and the export name of each key's validator. */
export function standaloneModule(input: ValidatorSchemas): { source: string; exports: Map<string, string> } {
  const ajv = createAjv();
  for (const schema of input.schemas) ajv.addSchema(schema);
  const exportNames = new Map<string, string>();
  const refs: Record<string, string> = {};
  for (const [key, id] of input.entries) {
    const name = exportName(key, exportNames);
    exportNames.set(key, name);
    refs[name] = id;
  }
  const source = standaloneCodeOf(ajv, refs);
  // Every runtime helper ajv might `require` (deep equality, unicode length) is avoided by the schemas:
  // the module must load as plain ESM with no dependency.
  if (/\brequire\(/.test(source)) throw new Error('standalone validator code needs a runtime require; a schema uses a keyword it should not');
  return { source, exports: exportNames };
}

function standaloneCodeOf(ajv: Ajv, refs: Record<string, string>): string {
  const fn = (standalone as unknown as { default: (a: Ajv, r: Record<string, string>) => string }).default;
  return fn(ajv, refs);
}

/** `https://.../GPConnect-Appointment-1` -> `profile_GPConnect_Appointment_1`; `Bundle` -> `base_Bundle`. */
function exportName(key: string, taken: Map<string, string>): string {
  const stem = key.includes('/') ? `profile_${key.slice(key.lastIndexOf('/') + 1)}` : `base_${key}`;
  let name = stem.replace(/[^A-Za-z0-9_]/g, '_');
  const used = new Set(taken.values());
  for (let n = 2; used.has(name); n++) name = `${stem.replace(/[^A-Za-z0-9_]/g, '_')}_${n}`;
  return name;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The validators of a standalone module given as source, imported from memory: the build validates its
 * examples with exactly the code it writes, and createValidator runs the code a build would emit.
 */
export async function structureFromSource(source: string, exports: ReadonlyMap<string, string>): Promise<ValidatorTable> {
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(source, 'utf8').toString('base64')}`)) as Record<string, CompiledValidator>;
  const table: Record<string, CompiledValidator> = {};
  for (const [key, name] of exports) table[key] = mod[name];
  return table;
}
