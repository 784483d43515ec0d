/**
 * Snapshot generation (STU3): the base snapshot, with each differential element located (unfolding types,
 * adding slices, renaming restricted choices as needed) and merged onto it. Profiles whose base or type
 * profiles are themselves differential-only (in the project or given files) are snapshotted first.
 */
import type { StageContext } from '../context.js';
import type { ElementDefinition, StructureDefinition } from '../model/fhir.js';
import { assignDifferentialIds, formatSegment, joinId, parseId } from './element-ids.js';
import { locate } from './locate.js';
import { mergeElement, mergeProfileRoot } from './merge-rules.js';
import { applySlicingDefaults, fillBase } from './finish.js';
import { WorkingSnapshot } from './working-snapshot.js';
import { carryTypeConstraints } from './type-constraints.js';
import { unfoldChildren } from './unfold.js';

/** One differential element and what it was merged onto: the input of the profile checks. */
export interface MergeTrace {
  diff: ElementDefinition;
  /** The id the differential element resolved to. */
  id: string;
  /** The snapshot element before the differential merged onto it (undefined when nothing matched). */
  base?: ElementDefinition;
  /** The snapshot element after the merge. */
  result?: ElementDefinition;
}

export interface SnapshotResult {
  profile: StructureDefinition;
  trace: MergeTrace[];
}

export class SnapshotGenerator {
  private readonly done = new Map<string, SnapshotResult>();
  private readonly inProgress = new Set<string>();

  constructor(private readonly ctx: StageContext) {}

  /**
   * What every element placed from a definition gets: its type's invariants (type-constraints.ts). A type
   * profile still being generated (an extension that nests itself) contributes nothing rather than a cycle.
   */
  private readonly placeElement = (e: ElementDefinition): void => carryTypeConstraints(e, (ref) => (this.inProgress.has(ref) ? undefined : this.resolve(ref)));

  /** The StructureDefinition with this URL (or base type name), snapshotted if it was differential-only. */
  resolve(ref: string): StructureDefinition | undefined {
    const done = this.done.get(ref);
    if (done) return done.profile;
    const sd = this.ctx.resolver.structureDefinition(ref);
    if (!sd) return undefined;
    if (sd.snapshot?.element?.length && !this.inProgress.has(sd.url)) return sd;
    return this.generate(sd)?.profile;
  }

  /** Generates (once) the snapshot of a profile from its differential and base. */
  generate(sd: StructureDefinition): SnapshotResult | undefined {
    const cached = this.done.get(sd.url);
    if (cached) return cached;
    const where = this.ctx.sources.at(sd);
    if (this.inProgress.has(sd.url)) {
      this.ctx.diagnostics.error('snapshot.cycle', `${sd.url} depends on itself through its base or type profiles`, where);
      return undefined;
    }
    if (!sd.baseDefinition) {
      this.ctx.diagnostics.error('snapshot.no-base', `StructureDefinition ${sd.url} has no baseDefinition`, { ...where, path: 'StructureDefinition.baseDefinition' });
      return undefined;
    }
    this.inProgress.add(sd.url);
    try {
      const base = this.resolve(sd.baseDefinition);
      if (!base?.snapshot) {
        this.ctx.diagnostics.error('snapshot.base-not-found', `base ${sd.baseDefinition} of ${sd.url} not found in the project or its dependencies`, {
          ...where,
          path: 'StructureDefinition.baseDefinition',
        });
        return undefined;
      }
      const result = this.build(sd, base);
      this.done.set(sd.url, result);
      return result;
    } finally {
      this.inProgress.delete(sd.url);
    }
  }

  /**
   * A generated snapshot with further unconstrained elements unfolded, so that it holds each wanted id
   * (compared through `key`) wherever the base defines it. Used to compare with snapshots from tools that
   * unfold every complex element they show (Forge does); nothing is constrained, sliced or renamed here.
   */
  expand(profile: StructureDefinition, wanted: string[], key: (id: string) => string = (id) => id): ElementDefinition[] {
    const base = this.resolve(profile.baseDefinition ?? '') ?? profile;
    const work = new WorkingSnapshot(profile.snapshot?.element ?? [], this.placeElement);
    const index = () => new Map(work.elements.map((e) => [key(e.id as string), e]));
    let byKey = index();
    for (const target of wanted) {
      for (let guard = 0; guard < 16 && !byKey.has(target); guard++) {
        const segs = target.split('.');
        let ancestor: ElementDefinition | undefined;
        for (let n = segs.length - 1; n > 0 && !ancestor; n--) ancestor = byKey.get(segs.slice(0, n).join('.'));
        if (!ancestor || work.hasChildren(ancestor.id as string) || !unfoldChildren(work, ancestor, this, base)) break;
        byKey = index();
      }
    }
    fillBase(work.elements);
    applySlicingDefaults(work.elements, (type) => this.resolve(type));
    return work.elements;
  }

  private build(sd: StructureDefinition, base: StructureDefinition): SnapshotResult {
    const work = new WorkingSnapshot(base.snapshot?.element ?? [], this.placeElement);
    const diffs = sd.differential?.element ?? [];
    const ids = assignDifferentialIds(diffs, (diff, i) => this.idNotFittingPath(diff, i));
    const trace: MergeTrace[] = [];
    const unfold = { unfold: (el: ElementDefinition) => unfoldChildren(work, el, this, base) };
    const rootIds = this.labelRoot(work, diffs, ids.map((id) => this.normaliseRootId(id, base.type, sd.type)));
    diffs.forEach((diff, i) => {
      const id = rootIds[i];
      const found = locate(work, id, diff, unfold);
      if (!found?.element) {
        this.reportUnmatched(diff, i, id, base, found?.nearest, work);
        trace.push({ diff, id });
        return;
      }
      const target = found.element;
      const before = structuredClone(target);
      const profile = this.typeProfile(diff);
      if (profile) mergeProfileRoot(target, profile.root, { source: profile.url });
      if (target.sliceName && diff.min !== undefined) target.min = Math.min(target.min ?? 0, diff.min);
      mergeElement(target, diff, { source: sd.url });
      trace.push({ diff, id, base: before, result: target });
    });
    fillBase(work.elements);
    applySlicingDefaults(work.elements, (type) => this.resolve(type));
    const profile: StructureDefinition = { ...sd, snapshot: { element: work.elements } };
    if (sd.differential) {
      // Keep the differential last, after the snapshot, as the published form does.
      delete (profile as Partial<StructureDefinition>).differential;
      profile.differential = sd.differential;
    }
    return { profile, trace };
  }

  private location(diff: ElementDefinition, i: number) {
    return { ...this.ctx.sources.at(diff), path: `StructureDefinition.differential.element[${i}]` };
  }

  /** A differential id that does not name its path (`patient.reference` for `Consent.patient.reference`): matched by path. */
  private idNotFittingPath(diff: ElementDefinition, i: number): void {
    this.ctx.diagnostics.warning('snapshot.id-not-path', `element id '${diff.id}' does not fit its path ${diff.path}; the element is matched by its path`, {
      ...this.location(diff, i),
      path: `StructureDefinition.differential.element[${i}].id`,
    });
  }

  /** An error naming the nearest element that exists and what could follow it there. */
  private reportUnmatched(diff: ElementDefinition, i: number, id: string, base: StructureDefinition, nearest: ElementDefinition | undefined, work: WorkingSnapshot): void {
    let where = '';
    if (nearest) {
      const names = [...new Set(work.children(nearest.id as string).map((c) => (c.id as string).slice((nearest.id as string).length + 1)))];
      where = `; the nearest element that exists is ${nearest.id}${names.length ? ` (children: ${names.join(', ')})` : ' (no children)'}`;
    }
    this.ctx.diagnostics.error('snapshot.unmatched-element', `differential element '${id}' (path ${diff.path}) matches nothing in base ${base.url}${where}`, this.location(diff, i));
  }

  /**
   * A root named with a slice (`Quantity:simplequantity`, as STU3's SimpleQuantity names its root): a root
   * occurs once and cannot be sliced, so the slice is a label of the root, which the snapshot keeps in
   * every id as the differential (or, for a profile on such a profile, the base) writes it, as HL7's
   * publisher did. The differential's ids are returned with their root segment made the snapshot root's
   * id, labelled or not; an id with another label is left to match nothing.
   */
  private labelRoot(work: WorkingSnapshot, diffs: ElementDefinition[], ids: string[]): string[] {
    const rootId = work.elements[0]?.id;
    if (rootId === undefined || rootId.includes('.')) return ids;
    const root = parseId(rootId)[0];
    let label = root.slice;
    if (label === undefined) {
      const i = ids.findIndex((id) => {
        const [first] = parseId(id);
        return first.name === root.name && first.slice !== undefined;
      });
      if (i < 0) return ids;
      label = parseId(ids[i])[0].slice as string;
      const labelled = formatSegment({ name: root.name, slice: label });
      work.rename(rootId, labelled, work.elements[0].path);
      this.ctx.diagnostics.rule('snapshot.root-label', `the root element is named with a slice ('${labelled}'); a root cannot be sliced, so '${label}' is kept as a label of the root in every id`, { ...this.location(diffs[i], i), path: `StructureDefinition.differential.element[${i}].id` });
    }
    return ids.map((id) => {
      const segs = parseId(id);
      if (segs[0].name !== root.name || (segs[0].slice !== undefined && segs[0].slice !== label)) return id;
      return joinId([{ name: root.name, slice: label }, ...segs.slice(1)]);
    });
  }

  /** Differentials of a logical model or of a profile on another type keep their own root name. */
  private normaliseRootId(id: string, baseType: string, type: string): string {
    return baseType !== type && id.startsWith(type) ? baseType + id.slice(type.length) : id;
  }

  /** The profile a differential's single type names (an extension definition or a data-type profile), when it is one of that type. */
  private typeProfile(diff: ElementDefinition): { url: string; root: ElementDefinition } | undefined {
    const types = diff.type ?? [];
    if (types.length !== 1 || !types[0].profile) return undefined;
    const sd = this.resolve(types[0].profile);
    const root = sd?.snapshot?.element[0];
    return sd && root && sd.type === types[0].code ? { url: sd.url, root } : undefined;
  }
}

/** The snapshot stage: every profile in order, each snapshotted once. */
export function generateSnapshots(profiles: StructureDefinition[], ctx: StageContext, generator: SnapshotGenerator = new SnapshotGenerator(ctx)): SnapshotResult[] {
  return profiles.map((sd) => generator.generate(sd)).filter((r): r is SnapshotResult => r !== undefined);
}
