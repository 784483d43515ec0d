/**
 * GP Connect 1.2.7 content against what NHS Digital published: each of our profiles' snapshots compared
 * with the published snapshot of the same URL (or, where the corpus has only a differential, with the
 * snapshot generated from that differential). Every difference is a deliberate 1.2.7 change or a listed fix.
 */
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { snapshotFiles } from '../../scripts/commands/snapshot.js';
import { compareSnapshots, normaliseId } from '../../scripts/snapshot/compare.js';
import { nhsAssetsDir, projectRoot } from '../helpers/shared.js';

const patientMeta = '#697 (1.2.7): meta.profile is mandatory on Register Patient payloads, so Patient.meta and Patient.meta.profile are min 1 (meta is unfolded to say so)';

/** `profile file|element id|aspect` -> reason. */
const deliberate: Record<string, string> = {
  'StructureDefinition-CareConnect-GPC-Patient-1.xml|Patient.meta|min': patientMeta,
  ...Object.fromEntries(['id', 'extension', 'versionId', 'lastUpdated', 'profile', 'security', 'tag'].map((f) => [`StructureDefinition-CareConnect-GPC-Patient-1.xml|Patient.meta.${f}|extra`, patientMeta])),
  'StructureDefinition-Extension-GPConnect-PractitionerRole-1.xml|Extension.valueCodeableConcept|binding':
    '#636 (1.2.3/1.2.7): the extension binds the extended GPConnect-PractitionerRole-1 value set, not the external CareConnect SDS job role value set the 2023 corpus revision binds',
  'StructureDefinition-GPConnect-Device-1.xml|Device.note.author[x]|type':
    'fixed: the corpus puts the Patient and Practitioner profile URLs in type.profile of a Reference (a Forge error); they are target profiles',
  'StructureDefinition-GPConnect-Device-1.xml|Device.note.author[x]|constraint':
    "the published snapshot carries ref-1, the invariant of the choice's first type, into note.author[x] (as most Forge versions do); a choice carries only what all its types share (see the oracle test)",
};

describe('GP Connect content agrees with the NHS-published profiles', () => {
  const found: string[] = [];
  let compared = 0;

  beforeAll(async () => {
    const ours = await snapshotFiles([join(projectRoot, 'profiles')], join(projectRoot, 'fhir.config.json'), new Diagnostics(), true);
    const corpus = await snapshotFiles([join(nhsAssetsDir, 'StructureDefinitions')], join(projectRoot, 'fhir.config.json'), new Diagnostics(), true);
    if (!ours || !corpus) throw new Error('dependencies did not load');
    for (const r of ours.results) {
      const published = corpus.results.find((c) => c.published.url === r.published.url);
      const reference = published?.published.snapshot ? published.published : published?.generated;
      if (!reference?.snapshot || !r.generated) continue;
      compared++;
      const expanded = ours.generator.expand(r.generated, reference.snapshot.element.map((e) => normaliseId(e.id ?? e.path)), normaliseId);
      for (const d of compareSnapshots(reference.snapshot.element, expanded, { normaliseIds: true }).differences) found.push(`${r.file.split('/').pop()}|${d.id}|${d.aspect}`);
    }
  });

  test('every profile of ours has an NHS counterpart', () => {
    expect(compared).toBe(25);
  });

  test('every difference is deliberate (with its ticket) or a listed fix', () => {
    expect(found.filter((k) => !(k in deliberate))).toEqual([]);
    expect(Object.keys(deliberate).filter((k) => !found.includes(k))).toEqual([]);
  });
});
