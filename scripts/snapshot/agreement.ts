/**
 * Agreement of generated snapshots with published ones (`snapshot --compare`, the oracle, the benchmark),
 * as two figures per file and overall:
 * - plain: the generated snapshot as it is against the published one, element ids matched exactly;
 * - normalised: after the normalisations below, each of which removes a difference that is a matter of
 *   presentation in the published tool, never of conformance. Every normalisation is listed here with its
 *   reason, and the report says how many elements each one accounted for.
 */
import type { ElementDefinition, StructureDefinition } from '../model/fhir.js';
import { compareSnapshots, normaliseId, type SnapshotComparison } from './compare.js';
import type { SnapshotGenerator } from './generate.js';

/** The normalisations between the plain and the normalised figure: id -> why it is not a difference. */
export const NORMALISATIONS = {
  'choice-id':
    'a type-restricted choice has two STU3 id spellings (`value[x]:valueCode` and `valueCode:valueCode`); Forge copies whichever the differential used, ' +
    'sometimes both within one snapshot (a child under the other spelling than its parent), so elements are matched on one spelling (`valueCode`), ' +
    'and a sliceName that only repeats the renamed name (`valueCode`) counts as none',
  unfolded:
    'Forge shows the children of complex elements that its user opened in the editor, although nothing constrains them (editor state, not in the differential); ' +
    'those elements are unfolded from their base definitions on our side too (nothing constrained, sliced or renamed) so they are compared rather than counted missing',
} as const;

export type NormalisationId = keyof typeof NORMALISATIONS;

export interface FileAgreement {
  file: string;
  url: string;
  plain: SnapshotComparison;
  normalised: SnapshotComparison;
  /** Elements each normalisation accounted for (matched only thanks to it). */
  normalisedBy: Record<NormalisationId, number>;
}

export interface PublishedAndGenerated {
  file: string;
  published: StructureDefinition;
  generated?: StructureDefinition;
}

/** Per file with a published snapshot, both figures of the generated snapshot against it. */
export function agreement(results: PublishedAndGenerated[], generator: SnapshotGenerator): FileAgreement[] {
  return results.filter((r) => r.published.snapshot?.element?.length).map((r) => fileAgreement(r, generator));
}

function fileAgreement(r: PublishedAndGenerated, generator: SnapshotGenerator): FileAgreement {
  const published = r.published.snapshot?.element ?? [];
  const generated = r.generated?.snapshot?.element ?? [];
  const wanted = published.map((e) => normaliseId(e.id ?? e.path));
  const unfolded = r.generated ? generator.expand(r.generated, wanted, normaliseId) : [];
  const publishedIds = new Set(published.map((e) => e.id ?? e.path));
  const publishedNormalised = new Set(wanted);
  const generatedIds = new Set(generated.map((e) => normaliseId(e.id ?? e.path)));
  const spelledOtherwise = (e: ElementDefinition) => !publishedIds.has(e.id ?? e.path) && publishedNormalised.has(normaliseId(e.id ?? e.path));
  return {
    file: r.file,
    url: r.published.url,
    plain: compareSnapshots(published, generated),
    normalised: compareSnapshots(published, unfolded, { normaliseIds: true }),
    normalisedBy: {
      'choice-id': unfolded.filter(spelledOtherwise).length,
      unfolded: unfolded.filter((e) => !generatedIds.has(normaliseId(e.id ?? e.path)) && publishedNormalised.has(normaliseId(e.id ?? e.path))).length,
    },
  };
}

export interface AgreementTotals {
  files: number;
  plain: { identical: number; total: number };
  normalised: { identical: number; total: number };
  normalisedBy: Record<NormalisationId, number>;
}

export function agreementTotals(rows: FileAgreement[]): AgreementTotals {
  const totals: AgreementTotals = { files: rows.length, plain: { identical: 0, total: 0 }, normalised: { identical: 0, total: 0 }, normalisedBy: { 'choice-id': 0, unfolded: 0 } };
  for (const r of rows) {
    totals.plain.identical += r.plain.identical;
    totals.plain.total += r.plain.total;
    totals.normalised.identical += r.normalised.identical;
    totals.normalised.total += r.normalised.total;
    for (const k of Object.keys(totals.normalisedBy) as NormalisationId[]) totals.normalisedBy[k] += r.normalisedBy[k];
  }
  return totals;
}

export function percent(n: number, d: number): string {
  return d === 0 ? '100.00%' : `${((100 * n) / d).toFixed(2)}%`;
}

/** The report: per file both figures and the remaining (normalised) differences, then the totals and the normalisations. */
export function printAgreement(rows: FileAgreement[], print: (line: string) => void): void {
  print(`${'plain'.padStart(7)}  ${'normalised'.padStart(10)}  elements   file`);
  for (const { file, plain, normalised } of rows) {
    const count = `${normalised.identical}/${normalised.total}`;
    print(`${percent(plain.identical, plain.total).padStart(7)}  ${percent(normalised.identical, normalised.total).padStart(10)}  ${count.padEnd(9)}  ${file}`);
    for (const d of normalised.differences) print(`           ${d.id}: ${d.aspect}${d.expected !== undefined ? ` published ${d.expected} generated ${d.actual}` : ''}`);
  }
  const t = agreementTotals(rows);
  print(`overall, plain: ${t.plain.identical}/${t.plain.total} elements identical (${percent(t.plain.identical, t.plain.total)}) over ${t.files} file(s)`);
  print(`overall, normalised: ${t.normalised.identical}/${t.normalised.total} elements identical (${percent(t.normalised.identical, t.normalised.total)}) over ${t.files} file(s)`);
  print('normalisations (plain -> normalised):');
  for (const [id, reason] of Object.entries(NORMALISATIONS)) print(`  ${id} (${t.normalisedBy[id as NormalisationId]} elements): ${reason}`);
}
