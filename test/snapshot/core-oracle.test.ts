/**
 * The second oracle: HL7's own constraint profiles and extensions (the 407 StructureDefinitions of
 * hl7.fhir.r3.core with derivation `constraint`: vital signs, cholesterol, shareable value sets, every core
 * extension), regenerated from their differentials and compared with the snapshots HL7's publisher wrote.
 * The NHS oracle (oracle.test.ts) is against Forge; this one is against the other tool that made STU3
 * snapshots, whose conventions differ in four ways, each counted below and none of them about what an
 * instance may hold. Every other difference (consentdirective's, and three odd slices of familymemberhistory-genetic) is listed with why, two-sided.
 * SimpleQuantity, whose differential names its root `Quantity:simplequantity`, is regenerated with that
 * label in every id (snapshot.root-label), as HL7's publisher wrote it.
 */
import type { StructureDefinition } from '../../scripts/model/fhir.js';
import { agreement, type FileAgreement } from '../../scripts/snapshot/agreement.js';
import type { ElementDifference } from '../../scripts/snapshot/compare.js';
import { SnapshotGenerator } from '../../scripts/snapshot/generate.js';
import { coreContext } from '../helpers/context.js';
import { packageResources } from '../helpers/shared.js';

/** Constraint and condition keys of one side of a difference. */
function keys(d: ElementDifference, side: 'expected' | 'actual'): string[] {
  const v = d[side];
  if (d.aspect === 'condition') return String(v ?? '').split(' ').filter(Boolean);
  return (JSON.parse(String(v ?? '[]')) as Array<{ key: string }>).map((c) => c.key);
}

/** How HL7's publisher wrote STU3 snapshots where Forge (and we) write otherwise: id -> test. */
const CONVENTIONS: Record<string, (d: ElementDifference, sliced: readonly string[]) => boolean> = {
  // Invariants and conditions the element gets from its type (ele-1, ext-1, ref-1, qty-3...) or that its
  // differential states (vitalsigns' vs-1 to vs-4): HL7's snapshots leave them out; ours carry every key
  // HL7's has, and more.
  'fewer-rules': (d) => (d.aspect === 'constraint' || d.aspect === 'condition') && keys(d, 'expected').every((k) => keys(d, 'actual').includes(k)),
  // An extension element unsliced in the profile: Forge and we write the default slicing by url, HL7 none.
  'extension-slicing': (d) => d.aspect === 'slicing' && !d.expected && /[eE]xtension$/.test(d.id) && String(d.actual).includes('"path":"url"'),
  // A simple extension's own extensions (Extension.extension, or in a profile an extension slice's): its
  // differential sets max 0, HL7's snapshot keeps * (as in oracle.test.ts).
  'extension-max-0': (d) => d.aspect === 'max' && /[eE]xtension\.extension$/.test(d.id.replace(/:[^.]+/g, '')) && d.expected === '*' && d.actual === '0',
  // The children of a sliced element's own entry (bp's Observation.component.*): we unfold them, HL7 does
  // not. `sliced`: the ids of the elements the published snapshot slices.
  'slice-entry-children': (d, sliced) => d.aspect === 'extra' && sliced.some((id) => d.id.startsWith(`${id}.`)),
};

/** Differences that are HL7's: file|element id|aspect -> why. */
const CONSENT = 'consentdirective was written against an earlier Contract (Contract.actor, renamed agent in 3.0): its published snapshot keeps that Contract';
const KNOWN: Record<string, string> = {};
for (const id of ['Contract.actor', 'Contract.actor.id', 'Contract.actor.extension', 'Contract.actor.modifierExtension', 'Contract.actor.entity', 'Contract.actor.role'])
  for (const at of [id, id.replace('Contract.', 'Contract.term.')]) KNOWN[`consentdirective|${at}|missing`] = CONSENT;
for (const id of ['valuedItem', 'signer', 'term', 'term.valuedItem', 'friendly', 'legal', 'rule']) KNOWN[`consentdirective|Contract.${id}.id|type`] = CONSENT;
for (const id of ['agent', 'agent.id', 'agent.extension', 'agent.modifierExtension', 'agent.actor', 'agent.role'])
  for (const at of [`Contract.${id}`, `Contract.term.${id}`]) KNOWN[`consentdirective|${at}|extra`] = CONSENT;
for (const id of ['status', 'topic', 'decisionType', 'contentDerivative', 'securityLabel', 'term.securityLabel']) KNOWN[`consentdirective|Contract.${id}|extra`] = CONSENT;
for (const id of ['id', 'extension', 'coding', 'coding.id', 'coding.extension', 'coding.system', 'coding.version', 'coding.code', 'coding.display', 'coding.userSelected', 'text'])
  KNOWN[`consentdirective|Contract.type.${id}|extra`] = 'consentdirective constrains Contract.type.coding.code and .system, but its published snapshot stops at Contract.type (the Contract it was made from typed it otherwise)';
for (const id of ['born[x]', 'age[x]', 'deceased[x]'])
  KNOWN[`familymemberhistory-genetic|FamilyMemberHistory.${id}|extra`] =
    'the differential names a slice of born[x], age[x] and deceased[x] (bornage, age, deceasedage) without slicing them; the published snapshot keeps only the slices, we keep each element with its slice after it';
Object.assign(KNOWN, {
  'consentdirective|Contract.language|binding': CONSENT,
  'consentdirective|Contract.type|min': CONSENT,
  'consentdirective|Contract.term.topic|max': CONSENT,
});

describe('snapshot oracle: HL7 core constraint profiles and extensions', () => {
  let rows: FileAgreement[] = [];
  let problems: string[] = [];
  let labels: string[] = [];
  /** Per file, the ids of the elements its published snapshot slices. */
  const sliced = new Map<string, string[]>();

  beforeAll(() => {
    const published = packageResources().filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition' && (r as StructureDefinition).derivation === 'constraint');
    const stripped = published.map((sd) => {
      const copy = { ...sd };
      delete copy.snapshot;
      return copy;
    });
    const ctx = coreContext(stripped);
    const generator = new SnapshotGenerator(ctx);
    const results = stripped.map((sd, i) => ({ file: String(sd.id), published: published[i], generated: generator.generate(sd)?.profile }));
    rows = agreement(results, generator);
    for (const sd of published) sliced.set(String(sd.id), (sd.snapshot?.element ?? []).filter((e) => e.slicing).map((e) => e.id ?? e.path));
    problems = ctx.diagnostics.all.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
    labels = ctx.diagnostics.all.filter((d) => d.code === 'snapshot.root-label').map((d) => d.message);
  });

  test('all 408 regenerate and are compared; the only errors are consentdirective’s elements that Contract no longer has', () => {
    expect(rows).toHaveLength(408);
    expect(labels).toEqual([expect.stringContaining("'Quantity:simplequantity'")]);
    expect(problems).toHaveLength(6);
    expect(problems.every((p) => p.startsWith('snapshot.unmatched-element') && p.includes("'Contract."))).toBe(true);
  });

  test('every difference is one of the publisher’s four conventions or a listed one of HL7’s', () => {
    const counts = Object.fromEntries(Object.keys(CONVENTIONS).map((k) => [k, 0]));
    const other: string[] = [];
    for (const row of rows) {
      for (const d of row.normalised.differences) {
        const key = `${row.file}|${d.id}|${d.aspect}`;
        const convention = key in KNOWN ? undefined : Object.keys(CONVENTIONS).find((k) => CONVENTIONS[k](d, sliced.get(row.file) ?? []));
        if (convention) counts[convention]++;
        else other.push(key);
      }
    }
    expect(other.sort()).toEqual(Object.keys(KNOWN).sort());
    // Each convention still accounts for something (a stale one shows here).
    for (const n of Object.values(counts)) expect(n).toBeGreaterThan(0);
    // Apart from the rule lists, nearly every element agrees.
    const elements = rows.reduce((n, r) => n + r.normalised.total, 0);
    expect(elements).toBeGreaterThan(4000);
  });
});
