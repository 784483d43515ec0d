/**
 * The NHS corpus example payloads (../shared/corpus/nhs-stu3-assets/Examples, XML and JSON) validated with
 * the full validator against the corpus's own definitions (as `validate --ig <corpus>` would), over the
 * STU3 core. Every error is a real defect of the example, listed by location with the rule explaining it
 * (nhs-example-defects.ts says why each is a defect); the list is two-sided: a new error and a stale entry
 * both fail.
 */
import { sortIssues } from '../../scripts/validate/issues.js';
import type { Validator } from '../../scripts/validate/validator.js';
import { nhsDefectOf } from './nhs-example-defects.js';
import { nhsExampleIssues, nhsExamples, nhsValidator } from './nhs-validator-setup.js';

/** Per example with errors: `location rule`, in the OperationOutcome's order. */
const defects: Record<string, string[]> = {
  'CareConnect-ITK-DM-AllergyIntolerance-1-Example1.xml': [
    'AllergyIntolerance asserted-date-missing',
  ],
  'CareConnect-RARecord-Condition-1-example1.json': [
    'Condition.contained[0] provenance-activity-missing',
  ],
  'CareConnect-RARecord-Condition-1-example1.xml': [
    'Condition.contained[0] provenance-activity-missing',
  ],
  'CareConnect-RARecord-Condition-1-example2.json': [
    'Condition.contained[0] provenance-activity-missing',
  ],
  'CareConnect-RARecord-Condition-1-example2.xml': [
    'Condition.contained[0] provenance-activity-missing',
  ],
  'CareConnect-RARecord-List-1-example.json': [
    'List.entry[0].item.reference.fhir_comments dstu2-fhir-comments',
    'List.fhir_comments dstu2-fhir-comments',
  ],
  'ITK-EC-Document-Bundle-1-Example-1.xml': [
    'Bundle.entry[12].resource asserted-date-missing',
    'Bundle.entry[14].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[15].resource.category[0].coding[0].code condition-category-code',
  ],
  'ITK-EDIS-Example-1.xml': [
    'Bundle.entry[17].resource.category[0].coding[0].code condition-category-code',
  ],
  'ITK-MH-Document-Bundle-Example-2.xml': [
    'Bundle.entry[3].resource asserted-date-missing',
  ],
  'ITK-OPL-Document-Bundle-1-Example-1.xml': [
    'Bundle.entry[3].resource asserted-date-missing',
    'Bundle.entry[8].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[9].resource.category[0].coding[0].code condition-category-code',
  ],
  'ITK-OPL-Document-Bundle-1-Example-2.xml': [
    'Bundle.entry[3].resource asserted-date-missing',
    'Bundle.entry[4].resource.category.coding[0].code dispense-category-case',
    'Bundle.entry[9].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[10].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[11].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[12].resource.category[0].coding[0].code condition-category-code',
  ],
  'ITK-OPL-Document-Bundle-1-Example-3.xml': [
    'Bundle.entry[3].resource asserted-date-missing',
    'Bundle.entry[5].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[6].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[7].resource.category[0].coding[0].code condition-category-code',
  ],
  'ITK-OPL-Document-Bundle-1-Example-4.xml': [
    'Bundle.entry[3].resource asserted-date-missing',
    'Bundle.entry[5].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[6].resource.category[0].coding[0].code condition-category-code',
  ],
  'ITK-OPL-Document-Bundle-1-Example-5.xml': [
    'Bundle.entry[3].resource asserted-date-missing',
    'Bundle.entry[5].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[6].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[7].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[8].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[9].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[10].resource.category[0].coding[0].code condition-category-code',
  ],
  'ITK-OPL-Document-Bundle-1-Example-6.xml': [
    'Bundle.entry[3].resource asserted-date-missing',
    'Bundle.entry[5].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[6].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[17].resource.practitioner.reference practitioner-is-organization',
  ],
  'ITK-OPL-Document-Bundle-1-Example-7.xml': [
    'Bundle.entry[3].resource asserted-date-missing',
    'Bundle.entry[5].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[6].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[7].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[8].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[9].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[10].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[11].resource.category[0].coding[0].code condition-category-code',
    'Bundle.entry[12].resource.category.coding[0].code dispense-category-case',
    'Bundle.entry[13].resource.category.coding[0].code dispense-category-case',
    'Bundle.entry[14].resource.category.coding[0].code dispense-category-case',
    'Bundle.entry[15].resource.category.coding[0].code dispense-category-case',
  ],
  'ITK-Response-20009-Example-2.xml': [
    'Bundle.entry[0].resource.extension message-handling-missing',
  ],
  'ITK-SendPayload-Payload-Removed-Example-1.xml': [
    'Bundle.entry[3].resource payload-placeholder',
  ],
  'RARecord-Consent-1-example-1.json': [
    'Consent.contained[0] provenance-activity-missing',
    'Consent.contained[0].target[0].reference consent-target-is-consent',
    'Consent.extension[0].valueCodeableConcept codesystem-url-with-prefix',
    'Consent.fhir_comments dstu2-fhir-comments',
    'Consent.policy[0].fhir_comments dstu2-fhir-comments',
  ],
  'RARecord-Consent-1-example-1.xml': [
    'Consent.contained[0] provenance-activity-missing',
    'Consent.contained[0].target[0].reference consent-target-is-consent',
    'Consent.extension[0].valueCodeableConcept codesystem-url-with-prefix',
  ],
  'RARecord-Consent-1-example-2.json': [
    'Consent.contained[0] provenance-activity-missing',
    'Consent.contained[0].target[0].reference consent-target-is-consent',
    'Consent.extension[0].valueCodeableConcept codesystem-url-with-prefix',
    'Consent.fhir_comments dstu2-fhir-comments',
    'Consent.id.fhir_comments dstu2-fhir-comments',
    'Consent.policy[0].fhir_comments dstu2-fhir-comments',
  ],
  'RARecord-Consent-1-example-2.xml': [
    'Consent.contained[0] provenance-activity-missing',
    'Consent.contained[0].target[0].reference consent-target-is-consent',
    'Consent.extension[0].valueCodeableConcept codesystem-url-with-prefix',
  ],
  'RARecord-Flag-1-example-1.json': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
  ],
  'RARecord-Flag-1-example-1.xml': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
  ],
  'RARecord-Flag-1-example-2.json': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
    'Flag.fhir_comments dstu2-fhir-comments',
  ],
  'RARecord-Flag-1-example-2.xml': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
  ],
  'RARecord-Flag-1-example-3.json': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
    'Flag.fhir_comments dstu2-fhir-comments',
  ],
  'RARecord-Flag-1-example-3.xml': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
  ],
  'RARecord-Flag-1-example-4.json': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
    'Flag.fhir_comments dstu2-fhir-comments',
  ],
  'RARecord-Flag-1-example-4.xml': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
  ],
  'RARecord-Flag-1-example-5.json': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
    'Flag.fhir_comments dstu2-fhir-comments',
  ],
  'RARecord-Flag-1-example-5.xml': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
  ],
  'RARecord-Flag-1-example-6.json': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
    'Flag.fhir_comments dstu2-fhir-comments',
  ],
  'RARecord-Flag-1-example-6.xml': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
  ],
  'RARecord-Flag-1-example-7.json': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
    'Flag.fhir_comments dstu2-fhir-comments',
  ],
  'RARecord-Flag-1-example-7.xml': [
    'Flag.category codesystem-url-with-prefix',
    'Flag.contained[0] provenance-activity-missing',
    'Flag.extension[1].valueCodeableConcept codesystem-url-with-prefix',
  ],

};

let validator: Validator;
beforeAll(async () => {
  validator = await nhsValidator();
});

test('the corpus has the 69 examples', () => {
  expect(nhsExamples()).toHaveLength(69);
});

test('every listed example exists', () => {
  expect(Object.keys(defects).filter((name) => !nhsExamples().includes(name))).toEqual([]);
});

describe.each(nhsExamples())('%s', (name) => {
  test('errors: exactly its known defects', () => {
    const errors = sortIssues(nhsExampleIssues(validator, name))
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => `${i.expression} ${nhsDefectOf(i.diagnostics)}`);
    expect(errors).toEqual(defects[name] ?? []);
  });
});
