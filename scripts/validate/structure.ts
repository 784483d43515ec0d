/**
 * Structure validation: a resource through its compiled JSON Schema validator (the standalone module the
 * build emits under validators/, or the same module generated and imported from memory), with ajv's
 * errors turned into ValidationIssues: a FHIRPath location (`Appointment.participant[1].actor.reference`),
 * an IssueType code and one plain sentence per problem. Errors from inside `contains` (pattern matching tries every
 * item) are the schema's search, not problems, and are dropped; the `contains` failure itself is kept.
 */
import type { ErrorObject } from 'ajv';
import type { CompiledValidator, ValidatorTable } from '../compile/compile.js';
import { ANY_RESOURCE } from '../compile/schema-types.js';
import { codingsOf, notInValueSet, type BoundKind } from '../terminology/binding-rules.js';
import type { IssueCode, ValidationIssue } from './issues.js';
import { isObject } from '../util/values.js';

export { ANY_RESOURCE };
export type { CompiledValidator, ValidatorTable };

/** Runs one validator and maps its errors (at most `max` issues); `root` prefixes every expression (the resource type). */
export function structureIssues(resource: unknown, validator: CompiledValidator, root: string, max = Infinity): ValidationIssue[] {
  if (validator(resource)) return [];
  const issues: ValidationIssue[] = [];
  // Two errors may map to one issue (a value and its `_` companion share a FHIRPath); a resource has few
  // issues, so a scan finds repeats without hashing long keys, and a Set takes over past a few dozen.
  let seen: Set<string> | undefined;
  for (const error of validator.errors ?? []) {
    if (issues.length >= max) break;
    if (error.schemaPath.includes('/contains/')) continue;
    const issue = toIssue(error, root);
    if (issues.length < LINEAR_DEDUPE) {
      if (issues.some((i) => i.expression === issue.expression && i.diagnostics === issue.diagnostics)) continue;
    } else {
      seen ??= new Set(issues.map(issueKey));
      const key = issueKey(issue);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    issues.push(issue);
  }
  return issues;
}

const LINEAR_DEDUPE = 32;
const issueKey = (i: ValidationIssue) => `${i.expression}\u0000${i.diagnostics}`;

function toIssue(error: ErrorObject, root: string): ValidationIssue {
  // The validators are compiled `verbose`: each error carries the value it is about.
  const data: unknown = error.data;
  const { path: here, name } = locate(error.instancePath, root);
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
    case 'fhirResource': {
      const type = isObject(data) ? data.resourceType : undefined;
      if (type === undefined) return errorAt(here, 'required', "missing required element 'resourceType'");
      return errorAt(member(here, 'resourceType'), 'structure', `unknown resourceType ${show(type)}`);
    }
    case 'contains':
      return errorAt(here, 'value', `no item of '${name}' matches the profile's pattern`);
    case 'fhirPrimitive':
      if (data === '') return errorAt(here, 'value', `empty string is not allowed for '${name}'`);
      if (typeof data === 'number') return numberIssue(p, data, here);
      return errorAt(here, 'value', `value ${show(data)} does not match the ${String(p.fhirType)} format`);
    case 'fhirElements':
      return elementsIssue(p, data, here);
    case 'fhirBinding':
      return { ...errorAt(here, 'code-invalid', notInValueSet(codingsOf(p.kind as BoundKind, data), String(p.url), 'required')), rule: 'binding-required' };
    case 'fhirProperties':
      if (p.check === 'unknown') return errorAt(member(here, String(p.property)), 'structure', `unknown element '${String(p.property)}'`);
      if (p.check === 'empty') return errorAt(here, 'structure', `empty object is not allowed for '${name}'`);
      return elementsIssue(p, data, here);
    default:
      return errorAt(here, 'structure', `${name}: ${error.message ?? error.keyword}`);
  }
}

/** A number-typed primitive judged by its text (params.text: as written, where the reader kept it): format, else range. */
function numberIssue(p: Record<string, unknown>, data: number, here: string): ValidationIssue {
  const text = typeof p.text === 'string' ? p.text : String(data);
  const type = String(p.fhirType);
  if (!Number.isFinite(data) && !/^-?\d/.test(text)) return errorAt(here, 'value', `${text} is not a number a ${type} can hold`);
  const integerText = /^-?\d+$/.test(text);
  if (integerText && (p.min !== undefined || p.max !== undefined)) {
    const value = Number(text);
    if ((typeof p.min === 'number' && value < p.min) || (typeof p.max === 'number' && value > p.max))
      return errorAt(here, 'value', `value ${clip(text)} is out of the ${type} range (${String(p.min)} to ${String(p.max)})`);
  }
  return errorAt(here, 'value', `value ${clip(text)} does not match the ${type} format`);
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function errorAt(expression: string, code: IssueCode, diagnostics: string): ValidationIssue {
  return { severity: 'error', code, diagnostics, expression };
}

function elementsIssue(p: Record<string, unknown>, data: unknown, here: string): ValidationIssue {
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
      return errorAt(member(here, element), 'structure', `'${element}' and '_${element}' must have the same number of items`);
    case 'null':
      return errorAt(`${member(here, element)}[${String(p.index)}]`, 'structure', `null without extensions is not allowed for '${element}'`);
    default:
      return errorAt(here, 'structure', `element '${element}' is invalid`);
  }
}

interface Located {
  /** FHIRPath of the location: `Appointment.participant[1].actor`. */
  path: string;
  /** The last element name on the way (`actor`; `participant` for `/participant/1`). */
  name: string;
}

/**
 * Where a JSON Pointer (`/participant/1/actor`) leads, in one pass over the pointer: the FHIRPath (indexes
 * as `[n]`, a `_name` companion as its element `name`) and the element name.
 */
function locate(pointer: string, root: string): Located {
  let path = root;
  let name = '';
  for (let start = 1; start <= pointer.length; ) {
    let end = pointer.indexOf('/', start);
    if (end < 0) end = pointer.length;
    let segment = pointer.slice(start, end);
    if (segment.includes('~')) segment = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isIndex(segment)) path += `[${segment}]`;
    else {
      path = member(path, segment);
      name = segment;
    }
    start = end + 1;
  }
  return { path, name };
}

/** The FHIRPath of property `key` under `path` (a `_name` companion as its element `name`). */
function member(path: string, key: string): string {
  return `${path}.${key.charCodeAt(0) === 95 ? key.slice(1) : key}`;
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

