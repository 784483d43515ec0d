/** The shape of a finding, shared by the collector, the rule catalog and the policy. */

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
  /** A stable rule id, e.g. `snapshot.unmatched-element`, `load.xml-malformed` (scripts/diagnostics/rules.ts). */
  code: string;
  message: string;
  /** `ResourceType/id` of the resource it is about, where known (suppressions match on it). */
  resource?: string;
}
