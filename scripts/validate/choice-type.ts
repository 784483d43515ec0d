/**
 * A choice property whose type the profile does not allow (`valueString` where only `valueCode` is), or a
 * choice the profile removed (max 0): the issue names the typed properties it allows.
 */
import type { ResolvedProperty } from '../resolve/element-model.js';
import { NO_ISSUES, type ValidationIssue } from './issues.js';
import { ruleIssue } from './policy.js';
import type { ProfileNode } from './profile-tree.js';

/** The `choice-type` issue of property `prop` under `source`, none when the profile says nothing of that choice. */
export function choiceTypeIssues(source: ProfileNode, prop: ResolvedProperty, location: string): ValidationIssue[] {
  const name = prop.element.name;
  const alternatives = source.children.filter((c) => (c.choice && c.name === name) || (c.def.base?.path ?? '').endsWith(`.${name}[x]`));
  if (alternatives.length === 0) return NO_ISSUES;
  const allowed = [...new Set(alternatives.filter((c) => c.def.max !== '0').flatMap((c) => (c.def.type ?? []).map((t) => t.code)))];
  const diagnostics = allowed.length
    ? `${prop.property}: type ${prop.type ?? '?'} is not allowed here; allowed: ${allowed.map((t) => name + t[0].toUpperCase() + t.slice(1)).join(', ')}`
    : `${prop.property}: ${name}[x] is not allowed here (max 0)`;
  return [ruleIssue('choice-type', location, diagnostics)];
}
