/**
 * Structure validation: a resource through its compiled JSON Schema validator (the standalone module the
 * build emits under validators/, or an in-memory compile inside this repository), with ajv's errors turned
 * into ValidationIssues: a FHIRPath location (`Appointment.participant[1].actor.reference`), an IssueType
 * code and one plain sentence per problem. Errors from inside `contains` (pattern matching tries every
 * item) are the schema's search, not problems, and are dropped; the `contains` failure itself is kept.
 */
import type { ErrorObject } from 'ajv';
import type { CompiledValidator, ValidatorTable } from '../emit/validators/compile.js';
import { codingsOf, notInValueSet, type BoundKind } from '../terminology/binding-rules.js';
import type { IssueCode, ValidationIssue } from './issues.js';

export type { CompiledValidator, ValidatorTable };

/**
 * The validators of a standalone module given as source (what the build just emitted), imported from
 * memory: the build validates its examples with exactly the code it writes.
 */
export async function structureFromSource(source: string, exports: ReadonlyMap<string, string>): Promise<ValidatorTable> {
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(source, 'utf8').toString('base64')}`)) as Record<string, CompiledValidator>;
  const table: Record<string, CompiledValidator> = {};
  for (const [key, name] of exports) table[key] = mod[name];
  return table;
}

/** Runs one validator and maps its errors; `root` prefixes every expression (the resource type). */
export function structureIssues(resource: unknown, validator: CompiledValidator, root: string): ValidationIssue[] {
  if (validator(resource)) return [];
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of validator.errors ?? []) {
    if (error.schemaPath.includes('/contains/')) continue;
    const issue = toIssue(error, resource, root);
    const id = `${issue.expression}\u0000${issue.diagnostics}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues;
}

function toIssue(error: ErrorObject, resource: unknown, root: string): ValidationIssue {
  const segments = pointerSegments(error.instancePath);
  const here = fhirPath(root, segments);
  const data = valueAt(resource, segments);
  const name = elementName(segments);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'false schema':
      return errorAt(here, 'structure', `element '${name}' is not allowed here (max 0)`);
    case 'required':
      return errorAt(here, 'required', `missing required element '${String(p.missingProperty)}'`);
    case 'type':
      if (data === null) return errorAt(here, 'structure', `null is not allowed for '${name}' (only as a placeholder in a primitive array)`);
      if (p.type === 'array') return errorAt(here, 'structure', `element '${name}' repeats and must be an array`);
      if (Array.isArray(data)) return errorAt(here, 'structure', `element '${name}' does not repeat and must not be an array`);
      return errorAt(here, 'structure', `wrong type for '${name}': expected ${typeList(p.type)}, found ${jsonType(data)}`);
    case 'minItems':
      if (Array.isArray(data) && data.length === 0) return errorAt(here, 'structure', `empty array is not allowed for '${name}'`);
      return errorAt(here, 'required', `too few repeats: ${Array.isArray(data) ? data.length : 0}, min ${String(p.limit)}`);
    case 'maxItems':
      return errorAt(here, 'structure', `too many repeats: ${Array.isArray(data) ? data.length : '?'}, max ${String(p.limit)}`);
    case 'const':
      return errorAt(here, 'value', `value ${show(data)} does not match the required value ${show(p.allowedValue)}`);
    case 'enum':
      return errorAt(here, name === 'resourceType' ? 'structure' : 'value', name === 'resourceType' ? `unknown resourceType ${show(data)}` : `value ${show(data)} is not allowed`);
    case 'contains':
      return errorAt(here, 'value', `no item of '${name}' matches the profile's pattern`);
    case 'fhirPrimitive':
      if (data === '') return errorAt(here, 'value', `empty string is not allowed for '${name}'`);
      return errorAt(here, 'value', `value ${show(data)} does not match the ${String(p.fhirType)} format`);
    case 'fhirElements':
      return elementsIssue(p, data, root, segments, here);
    case 'fhirBinding':
      return errorAt(here, 'code-invalid', notInValueSet(codingsOf(p.kind as BoundKind, data), String(p.url), 'required'));
    case 'fhirProperties':
      if (p.check === 'unknown') return errorAt(fhirPath(root, [...segments, String(p.property)]), 'structure', `unknown element '${String(p.property)}'`);
      return errorAt(here, 'structure', `empty object is not allowed for '${name}'`);
    default:
      return errorAt(here, 'structure', `${name}: ${error.message ?? error.keyword}`);
  }
}

function errorAt(expression: string, code: IssueCode, diagnostics: string): ValidationIssue {
  return { severity: 'error', code, diagnostics, expression };
}

function elementsIssue(p: Record<string, unknown>, data: unknown, root: string, segments: string[], here: string): ValidationIssue {
  const element = String(p.element);
  switch (p.check) {
    case 'required':
      return errorAt(here, 'required', `missing required element '${element}'`);
    case 'choice': {
      const stem = element.replace(/\[x\]$/, '');
      const found = isObject(data) ? Object.keys(data).filter((k) => k.startsWith(stem) && /^[A-Z]/.test(k.slice(stem.length))) : [];
      return errorAt(here, 'structure', `only one type is allowed for '${element}', found ${found.join(', ')}`);
    }
    case 'align':
      return errorAt(fhirPath(root, [...segments, element]), 'structure', `'${element}' and '_${element}' must have the same number of items`);
    case 'null':
      return errorAt(fhirPath(root, [...segments, element, String(p.index)]), 'structure', `null without extensions is not allowed for '${element}'`);
    default:
      return errorAt(here, 'structure', `element '${element}' is invalid`);
  }
}

/** `/participant/1/actor` -> `['participant', '1', 'actor']` (JSON Pointer unescaped). */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  const segments = pointer.slice(1).split('/');
  if (pointer.includes('~')) for (let i = 0; i < segments.length; i++) segments[i] = segments[i].replace(/~1/g, '/').replace(/~0/g, '~');
  return segments;
}

/** True for an array index segment (`12`). */
function isIndex(segment: string): boolean {
  if (segment.length === 0) return false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** FHIRPath of a JSON location: indexes as `[n]`, a `_name` companion as its element `name`. */
export function fhirPath(root: string, segments: readonly string[]): string {
  let path = root;
  for (const s of segments) path += isIndex(s) ? `[${s}]` : `.${s.charCodeAt(0) === 95 ? s.slice(1) : s}`;
  return path;
}

function elementName(segments: readonly string[]): string {
  for (let i = segments.length - 1; i >= 0; i--) if (!isIndex(segments[i])) return segments[i];
  return '';
}

function valueAt(value: unknown, segments: readonly string[]): unknown {
  let v = value;
  for (const s of segments) {
    if (Array.isArray(v)) v = v[Number(s)];
    else if (isObject(v)) v = v[s];
    else return undefined;
  }
  return v;
}

function typeList(type: unknown): string {
  return Array.isArray(type) ? type.filter((t) => t !== 'null').join(' or ') : String(type);
}

function jsonType(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function show(v: unknown): string {
  const text = typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
