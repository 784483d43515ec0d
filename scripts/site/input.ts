/**
 * What the site is made from: the built package (its manifest, resources with snapshots and
 * differentials, examples) and what the build knows besides (its diagnostics, the previous version's
 * diff, the changes file). The context answers what the package alone cannot: definitions of the
 * dependencies (for names and links), value set expansions, and the XML form of a resource.
 */
import type { Diagnostic, Diagnostics } from '../diagnostics/diagnostics.js';
import type { BuiltManifest, BuiltPackage } from '../load/built-package.js';
import type { Resource } from '../model/fhir.js';
import type { ChangesFile } from '../release/changes-file.js';
import type { PackageDiff } from '../release/changes.js';
import type { DefinitionResolver } from '../resolve/resolver.js';
import type { ExpansionRows } from '../terminology/expansion-rows.js';

export type { ExpansionRow, ExpansionRows } from '../terminology/expansion-rows.js';

/** The package as built: manifest, resources with snapshots and differentials, examples. */
export type SitePackage = BuiltPackage;
export type SiteManifest = BuiltManifest;

/** A diagnostic the build chose not to report, with the reason the project gave. */
export interface SuppressedDiagnostic extends Diagnostic {
  reason: string;
}

/** The build's quality report: what it reported (files relative to the project root), and what it was told to suppress. */
export interface QaReport {
  diagnostics: Diagnostic[];
  suppressed?: SuppressedDiagnostic[];
  /** How the package's FHIRPath invariants are evaluated: counts, and those left to fhirpath.js with why. */
  invariants?: { total: number; compiled: number; native: number; interpreted: Array<{ key: string; context: string; expression: string; reason: string }> };
}

export interface SiteChanges {
  /** The comparison with the previous version, when one is configured. */
  diff?: PackageDiff;
  /** The changes file (`changes.json`): titled entries per area. */
  notes?: ChangesFile;
}

export interface SiteInput {
  package: SitePackage;
  /** Absent: the site says that no build report was given. */
  qa?: QaReport;
  changes?: SiteChanges;
}

export interface SiteContext {
  /** The package's resources first, then its dependencies. */
  resolver: DefinitionResolver;
  diagnostics: Diagnostics;
  /** A value set's expansion as the build computes it. */
  expand: (url: string) => ExpansionRows;
  /** The resource as FHIR XML, or undefined when it cannot be written (reported into diagnostics). */
  toXml: (resource: Resource) => string | undefined;
}
