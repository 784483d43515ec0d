/**
 * The emit step of the validators: the modules compiled by compile/ (the core module from the module
 * cache when it holds it), and the definition index the validator reads instead of loading packages:
 *
 *   validators/core.mjs         every base resource type and datatype (compiled once per core, cached)
 *   validators/profiles.mjs     the package's resource profiles, calling core.mjs's functions
 *   validators/index.mjs        `validators`: profile URL or base type name -> validate function (the two linked)
 *   validators/index.d.mts      its types
 *   validation/definitions.jsonl  the definition index (resolve/definition-index.ts)
 */
import type { StageContext } from '../context.js';
import { buildValidatorSchemas } from '../compile/compile.js';
import type { ModuleCache } from '../compile/module-cache.js';
import { compileValidators, type CompiledValidators } from '../compile/modules.js';
import type { ValidatorTable } from '../compile/link.js';
import type { LoadedPackages } from '../load/packages/index.js';
import { isStructureDefinition, type Resource } from '../model/fhir.js';
import { DEFINITION_INDEX_FILE, encodeDefinitionIndex, type IndexedDefinition } from '../resolve/definition-index.js';
import { ResourceIndex } from '../resolve/resolver.js';
import type { SnapshotResult } from '../snapshot/generate.js';
import type { ValueSetExpander } from '../terminology/value-set-expansion.js';
import type { OutputFile } from './output.js';

export const VALIDATORS_DIR = 'validators';

/** The emitted validator modules, and the validators they make (the build validates its examples with them). */
export interface EmittedValidators {
  files: OutputFile[];
  table: ValidatorTable;
  compiled: Omit<CompiledValidators, 'table'>;
}

export interface EmitValidatorsOptions {
  cache?: ModuleCache;
  progress?: (message: string) => void;
}

/** The emit step: the validator modules for the build's profiles and every base resource type, required bindings compiled in. */
export async function emitValidators(snapshots: readonly SnapshotResult[], ctx: StageContext, expander: ValueSetExpander, options: EmitValidatorsOptions = {}): Promise<EmittedValidators> {
  const schemas = buildValidatorSchemas(
    snapshots.map((s) => s.profile),
    ctx,
    expander,
  );
  const { table, ...compiled } = await compileValidators(schemas, options);
  const index = [
    '// Generated: structure validators by profile URL or base resource type name (the core and profile modules linked).',
    "import * as core from './core.mjs';",
    ...(compiled.profiles ? ["import * as profiles from './profiles.mjs';"] : []),
    `export const validators = core.linkValidators(core${compiled.profiles ? ', profiles' : ''});`,
    '',
  ].join('\n');
  const types = [
    '// Generated: types of index.mjs.',
    'export interface StructureError { instancePath: string; schemaPath: string; keyword: string; params: Record<string, unknown>; message?: string; data?: unknown }',
    'export interface StructureValidator { (data: unknown): boolean; errors?: StructureError[] | null }',
    'export declare const validators: Readonly<Record<string, StructureValidator>>;',
    '',
  ].join('\n');
  const text = (path: string, content: string): OutputFile => ({ path: `${VALIDATORS_DIR}/${path}`, content: Buffer.from(content.endsWith('\n') ? content : `${content}\n`, 'utf8') });
  const files = [
    text('core.mjs', compiled.core.source),
    ...(compiled.profiles ? [text('profiles.mjs', compiled.profiles.source)] : []),
    text('index.mjs', index),
    text('index.d.mts', types),
  ];
  return { files, table, compiled };
}

/** Resource types no validation step looks up: left out of the definition index. */
const NOT_LOOKED_UP = new Set(['SearchParameter', 'OperationDefinition', 'CapabilityStatement', 'CompartmentDefinition', 'ImplementationGuide', 'StructureMap', 'GraphDefinition', 'MessageDefinition', 'TestScript']);

/**
 * The definition index of a build: the package's own resources (with their snapshots) first, then every
 * loaded package's in load order, each marked as the lookups of the build's resolver find it.
 */
export function emitDefinitionIndex(own: readonly Resource[], packages: LoadedPackages): OutputFile {
  const project = new ResourceIndex(own);
  const definitions: IndexedDefinition[] = [];
  for (const r of own) {
    if (typeof r.url !== 'string') continue;
    const type = isStructureDefinition(r) ? r.type : undefined;
    const typeName = type && project.byTypeName(type) === r ? type : undefined;
    definitions.push({ resource: r, source: 'project', winner: project.byUrl(r.url, r.resourceType) === r, ...(typeName ? { typeName } : {}) });
  }
  for (const label of packages.labels) {
    for (const r of packages.resourcesOf(label)) {
      if (typeof r.url !== 'string' || NOT_LOOKED_UP.has(r.resourceType)) continue;
      const type = isStructureDefinition(r) ? r.type : undefined;
      const typeName = type && packages.byTypeName(type) === r ? type : undefined;
      definitions.push({ resource: r, source: label, winner: packages.byUrl(r.url, r.resourceType) === r, ...(typeName ? { typeName } : {}) });
    }
  }
  return { path: DEFINITION_INDEX_FILE, content: encodeDefinitionIndex(definitions) };
}
