/**
 * A project's rule policy: severities set per rule (or `prefix.*`) and suppressions of single findings.
 * The Diagnostics collector applies it to every finding as it is reported, so each stage's decision to
 * stop (errors) already follows the config.
 */
import type { Diagnostic, Severity, SourceLocation } from './types.js';
import { ruleInfo, ruleMatches, type RuleSetting } from './rules.js';

export interface Suppression {
  /** A rule id, or `prefix.*`. */
  rule: string;
  /** `ResourceType/id` of the resource the finding is about (or a source file path); any when absent. */
  resource?: string;
  /** The FHIRPath of the finding, or a path it starts with; any when absent. */
  path?: string;
  /** Why the finding is accepted: required, shown in the QA report. */
  reason: string;
  /** Where the entry is in the config, for the report of an unused one. */
  where?: SourceLocation;
}

export class RulePolicy {
  private readonly settings: Array<[pattern: string, setting: RuleSetting]>;

  constructor(
    severities: Record<string, RuleSetting> = {},
    readonly suppressions: readonly Suppression[] = [],
  ) {
    // Exact ids win over `prefix.*`, longer prefixes over shorter ones.
    this.settings = Object.entries(severities).sort(([a], [b]) => specificity(b) - specificity(a));
  }

  /** The configured severity of a rule, or undefined when the config leaves it at its default (fixed rules always are). */
  setting(id: string): RuleSetting | undefined {
    if (ruleInfo(id)?.fixed) return undefined;
    return this.settings.find(([pattern]) => ruleMatches(pattern, id))?.[1];
  }

  /** The severity a finding reported at `reported` ends up with, or `off`. */
  severityOf(id: string, reported: Severity): Severity | 'off' {
    const set = this.setting(id);
    if (set === undefined) return reported;
    // A fatal finding stays fatal unless turned off: fatal means the input could not be processed at all.
    return set === 'error' && reported === 'fatal' ? 'fatal' : set;
  }

  /** The index of the first suppression matching a finding. */
  suppressionFor(d: Diagnostic): number | undefined {
    const i = this.suppressions.findIndex((s) => suppresses(s, d));
    return i < 0 ? undefined : i;
  }
}

function specificity(pattern: string): number {
  return pattern.endsWith('.*') || pattern === '*' ? pattern.length : 10_000;
}

function suppresses(s: Suppression, d: Diagnostic): boolean {
  if (!ruleMatches(s.rule, d.code)) return false;
  if (s.resource !== undefined && s.resource !== d.resource && s.resource !== d.file) return false;
  if (s.path !== undefined) {
    const path = d.path ?? '';
    if (path !== s.path && !path.startsWith(s.path + '.') && !path.startsWith(s.path + '[')) return false;
  }
  return true;
}
