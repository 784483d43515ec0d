/**
 * The diagnostics collector every stage reports into. Stages never throw on bad content:
 * they report and carry on, so one run shows every problem.
 */
import type { RulePolicy, Suppression } from './policy.js';
import { defaultSeverity } from './rules.js';
import type { Diagnostic, Severity, SourceLocation } from './types.js';

export type { Diagnostic, Severity, SourceLocation } from './types.js';

/** A finding a suppression of the config accepted: kept as data (the QA report shows it), never printed as a problem. */
export interface SuppressedDiagnostic {
  diagnostic: Diagnostic;
  suppression: Suppression;
}

/** Where a finding is: its location, and the resource it is about when known. */
export type Where = SourceLocation & { resource?: string };

/** Gives the line (and column) of a path inside a file the collector knows, for findings reported without one. */
export type Locator = (path: string) => { line: number; column?: number } | undefined;

const severityRank: Record<Severity, number> = { fatal: 0, error: 1, warning: 2, information: 3 };

export class Diagnostics {
  /** Everything reported, as reported: the policy is applied again from here when it changes. */
  private readonly raw: Diagnostic[] = [];
  private items: Diagnostic[] = [];
  private suppressedItems: SuppressedDiagnostic[] = [];
  private seen = new Set<string>();
  private policy: RulePolicy | undefined;
  private resourceOf: ((file: string) => string | undefined) | undefined;
  private fileOf: ((resource: string) => string | undefined) | undefined;
  private readonly locators = new Map<string, Locator>();

  report(d: Diagnostic): void {
    this.raw.push(d);
    this.place(d);
  }

  /** Reports a finding of a rule at the rule's default severity (scripts/diagnostics/rules.ts); a rule that is off by default reports only when the config turns it on. */
  rule(code: string, message: string, where: Where = {}): void {
    const severity = defaultSeverity(code);
    if (severity === 'off' && this.policy?.setting(code) === undefined) return;
    // Off by default but turned on: reported as an error, then set to the configured severity.
    this.report({ severity: severity === 'off' ? 'error' : severity, code, message, ...where });
  }

  error(code: string, message: string, where: Where = {}): void {
    this.report({ severity: 'error', code, message, ...where });
  }

  warning(code: string, message: string, where: Where = {}): void {
    this.report({ severity: 'warning', code, message, ...where });
  }

  info(code: string, message: string, where: Where = {}): void {
    this.report({ severity: 'information', code, message, ...where });
  }

  fatal(code: string, message: string, where: Where = {}): void {
    this.report({ severity: 'fatal', code, message, ...where });
  }

  /** Applies a project's rule policy to everything reported so far and from now on. */
  usePolicy(policy: RulePolicy): void {
    this.policy = policy;
    this.replay();
  }

  /**
   * Names the resource each source file holds (`ResourceType/id`) and the file of each resource, so
   * suppressions can match findings by resource and findings about a resource name its file.
   */
  useResources(resourceOf: (file: string) => string | undefined, fileOf?: (resource: string) => string | undefined): void {
    this.resourceOf = resourceOf;
    this.fileOf = fileOf;
    this.replay();
  }

  /** Lines for findings in `file` reported with a path but no line (the config's fields, for instance). */
  addLocator(file: string, locator: Locator): void {
    this.locators.set(file, locator);
    this.replay();
  }

  /** Whether a rule reports at all under the current policy. */
  isOn(code: string): boolean {
    const severity = defaultSeverity(code);
    const set = this.policy?.setting(code);
    return set === undefined ? severity !== 'off' : set !== 'off';
  }

  get all(): readonly Diagnostic[] {
    return this.items;
  }

  /** Findings a suppression accepted, in report order. */
  get suppressed(): readonly SuppressedDiagnostic[] {
    return this.suppressedItems;
  }

  /** The suppressions of the policy that matched nothing. */
  unusedSuppressions(): Suppression[] {
    const used = new Set(this.suppressedItems.map((s) => s.suppression));
    return (this.policy?.suppressions ?? []).filter((s) => !used.has(s));
  }

  count(severity: Severity): number {
    return this.items.filter((d) => d.severity === severity).length;
  }

  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error' || d.severity === 'fatal');
  }

  /** Diagnostics in a stable order: file, line, severity, code, path, message. */
  sorted(): Diagnostic[] {
    return [...this.items].sort(compareDiagnostics);
  }

  /** Moves everything from another collector into this one (used when a sub-stage works on its own collector). */
  absorb(other: Diagnostics): void {
    for (const d of other.raw) this.report(d);
  }

  private replay(): void {
    this.items = [];
    this.suppressedItems = [];
    this.seen = new Set();
    for (const d of this.raw) this.place(d);
  }

  /** One finding through the policy: located, severity set (or dropped), suppressed, or kept once. */
  private place(reported: Diagnostic): void {
    const severity = this.policy ? this.policy.severityOf(reported.code, reported.severity) : reported.severity;
    if (severity === 'off') return;
    const d: Diagnostic = { ...reported, severity };
    if (d.file !== undefined && d.line === undefined && d.path !== undefined) {
      const at = this.locators.get(d.file)?.(d.path);
      if (at) Object.assign(d, at);
    }
    if (d.resource === undefined && d.file !== undefined) {
      const resource = this.resourceOf?.(d.file);
      if (resource) d.resource = resource;
    } else if (d.file === undefined && d.resource !== undefined) {
      const file = this.fileOf?.(d.resource);
      if (file) d.file = file;
    }
    const suppression = this.policy?.suppressionFor(d);
    if (suppression !== undefined) {
      this.suppressedItems.push({ diagnostic: d, suppression: this.policy?.suppressions[suppression] as Suppression });
      return;
    }
    // The same problem reported twice (by two stages, or two routes to one file) is shown once.
    const key = `${d.severity}\u0000${d.code}\u0000${d.file ?? ''}\u0000${d.line ?? ''}\u0000${d.path ?? ''}\u0000${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(d);
  }
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    cmp(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    severityRank[a.severity] - severityRank[b.severity] ||
    cmp(a.code, b.code) ||
    cmp(a.path ?? '', b.path ?? '') ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One line per diagnostic: `file:line[:column]: error [code] path: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
  const path = d.path ? `${d.path}: ` : '';
  return `${where}${d.severity} [${d.code}] ${path}${d.message}`;
}
