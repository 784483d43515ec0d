/**
 * The oracle: every StructureDefinition of the NHS corpus regenerated from its differential and compared,
 * element by element, with its published (Forge) snapshot. Fails below 98% overall, or on any difference
 * not listed below with its reason.
 */
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { agreement } from '../../scripts/snapshot/agreement.js';
import { snapshotFiles } from '../../scripts/snapshot/command.js';
import { nhsAssetsDir, projectRoot } from '../helpers/shared.js';

const unresolvedCareConnectSctDescId =
  'the ITK profiles use https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-coding-sctdescid, a CareConnect extension not in the corpus (reported as an unresolved external URL), so its root cardinality (max 1) cannot be applied';

/** `file|element id|aspect` -> why the published snapshot differs. */
const known: Record<string, string> = {
  'questionnaireresponse-note.xml|Extension.extension|max':
    'the differential sets Extension.extension max 0; the published snapshot keeps * (the STU3 tooling ignored max 0 on Extension.extension, core has the same defect); we follow the differential',
  'CareConnect-GPC-MedicationStatement-1.xml|MedicationStatement.dosage.route.coding:snomedCT.extension:snomedCTDescriptionID.extension|min':
    "Forge raised this extension list's min to 1 (the sum of its required slices) here only: not in the extension's own published snapshot nor in the other profiles using it; the differentials do not ask for it",
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

  test('agreement is at least 98% overall', () => {
    const total = rows.reduce((n, r) => n + r.normalised.total, 0);
    const identical = rows.reduce((n, r) => n + r.normalised.identical, 0);
    expect(total).toBeGreaterThan(16000);
    expect(identical / total).toBeGreaterThanOrEqual(0.98);
  });

  test('every difference is a known, explained one', () => {
    const found = rows.flatMap((r) => r.normalised.differences.map((d) => `${r.file.split('/').pop()}|${d.id}|${d.aspect}`));
    expect(found.filter((k) => !(k in known))).toEqual([]);
    expect(Object.keys(known).filter((k) => !found.includes(k))).toEqual([]);
  });
});
