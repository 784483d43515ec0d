/**
 * The emit step of the validators: the standalone module compiled by compile/compile.ts, written as
 *
 *   validators/structure.mjs    every validator (shared datatype functions compiled once)
 *   validators/index.mjs        `validators`: profile URL or base type name -> validate function
 *   validators/index.d.mts      its types
 */
import type { StageContext } from '../context.js';
import { buildValidatorSchemas, standaloneModule } from '../compile/compile.js';
import type { SnapshotResult } from '../snapshot/generate.js';
import type { ValueSetExpander } from '../terminology/value-set-expansion.js';
import { compareStrings, type OutputFile } from './output.js';

export const VALIDATORS_DIR = 'validators';

/** The emitted validator modules, and the structure module's source with its export names (the build loads it to validate examples). */
export interface EmittedValidators {
  files: OutputFile[];
  source: string;
  /** Key (profile URL or base type) -> export name in `source`. */
  exports: ReadonlyMap<string, string>;
}

/** The emit step: the validator modules for the build's profiles and every base resource type, required bindings compiled in. */
export function emitValidators(snapshots: readonly SnapshotResult[], ctx: StageContext, expander: ValueSetExpander): EmittedValidators {
  const input = buildValidatorSchemas(
    snapshots.map((s) => s.profile),
    ctx,
    expander,
  );
  const { source, exports } = standaloneModule(input);
  const keys = [...exports.keys()].sort(compareStrings);
  const index = [
    '// Generated: structure validators by profile URL or base resource type name.',
    "import * as structure from './structure.mjs';",
    'export const validators = {',
    ...keys.map((k) => `  ${JSON.stringify(k)}: structure.${exports.get(k)},`),
    '};',
    '',
  ].join('\n');
  const types = [
    '// Generated: types of index.mjs.',
    'export interface StructureError { instancePath: string; schemaPath: string; keyword: string; params: Record<string, unknown>; message?: string; data?: unknown }',
    'export interface StructureValidator { (data: unknown): boolean; errors?: StructureError[] | null }',
    'export declare const validators: Readonly<Record<string, StructureValidator>>;',
    '',
  ].join('\n');
  const files = [
    { path: `${VALIDATORS_DIR}/structure.mjs`, content: Buffer.from(source + '\n', 'utf8') },
    { path: `${VALIDATORS_DIR}/index.mjs`, content: Buffer.from(index, 'utf8') },
    { path: `${VALIDATORS_DIR}/index.d.mts`, content: Buffer.from(types, 'utf8') },
  ];
  return { files, source, exports };
}

