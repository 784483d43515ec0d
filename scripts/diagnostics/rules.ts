/**
 * The rule catalog: every diagnostic the toolchain reports, by its stable id, with its default severity
 * and what it checks. A project's config sets any configurable rule to off, information, warning or
 * error (`rules`), and suppresses single findings (`suppressions`); docs/rules.md lists the same table.
 *
 * `fixed` rules describe input that cannot be read or an environment the build cannot run in: lowering
 * them would drop content without a word, so their severity cannot be configured.
 * Default `off`: conventions of one guide (GP Connect's `-N` names and URL layout) that a project turns on.
 */
import type { Severity } from './types.js';

export type RuleSetting = 'off' | 'information' | 'warning' | 'error';

export interface RuleInfo {
  id: string;
  /** Severity when the config says nothing (`off`: reported only when the config turns it on). */
  severity: Severity | 'off';
  /** What it checks, one sentence. */
  summary: string;
  /** Set when the severity cannot be configured: why. */
  fixed?: string;
}

const UNREADABLE = 'the input cannot be read: lowering it would drop content silently';
const ENVIRONMENT = 'the build cannot run without it';
const CONFIG = 'the config itself is unusable';
const BUG = 'a bug of the toolchain is never hidden';

type Row = [id: string, severity: Severity | 'off', summary: string, fixed?: string];

const rows: Row[] = [
  // config
  ['config.unreadable', 'error', 'the project config file cannot be read', CONFIG],
  ['config.syntax', 'error', 'the project config is not valid JSON', CONFIG],
  ['config.missing-field', 'error', 'a required config field (packageId, version, canonical, fhirVersion) is missing', CONFIG],
  ['config.invalid-type', 'error', 'a config field has the wrong JSON type', CONFIG],
  ['config.invalid-value', 'error', 'a config field has a value the toolchain cannot use', CONFIG],
  ['config.invalid-package-name', 'error', 'packageId is not a FHIR package name (lowercase, dot-separated parts)', CONFIG],
  ['config.unusual-package-name', 'warning', 'a dependency name does not follow FHIR package naming'],
  ['config.license-not-spdx', 'warning', 'license does not look like an SPDX identifier'],
  ['config.unknown-field', 'warning', 'a config field the toolchain does not know (ignored)'],
  ['config.duplicate', 'warning', 'a source folder is listed twice'],
  ['config.no-core-dependency', 'warning', 'no dependency brings in hl7.fhir.r3.core'],
  ['config.unpinned-dependency', 'warning', "a dependency is 'latest' or 'x.y.x', so builds may differ over time"],
  ['config.unknown-rule', 'warning', 'the config configures or suppresses a rule id that does not exist'],
  ['config.unused-suppression', 'warning', 'a suppression matched no finding of the build (the list cannot rot)'],
  // load: source files
  ['load.not-found', 'error', 'a configured source folder or file does not exist', UNREADABLE],
  ['load.unreadable', 'error', 'a source file cannot be read', UNREADABLE],
  ['load.json-bom', 'error', 'a JSON file starts with a byte order mark', UNREADABLE],
  ['load.json-malformed', 'error', 'a JSON file is not valid JSON', UNREADABLE],
  ['load.json-not-object', 'error', 'a JSON file does not hold an object', UNREADABLE],
  ['load.json-resource-type', 'error', 'a JSON resource has no resourceType, or an unknown one', UNREADABLE],
  ['load.json-too-deep', 'error', 'JSON nested deeper than any resource needs', UNREADABLE],
  ['load.json-forbidden-key', 'error', "a JSON property that could reach an object prototype ('__proto__', ...)", UNREADABLE],
  ['load.json-duplicate-key', 'error', 'a JSON property occurs twice in one object', UNREADABLE],
  ['load.json-forbidden-character', 'error', 'a JSON string holds a character FHIR strings forbid (a control character, a lone surrogate)', UNREADABLE],
  ['load.xml-malformed', 'error', 'an XML file is not well-formed', UNREADABLE],
  ['load.xml-doctype', 'error', 'a DOCTYPE declaration (refused: XML attacks live there)', UNREADABLE],
  ['load.xml-entity-declaration', 'error', 'an ENTITY declaration (refused)', UNREADABLE],
  ['load.xml-markup-declaration', 'error', 'another markup declaration (refused)', UNREADABLE],
  ['load.xml-processing-instruction', 'error', 'a processing instruction other than the leading XML declaration', UNREADABLE],
  ['load.xml-namespace', 'error', 'an element outside the FHIR (or XHTML) namespace', UNREADABLE],
  ['load.xml-unknown-resource', 'error', 'an XML root or contained element that is not a resource type', UNREADABLE],
  ['load.xml-unknown-element', 'error', 'an XML element the definitions do not have', UNREADABLE],
  ['load.xml-unknown-attribute', 'error', 'an XML attribute the definitions do not have', UNREADABLE],
  ['load.xml-unknown-type', 'error', 'no definition for the content of an XML element', UNREADABLE],
  ['load.xml-empty-value', 'error', "an empty 'value' attribute", UNREADABLE],
  ['load.xml-empty-element', 'warning', 'an element with neither value, id nor extension (FHIR XML leaves it out)'],
  ['load.xml-invalid-value', 'error', "a 'value' attribute that is not of the element's type", UNREADABLE],
  ['load.xml-unexpected-text', 'error', 'text content where FHIR XML carries values in attributes', UNREADABLE],
  ['load.xml-element-order', 'error', 'XML elements out of definition order', UNREADABLE],
  ['load.xml-choice-conflict', 'error', 'two types of one choice element', UNREADABLE],
  ['load.xml-repeated-element', 'error', 'an element that does not repeat occurs twice', UNREADABLE],
  ['load.xml-resource-wrapper', 'error', 'a resource wrapper (contained, resource) without exactly one resource', UNREADABLE],
  // the XML writer (convert, and wherever JSON is written as XML)
  ['emit.xml-not-a-resource', 'error', 'what is to be written as XML is not a FHIR resource', UNREADABLE],
  ['emit.xml-unknown-resource', 'error', 'a resource type the definitions do not have', UNREADABLE],
  ['emit.xml-unknown-type', 'error', 'no definition for the type of a property', UNREADABLE],
  ['emit.xml-unknown-property', 'error', 'a JSON property the definitions do not have', UNREADABLE],
  ['emit.xml-invalid-json', 'error', 'JSON that does not have the shape FHIR JSON gives the element', UNREADABLE],
  ['emit.xml-choice-conflict', 'error', 'two types of one choice element', UNREADABLE],
  ['emit.xml-too-deep', 'error', 'nesting too deep (or a cycle) to write', UNREADABLE],
  ['emit.xml-xhtml', 'error', 'narrative XHTML that cannot be written as XML', UNREADABLE],
  ['emit.xml-invalid-character', 'error', 'a string holds a character XML cannot carry', UNREADABLE],
  // convert
  ['convert.too-costly', 'error', 'a payload to convert is over a limit (size, depth, issues, time)', UNREADABLE],
  ['convert.internal-error', 'error', 'converting met a bug of the toolchain (reported as one finding, never a stack trace)', BUG],
  // load: dependency packages
  ['load.package-missing', 'error', 'a dependency package was not found in any configured source', ENVIRONMENT],
  ['load.package-invalid', 'error', 'a dependency package cannot be extracted or loaded', ENVIRONMENT],
  ['load.package-damaged', 'error', 'a dependency package has files that cannot be parsed, an index naming missing files, or no resources', ENVIRONMENT],
  ['load.package-loader', 'error', 'fhir-package-loader failed (its warnings are reported as warnings)', ENVIRONMENT],
  ['load.package-loaded', 'information', 'where each dependency package was loaded from'],
  ['load.package-mismatch', 'warning', "a dependency package's package.json names another name or version"],
  ['load.package-fhir-version', 'warning', 'a dependency package is not for FHIR 3.0.x'],
  ['load.package-version-conflict', 'warning', 'two versions of one package are loaded'],
  // snapshot
  ['snapshot.cycle', 'error', 'a profile depends on itself through its base or type profiles', UNREADABLE],
  ['snapshot.min-above-max', 'error', 'the snapshot command: a generated element whose min is above its max (no instance can have it)'],
  ['snapshot.no-base', 'error', 'a profile has no baseDefinition', UNREADABLE],
  ['snapshot.base-not-found', 'error', 'the base of a profile is not in the project or its dependencies', UNREADABLE],
  ['snapshot.id-not-path', 'warning', 'a differential element id that does not fit its path (the element is matched by its path)'],
  ['snapshot.root-label', 'information', "a profile's root named with a slice (`Quantity:simplequantity`): a root cannot be sliced, so the slice is kept as a label of the root in every id"],
  ['snapshot.unmatched-element', 'error', 'a differential element matches nothing in the base', UNREADABLE],
  // resource checks
  ['resource.missing-id', 'error', 'a resource has no id'],
  ['resource.duplicate-id', 'error', 'two resources of one type share an id'],
  ['resource.duplicate-url', 'error', 'two resources share a canonical url'],
  ['resource.version', 'error', 'the version of a canonical resource differs from the package version (config resourceVersions: stamp fills in missing ones)'],
  ['resource.url-convention', 'off', 'a terminology or conformance resource url is not <canonical>/<ResourceType>/<id> (GP Connect convention)'],
  // profile checks
  ['profile.url-convention', 'off', 'a profile url is not <canonical>/StructureDefinition/<id> (GP Connect convention)'],
  ['profile.major-version-suffix', 'off', "a profile's id or name does not end in its major version, -1, -2 (GP Connect convention)"],
  ['profile.major-version-mismatch', 'off', 'the id and name of a profile end in different major versions (GP Connect convention)'],
  ['profile.id-name-mismatch', 'off', "a profile's name differs from its id (GP Connect convention)"],
  ['profile.min-below-base', 'error', 'a differential min below the base min'],
  ['profile.max-above-base', 'error', 'a differential max above the base max'],
  ['profile.max-invalid', 'error', "a max that is neither a number nor '*'"],
  ['profile.min-above-max', 'error', 'an element whose min is above its max'],
  ['profile.type-not-allowed', 'error', 'a type the base element does not allow'],
  ['profile.target-not-allowed', 'error', 'a reference target that does not derive from one the base allows'],
  ['profile.profile-not-allowed', 'error', "a type profile that does not derive from the base's"],
  ['profile.type-profile-mismatch', 'error', 'a type profile that constrains another type'],
  ['profile.binding-weakened', 'error', "a binding strength weaker than the base's"],
  ['profile.slicing-loosened', 'error', "slicing rules that loosen the base's closed or ordered slicing"],
  ['profile.value-wrong-type', 'error', "a fixed or pattern value that does not fit the element's type"],
  ['profile.unknown-project-url', 'warning', "a profile, extension or value set under the project's canonical that resolves nowhere (GP Connect: error)"],
  ['profile.unresolved-external-url', 'warning', 'a profile, extension or value set outside the canonical that is not in the project or its dependencies'],
  // terminology
  ['terminology.unknown-code', 'error', 'a value set includes a code its code system does not define'],
  ['terminology.display-mismatch', 'error', "a value set gives a code a display other than its code system's"],
  ['terminology.unknown-codesystem', 'warning', "a value set includes a code system under the project's canonical that is not in the project (GP Connect: error)"],
  ['terminology.iso639-display', 'warning', "a language code's display differs from its ISO 639-2 English name"],
  ['terminology.iso639-unknown-code', 'information', 'a language code that is not in ISO 639-2'],
  // package and types
  ['package.invalid-config', 'error', 'a config value the package manifest cannot carry', CONFIG],
  ['package.invalid-resource-type', 'error', 'a resource without a valid resourceType (left out of the package)', UNREADABLE],
  ['package.missing-id', 'error', 'a resource without an id has no file name in the package', UNREADABLE],
  ['package.invalid-id', 'error', 'a resource id that is not a FHIR id', UNREADABLE],
  ['package.duplicate-file', 'error', 'two resources share a package file name (or differ only in case)', UNREADABLE],
  ['types.value-set', 'warning', 'a value set union written without json-schema-to-typescript'],
  // examples
  ['example.structure', 'error', 'an example does not fit the structure of its profile or base type'],
  ['example.required', 'error', 'an example misses a required element'],
  ['example.value', 'error', 'an example holds a value its element does not allow'],
  ['example.invariant', 'error', 'an example breaks a FHIRPath invariant (warning-level invariants warn)'],
  ['example.code-invalid', 'error', 'an example holds a code outside a required binding'],
  ['example.invalid', 'error', 'an example is invalid in another way'],
  ['example.not-found', 'error', 'a profile, value set or reference an example needs is not found'],
  ['example.processing', 'error', 'an example could not be fully validated'],
  ['example.too-costly', 'error', 'an example is over the validation limits'],
  ['example.security', 'error', 'an example holds content refused for security'],
  ['example.informational', 'information', 'a note from validating an example'],
  ['example.extension', 'error', 'an example holds an extension its definition or context does not allow'],
  ['example.business-rule', 'error', 'an example breaks a business rule of the validator'],
  ['example.not-validated', 'warning', 'an example was not validated: a profile it claims has errors'],
  // versions and releases
  ['version.not-increased', 'error', 'the package version is not above the previous release'],
  ['version.bump-too-small', 'error', 'the package version bump (patch, minor, major) is smaller than the changes since the previous release need'],
  ['version.other-package', 'warning', 'the previous release is another package'],
  ['version.previous-unreadable', 'error', 'the previous release cannot be read', ENVIRONMENT],
  ['version.breaking-without-major', 'off', 'an artefact keeps its URL across a breaking change instead of a new -N major version (GP Connect convention)'],
  ['version.majors-same-type', 'off', 'the major versions of one artefact (X-1, X-2) constrain different types (GP Connect convention)'],
  ['release.input-not-found', 'error', 'a version to compare is no file, folder or name@version', ENVIRONMENT],
  ['release.package-malformed', 'error', 'a version to compare cannot be read', ENVIRONMENT],
  ['release.package-conflict', 'error', 'one package is asked for in two versions', ENVIRONMENT],
  ['release.package-missing', 'error', 'a name@version to compare could not be loaded', ENVIRONMENT],
  ['release.file-unreadable', 'error', 'a file of a version to compare cannot be read', UNREADABLE],
  ['release.changes-unreadable', 'error', 'the changes file cannot be read', CONFIG],
  ['release.changes-syntax', 'error', 'the changes file is not valid JSON', CONFIG],
  ['release.changes-invalid', 'error', 'the changes file does not have the expected shape', CONFIG],
  ['release.changes-version', 'error', 'the changes file names another release than the package version'],
  ['release.entry-without-change', 'warning', 'a changes-file entry names an artefact the diff shows unchanged'],
  ['release.change-without-entry', 'warning', 'an artefact the diff shows changed that no changes-file entry names'],
  ['validate.not-built', 'error', 'validate found no built validators', ENVIRONMENT],
  ['validate.no-definition-index', 'information', 'the build output has no definition index (an older build): dependencies are loaded instead'],
  ['validate.definition-index-unreadable', 'warning', "the build output's definition index cannot be read: dependencies are loaded instead"],
  ['validate.definition-index-stale', 'warning', 'the definition index was built for other dependencies than the config names: dependencies are loaded instead'],
  ['validate.no-expansions', 'information', 'validate --ig without the published expansions package: bindings to the value sets it expands are not checked'],
  ['validate.duplicate-definition', 'warning', 'validate --ig: a canonical URL is defined more than once (the first definition given is used)'],
  ['validate.invariants-unreadable', 'warning', "the build output's compiled invariants cannot be loaded: they are compiled as they are met instead"],
  ['validate.walk-unreadable', 'warning', "the build output's generated walk cannot be loaded: the walk is generated as payloads are walked instead"],
  ['validate.walk-stale', 'warning', "the build output's generated walk does not fit the definitions it is loaded with: the walk is generated as payloads are walked instead"],
  ['validate.cache', 'warning', 'a compiled validator module in the cache could not be used (it is compiled again)'],
  ['build.validator-cache', 'warning', 'a compiled validator module in the cache could not be used (it is compiled again)'],
  // documentation site
  ['site.package-missing-file', 'error', 'the built package to make a site of lacks a file (not built?)', ENVIRONMENT],
  ['site.package-invalid', 'error', 'a file of the built package cannot be read', UNREADABLE],
  ['site.qa-invalid', 'error', 'the QA report given to the site cannot be read', UNREADABLE],
  ['site.changes-unreadable', 'error', 'the changes file given to the site cannot be read', CONFIG],
  ['site.xml-unavailable', 'warning', 'a resource is shown without its XML form (it cannot be written as XML)'],
  ['site.duplicate-page', 'warning', 'two resources of the package would share a site page (only the first is shown)'],
];

export const RULES: readonly RuleInfo[] = rows.map(([id, severity, summary, fixed]) => ({ id, severity, summary, ...(fixed ? { fixed } : {}) }));

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleInfo(id: string): RuleInfo | undefined {
  return byId.get(id);
}

/** The severity a rule reports at when the config says nothing; unknown ids report as errors. */
export function defaultSeverity(id: string): Severity | 'off' {
  return byId.get(id)?.severity ?? 'error';
}

/** True when `pattern` (an id, or a prefix ending in `.*`, or `*`) names `id`. */
export function ruleMatches(pattern: string, id: string): boolean {
  if (pattern === '*') return true;
  return pattern.endsWith('.*') ? id.startsWith(pattern.slice(0, -1)) : pattern === id;
}

/** The rules a pattern names (an exact id, or every id under a `prefix.*`). */
export function rulesNamed(pattern: string): RuleInfo[] {
  return RULES.filter((r) => ruleMatches(pattern, r.id));
}
