/**
 * The public API of the toolchain: `import { ... } from 'fhir-stu3-toolchain'`. Everything a program needs
 * to build a project, validate payloads, generate snapshots, compare versions, write release notes and
 * convert XML, with the diagnostics and the FHIR model types. docs/api.md describes it; anything not
 * exported here is internal and may change. One export line per function or group: a new command's API is
 * a new line here.
 */

// Building a project (what `fhir-stu3 build` runs) and its configuration.
export { build, type BuildOptions, type BuildResult, type BuildStatus } from './build.js';
export { CONFIG_FILE_NAME, loadConfig, parseConfig, type DependencySource, type ProjectConfig } from './load/config.js';
export { loadDependencies, LoadedPackages, type DependencyConfig, type LoadDependenciesOptions, type LoadedPackage } from './load/packages/index.js';

// Validating payloads: the validator of a built project, of definitions already in memory, or of any
// packages and loose definitions (`validate --ig`), with the cache of compiled validator modules.
export { loadValidator, type LoadValidatorOptions } from './commands/load-validator.js';
export { createValidator, type CreatedValidator, type ValidatorDefinitions } from './validate/create.js';
export { validatorFor, type ValidatorForOptions, type ValidatorForResult } from './commands/validator-for.js';
export { DiskModuleCache, MemoryModuleCache, type CacheOutcome, type ModuleCache } from './compile/module-cache.js';
export { validatorCacheDir } from './load/cache-dirs.js';
export { Validator, type ValidateOptions } from './validate/validator.js';
export { hasErrors, toOperationOutcome, VALIDATION_RULE_SYSTEM, type IssueCode, type ValidationIssue } from './validate/issues.js';
export { VALIDATION_RULES, type RuleDefinition, type RuleId, type RuleOverrides, type RuleSeverity } from './validate/policy.js';
export { EXPANSIONS_PACKAGE, expansionsFrom } from './validate/semantic-context.js';

// Snapshots.
export { snapshotProfiles } from './commands/snapshot.js';
export { compareSnapshots, type ElementDifference, type SnapshotComparison } from './snapshot/compare.js';

// Versions of a package, diff, release notes and publishing.
export { loadPackageVersion, type PackageVersion, type PackageVersionKind, type PackageVersionOptions } from './definitions/package-version.js';
export { diffPackages } from './release/diff.js';
export { formatDiffJson, formatDiffText } from './release/format-diff.js';
export type { Change, ChangeLevel, PackageDiff, ResourceDiff, ResourceStatus, SuggestedBump } from './release/changes.js';
export { parseChangesFile, type ChangeEntry, type ChangesFile } from './release/changes-file.js';
export { releaseNotes, type ReleaseNotesInput } from './release/release-notes.js';
export { publishPackages, type PublishOptions, type PublishOutcome, type PublishStatus } from './release/publish.js';

// FHIR XML and JSON, through the element model of the loaded definitions.
export { convertPayload, formatOfFile, jsonToXml, xmlToJson, type PayloadFormat } from './format/convert.js';
export { ElementModel } from './resolve/element-model.js';
export { LayeredResolver, ResourceIndex, type DefinitionResolver, type DefinitionSource } from './resolve/resolver.js';

// Diagnostics: every function above reports into these, with file, line and FHIRPath.
export { Diagnostics, formatDiagnostic, type Diagnostic, type Severity, type SourceLocation } from './diagnostics/diagnostics.js';

// The FHIR model (the conformance resources and the OperationOutcome the toolchain reads and writes).
export { isCodeSystem, isStructureDefinition, isValueSet } from './model/fhir.js';
export type * from './model/fhir.js';
