/**
 * Snapshot generation (STU3): the base snapshot, with each differential element located (unfolding types,
 * adding slices, renaming restricted choices as needed) and merged onto it. Profiles whose base or type
 * profiles are themselves differential-only (in the project or given files) are snapshotted first.
 */
import type { StageContext } from '../context.js';
import type { ElementDefinition, StructureDefinition } from '../model/fhir.js';
import { assignDifferentialIds, joinId, parseId, type IdSegment } from './element-ids.js';
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

  /** What every element placed from a definition gets: its type's invariants (type-constraints.ts). */
  private readonly placeElement = (e: ElementDefinition): void => carryTypeConstraints(e, (ref) => this.resolve(ref));

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
    const ids = assignDifferentialIds(diffs);
    const trace: MergeTrace[] = [];
    diffs.forEach((diff, i) => {
      const location = { ...this.ctx.sources.at(diff), path: `StructureDefinition.differential.element[${i}]` };
      const id = this.normaliseRootId(ids[i], base.type, sd.type);
      const target = this.locate(work, id, diff, base);
      if (!target) {
        this.ctx.diagnostics.error('snapshot.unmatched-element', `differential element '${id}' (path ${diff.path}) matches nothing in base ${base.url}`, location);
        trace.push({ diff, id });
        return;
      }
      this.followChoicePath(work, target, diff);
      const before = structuredClone(target);
      const profileRoot = this.typeProfileRoot(diff);
      if (profileRoot) mergeProfileRoot(target, profileRoot, { source: sd.url });
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

  /**
   * A differential may name a choice element by id (`Extension.value[x]`) while its path restricts it
   * (`Extension.valueDateTime`): the path decides, as STU3 defines paths before ids.
   */
  private followChoicePath(work: WorkingSnapshot, target: ElementDefinition, diff: ElementDefinition): void {
    if (target.path === diff.path || !target.path.endsWith('[x]')) return;
    const last = diff.path.slice(diff.path.lastIndexOf('.') + 1);
    if (diff.path.slice(0, diff.path.lastIndexOf('.')) !== target.path.slice(0, target.path.lastIndexOf('.'))) return;
    const chosen = choiceType(target, last);
    if (!chosen) return;
    work.rename(target.id as string, target.id as string, diff.path);
    if (!diff.type) target.type = (target.type ?? []).filter((t) => t.code === chosen);
  }

  /** Differentials of a logical model or of a profile on another type keep their own root name. */
  private normaliseRootId(id: string, baseType: string, type: string): string {
    return baseType !== type && id.startsWith(type) ? baseType + id.slice(type.length) : id;
  }

  /** The root element of the profile a differential type names, when it names exactly one. */
  private typeProfileRoot(diff: ElementDefinition): ElementDefinition | undefined {
    const profiles = (diff.type ?? []).map((t) => t.profile).filter((p): p is string => !!p);
    if (profiles.length !== 1 || (diff.type ?? []).length !== 1) return undefined;
    return this.resolve(profiles[0])?.snapshot?.element[0];
  }

  /** Finds (creating slices, unfolding types, renaming choices as needed) the snapshot element for a differential id. */
  private locate(work: WorkingSnapshot, id: string, diff: ElementDefinition, base: StructureDefinition): ElementDefinition | undefined {
    const segs = parseId(id);
    const pathSegs = diff.path.split('.');
    if (pathSegs.length !== segs.length) return undefined;
    if (!work.get(joinId(segs.slice(0, 1)))) return undefined;
    for (let i = 1; i < segs.length; i++) {
      const prefix = joinId(segs.slice(0, i + 1));
      if (work.get(prefix)) continue;
      const parent = joinId(segs.slice(0, i));
      if (!this.place(work, parent, segs[i], pathSegs[i], prefix, i === segs.length - 1 ? diff : undefined, base)) return undefined;
    }
    return work.get(id);
  }

  /** Makes the element `prefix` (child `seg` of `parent`) exist; false when the base has nothing it could be. */
  private place(
    work: WorkingSnapshot,
    parent: string,
    seg: IdSegment,
    pathSeg: string,
    prefix: string,
    diff: ElementDefinition | undefined,
    base: StructureDefinition,
  ): boolean {
    const parentEl = work.get(parent);
    if (!parentEl) return false;
    if (!work.hasChildren(parent) && !unfoldChildren(work, parentEl, this, base)) return false;
    if (work.get(prefix)) return true;
    const plain = `${parent}.${seg.name}`;
    // A choice restricted to one type: `value[x]:valueCode` or `valueCode:valueCode` or plain `valueCode`.
    const choice = this.findChoice(work, parent, seg, pathSeg);
    if (choice) {
      const chosen = pathSeg.endsWith('[x]') ? undefined : choiceType(choice, pathSeg);
      work.rename(choice.id as string, prefix, `${parentEl.path}.${pathSeg}`);
      if (chosen && (!diff?.type || diff.type.length === 0)) {
        const renamed = work.get(prefix);
        if (renamed) renamed.type = (renamed.type ?? []).filter((t) => t.code === chosen);
      }
      return true;
    }
    if (seg.slice === undefined) return false;
    // A reslice (`a/b`) starts from, and follows, the slice it refines; a slice from its entry.
    const slash = seg.slice.lastIndexOf('/');
    const from = slash < 0 ? plain : `${plain}:${seg.slice.slice(0, slash)}`;
    const entry = work.get(from);
    if (!entry) return false;
    const slice = structuredClone(work.original(from) ?? entry);
    delete slice.slicing;
    slice.id = prefix;
    slice.sliceName = seg.slice;
    work.insertSlice(from, slice);
    return true;
  }

  private findChoice(work: WorkingSnapshot, parent: string, seg: IdSegment, pathSeg: string): ElementDefinition | undefined {
    const candidates = work.elements.filter((e) => e.id?.startsWith(parent + '.') && e.id.endsWith('[x]') && !e.id.slice(parent.length + 1).includes('.'));
    return candidates.find((c) => {
      const stem = (c.id as string).slice(parent.length + 1, -3);
      if (seg.name === `${stem}[x]`) return seg.slice !== undefined || pathSeg !== seg.name;
      return seg.name.startsWith(stem) && choiceType(c, seg.name) !== undefined;
    });
  }
}

/** The type code a renamed choice (`valueCodeableConcept`) selects among the choice element's types. */
function choiceType(choice: ElementDefinition, name: string): string | undefined {
  const stem = choice.path.slice(choice.path.lastIndexOf('.') + 1, -3);
  if (!name.startsWith(stem)) return undefined;
  const suffix = name.slice(stem.length);
  return (choice.type ?? []).map((t) => t.code).find((code) => code.charAt(0).toUpperCase() + code.slice(1) === suffix);
}

/** The snapshot stage: every profile in order, each snapshotted once. */
export function generateSnapshots(profiles: StructureDefinition[], ctx: StageContext, generator: SnapshotGenerator = new SnapshotGenerator(ctx)): SnapshotResult[] {
  return profiles.map((sd) => generator.generate(sd)).filter((r): r is SnapshotResult => r !== undefined);
}
