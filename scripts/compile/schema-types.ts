/** The JSON Schema shapes the validator emitter builds (plain JSON, draft-07 with the FHIR keywords of keywords.ts). */
import type { JsonObject } from '../model/fhir.js';

/** A schema object (a `false` schema is written as the literal `false`). */
export type JsonSchema = JsonObject;

/** `$id` of the shared schema holding one `$defs` entry per datatype, backbone element, primitive and resource type. */
export const TYPES_SCHEMA_ID = 'urn:x-fhir-stu3:types';

/** Reference to a definition of the shared types schema. */
export function typeRef(key: string): JsonSchema {
  return { $ref: `${TYPES_SCHEMA_ID}#/$defs/${escapePointer(key)}` };
}

/** JSON Pointer escaping of one segment. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Definition keys beside the type names: the nullable item form of a primitive and the `_` companion forms. */
export const defKeys = {
  nullable: (primitive: string) => `${primitive}|null`,
  companion: (primitive: string) => `_${primitive}`,
  nullableCompanion: (primitive: string) => `_${primitive}|null`,
  anyResource: 'Resource|any',
};

/** The key (in a module's validators) of the validator for any resource, by what it claims (see `fhirResource`). */
export const ANY_RESOURCE = 'Resource';
