/**
 * The diagnostics collector every stage reports into. Stages never throw on bad content:
 * they report and carry on, so one run shows every problem.
 */

export type Severity = 'fatal' | 'error' | 'warning' | 'information';

/** Where something came from: a file, and the line and FHIRPath/element location where known. */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
  /** FHIRPath expression or element id inside the resource, e.g. `StructureDefinition.differential.element[3]` or `Appointment.participant`. */
  path?: string;
}

export interface Diagnostic extends SourceLocation {
  severity: Severity;
  /** A stable rule id, e.g. `snapshot.unmatched-element`, `load.xml-malformed`. */
  code: string;
  message: string;
}

const severityRank: Record<Severity, number> = { fatal: 0, error: 1, warning: 2, information: 3 };

export class Diagnostics {
  private readonly items: Diagnostic[] = [];

  report(d: Diagnostic): void {
    this.items.push(d);
  }

  error(code: string, message: string, where: SourceLocation = {}): void {
    this.report({ severity: 'error', code, message, ...where });
  }

  warning(code: string, message: string, where: SourceLocation = {}): void {
    this.report({ severity: 'warning', code, message, ...where });
  }

  info(code: string, message: string, where: SourceLocation = {}): void {
    this.report({ severity: 'information', code, message, ...where });
  }

  fatal(code: string, message: string, where: SourceLocation = {}): void {
    this.report({ severity: 'fatal', code, message, ...where });
  }

  get all(): readonly Diagnostic[] {
    return this.items;
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
    for (const d of other.all) this.items.push(d);
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

/** One line per diagnostic: `file:line: error [code] path: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}: ` : '';
  const path = d.path ? `${d.path}: ` : '';
  return `${where}${d.severity} [${d.code}] ${path}${d.message}`;
}
