/**
 * The config's rule fields: `rules` (a severity per rule id or `prefix.*`) and `suppressions` (single
 * findings accepted, each with its reason). Unknown ids are warnings naming the nearest known one; rules
 * whose severity is fixed (unreadable input, environment) cannot be configured or suppressed.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { Suppression } from '../diagnostics/policy.js';
import { RULES, ruleInfo, rulesNamed, type RuleSetting } from '../diagnostics/rules.js';
import { isObject } from '../util/values.js';
import type { ConfigReader, JsonPath } from './config-reader.js';

const SETTINGS: readonly RuleSetting[] = ['off', 'information', 'warning', 'error'];
const SUPPRESSION_FIELDS = new Set(['rule', 'resource', 'path', 'reason']);

export function readRuleSettings(v: ConfigReader, root: Record<string, unknown>): Record<string, RuleSetting> {
  const raw = root.rules;
  const out: Record<string, RuleSetting> = {};
  if (raw === undefined) return out;
  if (!isObject(raw)) {
    v.error('config.invalid-type', ['rules'], `'rules' must be an object of rule id to ${SETTINGS.join(' | ')}`);
    return out;
  }
  for (const [pattern, setting] of Object.entries(raw)) {
    const path: JsonPath = ['rules', pattern];
    if (typeof setting !== 'string' || !(SETTINGS as readonly string[]).includes(setting)) {
      v.error('config.invalid-value', path, `rule ${pattern}: ${JSON.stringify(setting)} is not one of ${SETTINGS.join(', ')}`);
      continue;
    }
    if (!knownPattern(v, pattern, path)) continue;
    const fixed = ruleInfo(pattern)?.fixed;
    if (fixed) {
      v.error('config.invalid-value', path, `rule ${pattern} cannot be configured: ${fixed}`);
      continue;
    }
    out[pattern] = setting as RuleSetting;
  }
  return out;
}

export function readSuppressions(v: ConfigReader, root: Record<string, unknown>): Suppression[] {
  const raw = root.suppressions;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    v.error('config.invalid-type', ['suppressions'], `'suppressions' must be a list of {rule, resource, path, reason}`);
    return [];
  }
  const out: Suppression[] = [];
  raw.forEach((entry: unknown, i: number) => {
    const at: JsonPath = ['suppressions', i];
    if (!isObject(entry)) return v.error('config.invalid-type', at, 'a suppression must be an object {rule, resource, path, reason}');
    for (const key of Object.keys(entry)) if (!SUPPRESSION_FIELDS.has(key)) v.warn('config.unknown-field', [...at, key], `unknown field '${key}' in a suppression (ignored)`);
    const { rule, resource, path, reason } = entry;
    if (typeof rule !== 'string' || rule.trim() === '') return v.error('config.missing-field', [...at, 'rule'], 'a suppression needs the rule id it suppresses');
    if (typeof reason !== 'string' || reason.trim() === '') return v.error('config.missing-field', [...at, 'reason'], `the suppression of ${rule} needs a reason`);
    for (const [key, value] of [['resource', resource], ['path', path]] as const) {
      if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) return v.error('config.invalid-type', [...at, key], `'${key}' must be a non-empty string`);
    }
    if (!knownPattern(v, rule, [...at, 'rule'])) return;
    const fixed = ruleInfo(rule)?.fixed;
    if (fixed) return v.error('config.invalid-value', [...at, 'rule'], `rule ${rule} cannot be suppressed: ${fixed}`);
    out.push({
      rule,
      ...(typeof resource === 'string' ? { resource } : {}),
      ...(typeof path === 'string' ? { path } : {}),
      reason,
      where: { file: v.fileLabel, path: `suppressions[${i}]`, ...lineOf(v, at) },
    });
  });
  return out;
}

/** True when the pattern names at least one rule; else a warning naming the nearest id. */
function knownPattern(v: ConfigReader, pattern: string, path: JsonPath): boolean {
  if (rulesNamed(pattern).length > 0) return true;
  const near = nearest(pattern);
  v.warn('config.unknown-rule', path, `no rule is named ${pattern}${near ? ` (did you mean ${near}?)` : ''}; see docs/rules.md`);
  return false;
}

function lineOf(v: ConfigReader, path: JsonPath): { line?: number } {
  const line = v.lineOf(path);
  return line === undefined ? {} : { line };
}

/** The known id closest to a misspelt one (within a third of its length). */
function nearest(id: string): string | undefined {
  const best = closest(id, RULES.map((r) => r.id));
  return distance(id, best) <= Math.max(2, Math.floor(id.length / 3)) ? best : undefined;
}
