/**
 * The real defects of the NHS corpus example payloads (../shared/corpus/nhs-stu3-assets/Examples), as
 * rules: each error the validator reports on them, validated against the corpus's own profiles, must be
 * explained by one of these, and each says why it is a defect of the example, not of the validator.
 */
import type { DefectRule } from './example-defects.js';

export const nhsDefectRules: readonly DefectRule[] = [
  {
    name: 'asserted-date-missing',
    match: /^missing required element 'assertedDate'$/,
    reason: 'CareConnect-ITK-AllergyIntolerance-1 makes AllergyIntolerance.assertedDate mandatory (1..1); the example has none',
  },
  {
    name: 'provenance-activity-missing',
    match: /^missing required element 'activity'$/,
    reason: 'RARecord-Provenance-1 makes Provenance.activity mandatory (1..1); the contained Provenance of the Reasonable Adjustments examples has none',
  },
  {
    name: 'dstu2-fhir-comments',
    match: /^unknown element 'fhir_comments'$/,
    reason: 'fhir_comments was the DSTU2 JSON convention for comments; the STU3 JSON format has no such property',
  },
  {
    name: 'practitioner-is-organization',
    match: /^reference 'urn:uuid:[^']+' resolves to Organization at .* which is none of the allowed targets http:\/\/hl7\.org\/fhir\/StructureDefinition\/Practitioner$/,
    reason: 'PractitionerRole.practitioner points at the Organization entry (the fullUrl of the custodian), not a Practitioner',
  },
  {
    name: 'message-handling-missing',
    match: /^slice 'ITKMessageHandling' requires at least 1 item\(s\), found 0$/,
    reason: 'ITK-MessageHeader-2 requires the ITK message handling extension (1..1); the MessageHeader of this example has no extension',
  },
  {
    name: 'payload-placeholder',
    match: /^missing required element 'type'$/,
    reason: "the payload Bundle was removed 'to facilitate viewing in a browser' (the example's comment), leaving an empty Bundle without its mandatory type",
  },
  {
    name: 'consent-target-is-consent',
    match: /^reference 'Consent\/[^']+' is to a Consent, the element allows Flag \| Condition$/,
    reason: 'the contained Provenance of a Consent has target Consent/..., which RARecord-Provenance-1 restricts to Flag or Condition',
  },
  {
    name: 'codesystem-url-with-prefix',
    match: /^https:\/\/fhir\.nhs\.uk\/STU3\/CodeSystem\/CodeSystem-RARecord-\w+-1\|[^,]* is not in the required value set https:\/\/fhir\.nhs\.uk\/STU3\/ValueSet\/RARecord-\w+-1$/,
    reason: 'coding.system repeats "CodeSystem-" (https://fhir.nhs.uk/STU3/CodeSystem/CodeSystem-RARecord-...-1); the bound value sets include https://fhir.nhs.uk/STU3/CodeSystem/RARecord-...-1',
  },
  {
    name: 'condition-category-code',
    match: /^code '(encounter-diagnosis|presenting-complaint)' is not defined in code system https:\/\/fhir\.hl7\.org\.uk\/STU3\/CodeSystem\/CareConnect-ConditionCategory-1$/,
    reason: 'CareConnect-ConditionCategory-1 (content complete) defines complaint, symptom, finding, diagnosis, problem, need and issue; the examples send the codes of other category systems under its URL',
  },
  {
    name: 'dispense-category-case',
    match: /^code 'Outpatient' is not defined in code system http:\/\/hl7\.org\/fhir\/medication-dispense-category$/,
    reason: "the STU3 medication-dispense-category code system is case-sensitive (caseSensitive true) and defines 'outpatient'",
  },
];

/** The rule explaining an error, or 'UNEXPLAINED'. */
export function nhsDefectOf(diagnostics: string): string {
  return nhsDefectRules.find((r) => r.match.test(diagnostics))?.name ?? `UNEXPLAINED: ${diagnostics}`;
}
