/**
 * The FHIR JSON reader (source files and `convert`): strict JSON (no comments, no trailing commas, no byte
 * order mark), read by the payload parser (parse-json.ts), so that every object node keeps its line and
 * every number its text. `__proto__`, `constructor` and `prototype` keys are refused (reported and left
 * out), so no input can reach an object's prototype; a duplicate key is an error (the first is kept);
 * strings holding characters FHIR forbids are errors.
 *
 * Bad content never throws: a document that cannot be read gives an error and no resource; smaller
 * problems give an error with file, line and path, and reading carries on.
 */
import type { Resource } from '../../model/fhir.js';
import { DEFAULT_LIMITS } from '../../util/limits.js';
import { forbiddenCharacter, loneSurrogateAt } from '../../util/text.js';
import { LineIndex } from '../line-index.js';
import type { ReaderContext } from '../reader-context.js';
import { expressionOf, parseJson, type JsonProblem } from './parse-json.js';

/** The JSON reader needs no element model; given one, it also checks that `resourceType` is a resource type. */
export type JsonReaderContext = Pick<ReaderContext, 'diagnostics' | 'sources'> & Partial<Pick<ReaderContext, 'model'>>;

/** Nesting deeper than this is refused (the payload depth limit: every stage after the reader recurses per level). */
export const MAX_JSON_DEPTH = DEFAULT_LIMITS.maxDepth;

/**
 * Reads one FHIR JSON resource and returns it, or undefined when the document cannot be read (malformed
 * JSON, a byte order mark, a top level that is not an object, no `resourceType`). Every object node
 * gets its `{file, line, column, path}` in `ctx.sources`.
 */
export function readJsonResource(text: string, file: string, ctx: JsonReaderContext): Resource | undefined {
  const { diagnostics } = ctx;
  if (text.charCodeAt(0) === 0xfeff) {
    diagnostics.error('load.json-bom', 'FHIR JSON must not start with a byte order mark', { file, line: 1, column: 1 });
    return undefined;
  }
  const lines = new LineIndex(text);
  const surrogate = loneSurrogateAt(text);
  if (surrogate >= 0) {
    diagnostics.error('load.json-malformed', 'the text holds a lone surrogate: it is not Unicode text', { file, ...lines.at(surrogate) });
    return undefined;
  }
  const located: Array<{ object: object; offset: number; path: ReadonlyArray<string | number> }> = [];
  const parsed = parseJson(text, { maxDepth: MAX_JSON_DEPTH, maxProblems: DEFAULT_LIMITS.maxIssues, onObject: (object, offset, path) => located.push({ object, offset, path }) });
  if (parsed.error) {
    const code = parsed.error.tooDeep ? 'load.json-too-deep' : 'load.json-malformed';
    diagnostics.error(code, parsed.error.tooDeep ? `${parsed.error.message} is refused` : `malformed JSON: ${parsed.error.message}`, { file, ...lines.at(parsed.error.offset) });
    return undefined;
  }
  const root = parsed.value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    diagnostics.error('load.json-not-object', `a FHIR JSON resource must be an object, found ${Array.isArray(root) ? 'array' : root === null ? 'null' : typeof root}`, { file, line: 1, column: 1 });
    return undefined;
  }
  const resourceType = (root as { resourceType?: unknown }).resourceType;
  const rootAt = located.length > 0 ? lines.at(located[located.length - 1].offset) : { line: 1, column: 1 };
  if (typeof resourceType !== 'string' || resourceType === '') {
    diagnostics.error('load.json-resource-type', 'a FHIR JSON resource needs a string `resourceType`', { file, ...rootAt });
    return undefined;
  }
  if (ctx.model && !ctx.model.isResourceType(resourceType)) {
    diagnostics.error('load.json-resource-type', `'${resourceType}' is not a FHIR resource type`, { file, ...rootAt });
    return undefined;
  }
  for (const { object, offset, path } of located) ctx.sources.record(object, { file, ...lines.at(offset), path: expressionOf(resourceType, path) });
  for (const problem of parsed.problems) {
    const [code, message] = problemMessage(problem);
    diagnostics.error(code, message, { file, ...lines.at(problem.offset), path: expressionOf(resourceType, problem.path) });
  }
  return root as Resource;
}

function problemMessage(problem: JsonProblem): [string, string] {
  switch (problem.kind) {
    case 'forbidden-key':
      return ['load.json-forbidden-key', `property '${problem.key ?? ''}' is not allowed (it could reach an object prototype); left out`];
    case 'duplicate-key':
      return ['load.json-duplicate-key', `property '${problem.key ?? ''}' occurs more than once; the first is kept`];
    case 'control-character':
    case 'lone-surrogate':
      return ['load.json-forbidden-character', forbiddenCharacter(String.fromCharCode(problem.codePoint ?? 0)) ?? 'a character FHIR strings forbid'];
  }
}
