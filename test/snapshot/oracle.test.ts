/**
 * The oracle: every StructureDefinition of the NHS corpus regenerated from its differential and compared,
 * element by element, with its published (Forge) snapshot, on every field that decides conformance (compare.ts).
 * Fails below the figures below, on any difference not listed with its reason, and on a listed one that no
 * longer occurs.
 */
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { snapshotFiles } from '../../scripts/commands/snapshot.js';
import { agreement, agreementTotals } from '../../scripts/snapshot/agreement.js';
import { nhsAssetsDir, projectRoot } from '../helpers/shared.js';

const unresolvedCareConnectSctDescId =
  'the ITK profiles use https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-coding-sctdescid, a CareConnect extension not in the corpus (reported as an unresolved external URL), so its root cardinality (max 1) cannot be applied';

/** `file|element id|aspect` -> why the published snapshot differs. */
const known: Record<string, string> = {
  'questionnaireresponse-note.xml|Extension.extension|max':
    'the differential sets Extension.extension max 0; the published snapshot keeps * (the STU3 tooling ignored max 0 on Extension.extension, core has the same defect); we follow the differential',
  'CareConnect-GPC-MedicationStatement-1.xml|MedicationStatement.dosage.route.coding:snomedCT.extension:snomedCTDescriptionID.extension|min':
    "Forge raised this extension list's min to 1 (the sum of its required slices) here only: not in the extension's own published snapshot nor in the other profiles using it; the differentials do not ask for it",
  'CareConnect-GPC-Observation-1.xml|Observation|constraint':
    'obs-7 as published in 3.0.1 (`value.empty() or code!=component.code`), which 3.0.2 corrected; the profile was snapshotted against 3.0.1, we generate against the 3.0.2 core package',
};
for (const [file, ids] of Object.entries({
  'CareConnect-ITK-AllergyIntolerance-1.xml': ['AllergyIntolerance.code', 'AllergyIntolerance.reaction.substance.coding:snomedCT', 'AllergyIntolerance.reaction.manifestation.coding:snomedCT', 'AllergyIntolerance.reaction.exposureRoute.coding:snomedCT'],
  'CareConnect-ITK-Encounter-1.xml': ['Encounter.type.coding:snomedCT', 'Encounter.reason.coding:snomedCT', 'Encounter.hospitalization.reAdmission.coding:snomedCT'],
  'CareConnect-ITK-Medication-1.xml': ['Medication.code.coding', 'Medication.form.coding'],
  'CareConnect-ITK-MedicationStatement-1.xml': ['MedicationStatement.dosage.route.coding:snomedCT'],
  'CareConnect-ITK-Procedure-1.xml': ['Procedure.code.coding:snomedCT', 'Procedure.bodySite.coding:snomedCT', 'Procedure.complication.coding:snomedCT'],
})) {
  for (const id of ids) known[`${file}|${id}.extension:snomedCTDescriptionID|max`] = unresolvedCareConnectSctDescId;
}

const choiceFirstType =
  "Forge (most of its versions) carries the invariants of a choice's first type into the choice element (ref-1 on note.author[x], rng-2 on dose[x], rat-1 on rate[x], " +
  'drt-1 and qty-3 on bounds[x], qty-3 on Observation.value[x]) and keeps them when the choice is renamed (note.authorReference); they hold only for a value of that type ' +
  '(rat-1 fails on every rateQuantity), so a choice carries only the invariants all its types share (ele-1), as other Forge versions write it too (CareConnect-GPC-MedicationStatement-1, -ProcedureRequest-1)';
for (const [file, ids] of Object.entries({
  'CareConnect-GPC-AllergyIntolerance-1.xml': ['AllergyIntolerance.note.author[x]', 'AllergyIntolerance.reaction.note.author[x]'],
  'CareConnect-GPC-Condition-1.xml': ['Condition.note.author[x]'],
  'CareConnect-GPC-Immunization-1.xml': ['Immunization.note.author[x]'],
  'CareConnect-GPC-List-1.xml': ['List.note.author[x]'],
  'CareConnect-GPC-MedicationRequest-1.xml': ['MedicationRequest.note.author[x]', 'MedicationRequest.dosageInstruction.timing.repeat.bounds[x]', 'MedicationRequest.dosageInstruction.dose[x]', 'MedicationRequest.dosageInstruction.rate[x]'],
  'CareConnect-GPC-Observation-1.xml': ['Observation.value[x]', 'Observation.component.value[x]'],
  'CareConnect-GPC-ReferralRequest-1.xml': ['ReferralRequest.note.author[x]'],
  'CareConnect-GPC-Specimen-1.xml': ['Specimen.note.author[x]'],
  'CareConnect-ITK-Allergy-List-1.xml': ['List.note.author[x]'],
  'CareConnect-ITK-AllergyIntolerance-1.xml': ['AllergyIntolerance.note.authorReference', 'AllergyIntolerance.reaction.note.author[x]'],
  'CareConnect-ITK-Condition-1.xml': ['Condition.note.authorReference'],
  'CareConnect-ITK-Condition-List-1.xml': ['List.note.author[x]'],
  'CareConnect-ITK-DM-Immunization-1.xml': ['Immunization.note.author[x]'],
  'CareConnect-ITK-Medication-List-1.xml': ['List.note.author[x]'],
  'CareConnect-ITK-MedicationDispense-1.xml': ['MedicationDispense.note.author[x]', 'MedicationDispense.dosageInstruction.timing.repeat.bounds[x]', 'MedicationDispense.dosageInstruction.dose[x]', 'MedicationDispense.dosageInstruction.rate[x]'],
  'CareConnect-ITK-MedicationDispense-List-1.xml': ['List.note.author[x]'],
  'CareConnect-ITK-MedicationStatement-1.xml': ['MedicationStatement.note.author[x]', 'MedicationStatement.dosage.timing.repeat.bounds[x]', 'MedicationStatement.dosage.dose[x]', 'MedicationStatement.dosage.rate[x]'],
  'CareConnect-ITK-Procedure-1.xml': ['Procedure.note.author[x]'],
  'CareConnect-ITK-Procedure-List-1.xml': ['List.note.author[x]'],
  'CareConnect-RARecord-List-1.xml': ['List.note.author[x]'],
  'GPConnect-Device-1.xml': ['Device.note.author[x]'],
  'GPConnect-Task-1.xml': ['Task.note.author[x]'],
  'ITK-Device-1.xml': ['Device.note.authorReference'],
})) {
  for (const id of ids) known[`${file}|${id}|constraint`] = choiceFirstType;
}

const notForge =
  'this core extension was snapshotted by the HL7 build of STU3, not by Forge: it carries no type invariants in its elements (ele-1 and its condition); we carry them everywhere, as Forge does';
for (const id of ['Extension.id', 'Extension.extension', 'Extension.url', 'Extension.valueAnnotation']) {
  for (const aspect of ['constraint', 'condition']) known[`questionnaireresponse-note.xml|${id}|${aspect}`] = notForge;
}

describe('snapshot oracle: NHS corpus StructureDefinitions', () => {
  let rows: ReturnType<typeof agreement> = [];

  beforeAll(async () => {
    const diagnostics = new Diagnostics();
    const snapshotted = await snapshotFiles([join(nhsAssetsDir, 'StructureDefinitions')], join(projectRoot, 'fhir.config.json'), diagnostics, true);
    if (!snapshotted) throw new Error('dependencies did not load');
    rows = agreement(snapshotted.results, snapshotted.generator);
  });

  test('every published snapshot is compared', () => {
    expect(rows.length).toBe(132);
  });

  test('agreement on every compared field: normalised at least 99.6%, plain at least 76% (elements Forge merely unfolds count missing there)', () => {
    const totals = agreementTotals(rows);
    expect(totals.normalised.total).toBeGreaterThan(16000);
    expect(totals.normalised.identical / totals.normalised.total).toBeGreaterThanOrEqual(0.996);
    expect(totals.plain.identical / totals.plain.total).toBeGreaterThanOrEqual(0.76);
    // Every element the normalisations account for is one the plain figure counts as different.
    expect(totals.plain.total - totals.plain.identical).toBeGreaterThanOrEqual(totals.normalisedBy.unfolded);
  });

  test('every difference is a known, explained one', () => {
    const found = rows.flatMap((r) => r.normalised.differences.map((d) => `${r.file.split('/').pop()}|${d.id}|${d.aspect}`));
    expect(found.filter((k) => !(k in known))).toEqual([]);
    expect(Object.keys(known).filter((k) => !found.includes(k))).toEqual([]);
  });
});
