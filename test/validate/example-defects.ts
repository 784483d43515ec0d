/**
 * The real defects of the GP Connect example payloads (../shared/corpus/gpconnect-examples), as rules: each
 * error the validator reports on them must be explained by one of these, and each rule says why it is a
 * defect of the example, not of the validator.
 */
export interface DefectRule {
  name: string;
  match: RegExp;
  reason: string;
}

export const defectRules: readonly DefectRule[] = [
  {
    name: 'stale-code-system-url',
    match: /^https:\/\/fhir\.nhs\.uk\/CareConnect-(NHSNumberVerificationStatus|RegistrationType)-1\|\w+ is not in the required value set/,
    reason: 'coding.system uses the pre-STU3 URL https://fhir.nhs.uk/CareConnect-...-1; the bound value sets include https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-...-1',
  },
  {
    name: 'object-for-repeating-element',
    match: /repeats and must be an array$/,
    reason: 'an element with max * (Location.telecom, Organization.address, Patient.generalPractitioner, MedicationRequest.basedOn) written as a JSON object; FHIR JSON requires an array',
  },
  {
    name: 'array-for-single-element',
    match: /does not repeat and must not be an array$/,
    reason: 'an element with max 1 (Location.address, Duration.code) written as a JSON array',
  },
  {
    name: 'number-as-string',
    match: /^wrong type for 'value': expected number, found string$/,
    reason: 'Quantity.value / Duration.value (decimal) written as a JSON string ("28"); FHIR JSON decimals are numbers',
  },
  {
    name: 'boolean-as-string',
    match: /^wrong type for 'valueBoolean': expected boolean, found string$/,
    reason: 'valueBoolean written as the string "true"',
  },
  {
    name: 'recorder-is-practitioner-role',
    match: /^reference 'PractitionerRole\/[^']+' resolves to PractitionerRole .* which is none of the allowed targets/,
    reason: 'recorder points at a PractitionerRole; the GPC profiles (and STU3) allow Practitioner (or Patient/RelatedPerson) there',
  },
  {
    name: 'missing-identifier',
    match: /^missing required element 'identifier'$/,
    reason: 'the GPC AllergyIntolerance and MedicationRequest profiles make identifier mandatory (1..*); the example has none',
  },
  {
    name: 'repeat-information-type',
    match: /^valuePositiveInt: type positiveInt is not allowed here; allowed: valueUnsignedInt$/,
    reason: 'Extension-CareConnect-GPC-MedicationRepeatInformation-1 defines its counts as unsignedInt; the example sends valuePositiveInt',
  },
  {
    name: 'template-placeholder',
    match: /^value '\[Provider Software Release Date\]' does not match the dateTime format$/,
    reason: 'software.releaseDate is a documentation placeholder, not a dateTime',
  },
  {
    name: 'empty-parameter',
    match: /^constraint inv-1 failed: /,
    reason: 'the includeMedication parameter has neither a value, a resource nor parts (Parameters inv-1)',
  },
];

/** Warnings that are expected on the examples: extensions defined outside the project and the corpus (a collection Bundle's references to resources it leaves out are information). */
export const expectedWarnings: readonly RegExp[] = [
  /^unknown extension https:\/\/fhir\.hl7\.org\.uk\/STU3\/StructureDefinition\/Extension-(coding-sctdescid|CareConnect-MedicationStatementLastIssueDate-1): its definition does not resolve$/,
];

/** The rule explaining an error, or 'UNEXPLAINED'. */
export function defectOf(diagnostics: string): string {
  return defectRules.find((r) => r.match.test(diagnostics))?.name ?? `UNEXPLAINED: ${diagnostics}`;
}
