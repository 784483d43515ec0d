/**
 * The validation rules of the semantic layer, one table: each rule's id, default severity, OperationOutcome
 * issue code, where the STU3 specification states it, and whether the severity is the specification's or a
 * policy (the specification leaves the choice to the validator). Every issue a rule raises carries its id;
 * a caller overrides severities by id (`rules` of the validator options: a severity, or `off`), which also
 * works for invariant keys (`per-1`, `dom-6`) since an invariant's issue carries its constraint key.
 * docs/validation-rules.md lists the same rules with their status.
 */
import type { IssueCode, ValidationIssue } from './issues.js';

export type Severity = ValidationIssue['severity'];
export type RuleSeverity = Severity | 'off';

export interface RuleDefinition {
  readonly severity: Severity;
  readonly code: IssueCode;
  /** True when the specification leaves the severity to the validator (a policy of this toolchain). */
  readonly policy: boolean;
  /** The STU3 page (and section) the rule comes from. */
  readonly spec: string;
  readonly summary: string;
}

const rule = (severity: Severity, code: IssueCode, policy: boolean, spec: string, summary: string): RuleDefinition => ({ severity, code, policy, spec, summary });

export const VALIDATION_RULES = {
  // The payload as text (json.html: JSON as RFC 8259 defines it)
  'json-byte-order-mark': rule('error', 'invalid', true, 'json.html', 'a JSON payload that starts with a byte order mark (RFC 8259 §8.1: senders must not add one, readers may ignore it); it is read after the mark'),
  // Extensions (extensibility.html, profiling.html#extensions)
  'extension-unknown': rule('warning', 'extension', true, 'extensibility.html#extension', 'an extension whose definition does not resolve'),
  'extension-unknown-own': rule('error', 'extension', true, 'extensibility.html#extension', "an extension under the package's own canonical base whose definition does not resolve"),
  'modifier-extension-unknown': rule('error', 'extension', false, 'extensibility.html#modifierExtension', 'a modifier extension whose definition does not resolve (it cannot be safely ignored)'),
  'extension-context': rule('error', 'business-rule', false, 'structuredefinition-definitions.html#StructureDefinition.context', "an extension used where its definition's context (contextType, context) does not allow it"),
  // Profiles and slicing (profiling.html#slicing)
  'profile-unresolved': rule('warning', 'not-found', true, 'resource.html#Meta', 'a profile claimed in meta.profile does not resolve'),
  'profile-unresolved-own': rule('error', 'not-found', true, 'resource.html#Meta', "a claimed profile under the package's own canonical base does not resolve"),
  'slice-cardinality': rule('error', 'structure', false, 'profiling.html#slicing', 'a slice has fewer or more items than its min/max'),
  'slice-closed': rule('error', 'structure', false, 'profiling.html#slicing', 'an item matches no slice of a closed slicing'),
  'slice-open-at-end': rule('error', 'structure', false, 'profiling.html#slicing', 'an unmatched item comes before sliced items in an openAtEnd slicing'),
  'slice-order': rule('error', 'structure', false, 'profiling.html#slicing', 'items out of slice order in an ordered slicing'),
  'slice-multiple-match': rule('error', 'structure', true, 'profiling.html#discriminator', 'an item matches more than one slice (the discriminators do not tell the slices apart)'),
  'slice-discriminator-undefined': rule('warning', 'processing', true, 'profiling.html#discriminator', 'a value/pattern discriminator whose element in a slice has no fixed value, pattern, required binding or existence rule'),
  'choice-type': rule('error', 'structure', false, 'formats.html#choice', 'a choice element in a type the profile does not allow'),
  // Terminology (terminology.html)
  'binding-required': rule('error', 'code-invalid', false, 'terminology.html#strength', 'a code outside a required value set'),
  'binding-extensible': rule('warning', 'code-invalid', true, 'terminology.html#strength', 'a code outside an extensible value set'),
  'binding-preferred': rule('warning', 'code-invalid', true, 'terminology.html#strength', 'a code outside a preferred value set'),
  'code-case-difference': rule('information', 'informational', true, 'codesystem.html#CodeSystem.caseSensitive', "a code in the bound value set only ignoring case, of a code system that compares codes ignoring case (CodeSystem.caseSensitive not true; BCP 47 and BCP 13 codes by their RFCs)"),
  'binding-unavailable': rule('information', 'informational', true, 'terminology.html#binding', 'a bound value set cannot be expanded here: the binding is not checked'),
  'code-unknown': rule('error', 'code-invalid', true, 'codesystem.html#status', 'a code that a complete CodeSystem held here does not define'),
  'display-mismatch': rule('warning', 'code-invalid', true, 'datatypes.html#Coding', "a Coding's display is none of the CodeSystem's display and designations for the code"),
  'code-system-unknown': rule('information', 'informational', true, 'terminology.html#4.1', 'a Coding system not held here: its codes are not checked'),
  // References (references.html, http.html#trules)
  'reference-target': rule('error', 'structure', false, 'references.html#Reference', 'a reference to a resource type or profile the element does not allow'),
  'reference-unresolved': rule('warning', 'not-found', true, 'bundle.html#references', 'a reference that resolves to no entry of a document or message Bundle'),
  'reference-unresolved-collection': rule('information', 'not-found', true, 'bundle.html#references', 'a reference that resolves to no entry of a collection Bundle (a set gathered for distribution, which may refer outside itself)'),
  'reference-conditional': rule('error', 'invalid', false, 'http.html#trules', 'a conditional reference (Type?search) outside a transaction or batch Bundle'),
  'reference-conformance-depth': rule('information', 'too-costly', true, 'references.html#Reference', 'reference targets that claim no target profile nest too deep to check each for conformance: the deepest were taken to conform'),
  // Bundle entries (bundle-definitions.html#Bundle.entry.fullUrl, references.html#regex)
  'bundle-document-composition': rule('error', 'structure', false, 'documents.html', "a document Bundle whose first entry's resource is not a Composition"),
  'bundle-message-header': rule('error', 'structure', false, 'messaging.html', "a message Bundle whose first entry's resource is not a MessageHeader"),
  'bundle-fullurl-id': rule('error', 'invalid', false, 'bundle-definitions.html#Bundle.entry.fullUrl', "a RESTful fullUrl (Type/id, absolute or not) that disagrees with its entry resource's type or id"),
  // Invariants (conformance-rules.html#constraints)
  'invariant-not-evaluated': rule('information', 'informational', true, 'fhirpath.html', 'an invariant this validator cannot evaluate offline'),
  // QuestionnaireResponse against its Questionnaire (questionnaireresponse.html)
  'qr-questionnaire-unresolved': rule('warning', 'not-found', true, 'questionnaireresponse.html', 'the Questionnaire a response names cannot be found: the response is not checked against it'),
  'qr-item-unknown': rule('error', 'structure', false, 'questionnaireresponse.html', 'a response item whose linkId is not an item of the Questionnaire at that place'),
  'qr-item-order': rule('error', 'structure', false, 'questionnaireresponse.html', 'response items in another order than the Questionnaire items'),
  'qr-item-repeats': rule('error', 'structure', false, 'questionnaire-definitions.html#Questionnaire.item.repeats', 'a non-repeating item given more than once, or a non-repeating question with more than one answer'),
  'qr-required': rule('error', 'required', false, 'questionnaire-definitions.html#Questionnaire.item.required', 'a required, enabled item missing (or unanswered) in a completed response'),
  'qr-answer-type': rule('error', 'structure', false, 'questionnaire-definitions.html#Questionnaire.item.type', "an answer whose type does not fit the item's type (or an answer to a group or display item)"),
  'qr-nesting': rule('error', 'structure', false, 'questionnaireresponse-definitions.html#QuestionnaireResponse.item', 'items nested the wrong way: under a group item, not its answers; under a question, in its answers'),
  'qr-disabled': rule('error', 'business-rule', false, 'questionnaire-definitions.html#Questionnaire.item.enableWhen', 'an item answered while its enableWhen conditions leave it disabled'),
  'qr-option': rule('error', 'code-invalid', false, 'questionnaire-definitions.html#Questionnaire.item.option', 'a choice answer that is none of the options (option list or options value set)'),
  'qr-max-length': rule('error', 'value', false, 'questionnaire-definitions.html#Questionnaire.item.maxLength', "a string answer longer than the item's maxLength"),
  'qr-subject-type': rule('error', 'structure', false, 'questionnaireresponse-definitions.html#QuestionnaireResponse.subject', "a subject of a type the Questionnaire's subjectType does not list"),
  'qr-text-mismatch': rule('warning', 'value', true, 'questionnaireresponse-definitions.html#QuestionnaireResponse.item.text', "a response item's text differs from the Questionnaire item's text"),
} as const satisfies Record<string, RuleDefinition>;

export type RuleId = keyof typeof VALIDATION_RULES;

/** Severity overrides by rule id (table rules and invariant keys). */
export type RuleOverrides = Readonly<Record<string, RuleSeverity>>;

/** An issue of a table rule, with the rule's default severity and code. */
export function ruleIssue(id: RuleId, expression: string, diagnostics: string): ValidationIssue {
  const def = VALIDATION_RULES[id];
  return { severity: def.severity, code: def.code, diagnostics, expression, rule: id };
}

const SEVERITIES: ReadonlySet<string> = new Set(['fatal', 'error', 'warning', 'information', 'off']);

/** Problems with a set of overrides: an unknown severity (ids are open: invariant keys are not listed here). */
export function overrideProblems(overrides: Readonly<Record<string, string>>): string[] {
  return Object.entries(overrides)
    .filter(([, severity]) => !SEVERITIES.has(severity))
    .map(([id, severity]) => `rule ${id}: unknown severity '${severity}' (expected fatal, error, warning, information or off)`);
}

/** The issues with the overrides applied: a rule set `off` drops its issues, any other setting replaces their severity. */
export function applyOverrides(issues: ValidationIssue[], overrides: RuleOverrides | undefined): ValidationIssue[] {
  if (!overrides) return issues;
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    const setting = issue.rule !== undefined && Object.hasOwn(overrides, issue.rule) ? overrides[issue.rule] : undefined;
    if (setting === undefined) out.push(issue);
    else if (setting !== 'off') out.push(setting === issue.severity ? issue : { ...issue, severity: setting });
  }
  return out;
}
