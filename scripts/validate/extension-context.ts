/**
 * Where an extension may be used: its definition's `contextType` and `context` (STU3 StructureDefinition).
 * `resource`: element paths in resources (`Patient` is the Patient resource itself, `Patient.contact` its
 * contacts, `Resource`/`DomainResource` any resource); `datatype`: data types (`Address`, `code`) or paths
 * in them (`HumanName.family`), `Element` any element; `extension`: the URL of the extension it nests in.
 * `*` (and `Any`) allows anywhere. A data type context also admits its specialisations (`Quantity` admits
 * `Duration`), a resource context a resource's ancestors (`DomainResource`).
 */
import type { StructureDefinition } from '../model/fhir.js';
import type { ValidationIssue } from './issues.js';
import { ruleIssue } from './policy.js';

/** What holds an extension, described in every way a context can name it. */
export interface ExtensionHolder {
  /** The holder's path in its resource without indexes (`Patient.name.family`), when the walk knows it. */
  readonly logicalPath: string | undefined;
  /** The paths of its element definition (`HumanName.family`; a profile's path and base path). */
  readonly elementPaths: readonly string[];
  /** Its type and that type's ancestors (`Duration`, `Quantity`, `Element`; `Patient`, `DomainResource`, `Resource`). */
  readonly types: readonly string[];
  /** For an extension nested in another: the outer extension's URL. */
  readonly extensionUrl: string | undefined;
}

const ANYWHERE = new Set(['*', 'Any']);

/** The issue of an extension whose definition does not allow it on this holder, if any. */
export function checkExtensionContext(definition: StructureDefinition, holder: ExtensionHolder, location: string): ValidationIssue[] {
  const contexts = contextsOf(definition);
  if (!definition.contextType || contexts.length === 0) return [];
  if (contexts.some((c) => allows(definition.contextType as string, c, holder))) return [];
  const where = holder.extensionUrl ? `in extension ${holder.extensionUrl}` : `on ${holder.logicalPath ?? holder.elementPaths[0] ?? holder.types[0] ?? 'this element'}`;
  return [ruleIssue('extension-context', location, `extension ${definition.url} is not allowed ${where}: its context is ${definition.contextType} ${contexts.join(', ')}`)];
}

const contextLists = new WeakMap<StructureDefinition, readonly string[]>();

/** A definition's contexts, each one (an entry may list several, comma-separated); read once per definition. */
function contextsOf(definition: StructureDefinition): readonly string[] {
  let contexts = contextLists.get(definition);
  if (!contexts) {
    contexts = (Array.isArray(definition.context) ? definition.context : [])
      .flatMap((c) => (typeof c === 'string' ? c.split(',') : []))
      .map((c) => c.trim())
      .filter((c) => c !== '');
    contextLists.set(definition, contexts);
  }
  return contexts;
}

function allows(contextType: string, context: string, holder: ExtensionHolder): boolean {
  if (ANYWHERE.has(context)) return true;
  if (contextType === 'extension') return holder.extensionUrl !== undefined && (context === holder.extensionUrl || context.startsWith(`${holder.extensionUrl}#`));
  return holder.types.includes(context) || holder.elementPaths.includes(context) || (holder.logicalPath !== undefined && pathMatches(context, holder.logicalPath));
}

/** `Observation.value[x]` matches `Observation.valueQuantity`; any other path matches itself. */
function pathMatches(context: string, path: string): boolean {
  if (context === path) return true;
  if (!context.endsWith('[x]')) return false;
  const stem = context.slice(0, -3);
  return path.startsWith(stem) && /^[A-Z][A-Za-z]*$/.test(path.slice(stem.length));
}

type Profiles = (ref: string) => StructureDefinition | undefined;

const lineages = new WeakMap<Profiles, Map<string, readonly string[]>>();

/** A type and its ancestors by baseDefinition (`Duration`, `Quantity`, `Element`), kept per definition source. */
export function typeLineage(type: string | undefined, profiles: Profiles): readonly string[] {
  if (!type) return [];
  let byType = lineages.get(profiles);
  if (!byType) lineages.set(profiles, (byType = new Map()));
  let lineage = byType.get(type);
  if (!lineage) {
    const out = [type];
    let sd = profiles(type);
    while (sd?.baseDefinition && out.length < 16) {
      sd = profiles(sd.baseDefinition);
      if (!sd?.type || out.includes(sd.type)) break;
      out.push(sd.type);
    }
    byType.set(type, (lineage = out));
  }
  return lineage;
}
