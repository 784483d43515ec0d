/**
 * Codings against the code systems held here, wherever a Coding appears (bound or not): a code that a
 * complete CodeSystem does not define (code-unknown), a display that is none of the concept's display and
 * designations (display-mismatch; compared ignoring case and runs of white space), and a system (or the
 * Coding's `version` of it) not held at all (code-system-unknown). A CodeSystem that is only a fragment or an example answers for the codes it
 * has, and says nothing of the others. Severities come from the policy table (policy.ts).
 */
import type { CodeSystemIndex } from '../terminology/code-systems.js';
import { isObject } from '../util/values.js';
import { NO_ISSUES, type ValidationIssue } from './issues.js';
import { ruleIssue } from './policy.js';

export function checkCoding(value: unknown, location: string, systems: CodeSystemIndex): ValidationIssue[] {
  if (!isObject(value) || typeof value.system !== 'string' || typeof value.code !== 'string') return NO_ISSUES;
  const { system, code } = value;
  const held = systems.get(system);
  if (!held || held.content === 'not-present')
    return [ruleIssue('code-system-unknown', location, `code system ${system} is not held here${held ? ' in full (content not-present)' : ''}: code '${code}' not checked`)];
  // A Coding of another version than the one held may use codes that version defines.
  if (typeof value.version === 'string' && held.version !== undefined && value.version !== held.version)
    return [ruleIssue('code-system-unknown', location, `version ${value.version} of code system ${system} is not held here (version ${held.version} is): code '${code}' not checked`)];
  const concept = held.concept(code);
  if (!concept) return held.content === 'complete' ? [ruleIssue('code-unknown', `${location}.code`, `code '${code}' is not defined in code system ${system}`)] : [];
  const display = value.display;
  // Written as defined (most are): no need to normalise.
  if (typeof display !== 'string' || concept.displays.length === 0 || concept.displays.includes(display)) return NO_ISSUES;
  const wanted = normalise(display);
  if (concept.displays.some((d) => normalise(d) === wanted)) return NO_ISSUES;
  const expected = concept.displays.map((d) => `'${d}'`).join(' or ');
  return [ruleIssue('display-mismatch', `${location}.display`, `display '${display}' is not the display of ${system}|${concept.code}: expected ${expected}`)];
}

function normalise(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}
