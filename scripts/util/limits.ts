/**
 * The limits every payload is read and validated under, whichever way it comes in (JSON text, XML text,
 * or a parsed object handed to the API), and the per-payload Budget that enforces the ones that grow with
 * the work (issues found, time taken). Documented, with the reasons for each value, in docs/limits.md.
 *
 * A Budget belongs to one payload: it is made when that payload's reading or validation starts and
 * dropped at its end, so nothing one payload spends or trips carries over to the next.
 */

export interface PayloadLimits {
  /** Largest payload accepted, in bytes (default 32 MiB; a 10,000-entry searchset Bundle is about 10 MiB). */
  maxBytes: number;
  /** Deepest nesting of JSON objects and arrays, or of XML elements, accepted (default 200, at most 1,000; FHIR resources stay far below). */
  maxDepth: number;
  /**
   * Errors and warnings reported for one payload at most; past it, one more says the rest were not looked
   * for (default 1,000). Information issues are kept up to the same number; past it they are counted, not
   * listed, and the payload is still checked to its end.
   */
  maxIssues: number;
  /** Time one payload may take to read and validate, in milliseconds (default 60,000; 0 or Infinity: no limit). */
  maxMillis: number;
}

export const DEFAULT_LIMITS: Readonly<PayloadLimits> = Object.freeze({ maxBytes: 32 * 1024 * 1024, maxDepth: 200, maxIssues: 1000, maxMillis: 60_000 });

/** The deepest nesting any setting may ask for: readers and validators recurse once per level, so this bounds their stack. */
export const MAX_DEPTH_LIMIT = 1000;

/** Limits resolveLimits made: given again (a Budget's to the reader it calls), they are returned as they are. */
const RESOLVED = new WeakSet<PayloadLimits>();

/** The defaults, with what the caller gives; the depth never beyond MAX_DEPTH_LIMIT. Frozen. */
export function resolveLimits(limits: Partial<PayloadLimits> = {}): PayloadLimits {
  if (RESOLVED.has(limits as PayloadLimits)) return limits as PayloadLimits;
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(out) as Array<keyof PayloadLimits>) {
    const v = limits[key];
    if (typeof v === 'number' && !Number.isNaN(v) && v >= 0) out[key] = v;
  }
  out.maxDepth = Math.min(Math.max(1, Math.floor(out.maxDepth)), MAX_DEPTH_LIMIT);
  if (out.maxMillis === 0) out.maxMillis = Infinity;
  RESOLVED.add(Object.freeze(out));
  return out;
}

export type LimitKind = 'issues' | 'time';

/** Thrown when a payload's budget runs out: the caller reports what was found so far and this. */
export class LimitReached extends Error {
  constructor(
    readonly kind: LimitKind,
    message: string,
  ) {
    super(message);
  }
}

/** How often `tick` looks at the clock: reading it costs about as much as a small step of work. */
const TICKS_PER_CLOCK_READ = 256;

/** What one payload may still spend: issues, and time until its deadline. */
export class Budget {
  readonly limits: PayloadLimits;
  private readonly deadline: number;
  private ticks = 0;
  /** Errors and warnings reported so far (trial walks that report nothing do not count). */
  issues = 0;
  /** Information issues kept so far, and those found past the limit (counted, not kept). */
  notes = 0;
  notesDropped = 0;

  constructor(limits: Partial<PayloadLimits> = {}, private readonly started = performance.now()) {
    this.limits = resolveLimits(limits);
    this.deadline = started + this.limits.maxMillis;
  }

  /** One small step of work (an element read, a node walked): now and then, a look at the clock. */
  tick(): void {
    if (++this.ticks % TICKS_PER_CLOCK_READ === 0) this.checkTime();
  }

  /** A look at the clock now (before a step that may itself take long, such as a FHIRPath evaluation). */
  checkTime(): void {
    if (performance.now() > this.deadline) throw new LimitReached('time', `stopped after ${seconds(performance.now() - this.started)}: a payload may take ${seconds(this.limits.maxMillis)} at most`);
  }

  /** `n` more issues reported; past the limit, stops the work. */
  spend(n = 1): void {
    this.issues += n;
    if (this.issues > this.limits.maxIssues) throw new LimitReached('issues', `stopped after ${this.limits.maxIssues} issues: the rest of the payload was not checked`);
  }

  /**
   * One information issue found: true when it is kept. A payload's notes (a code system not held, a binding
   * not checked) grow with its size, not with what is wrong in it: past the limit they are only counted, so
   * that a large valid payload is still checked to its end.
   */
  note(): boolean {
    if (this.notes >= this.limits.maxIssues) {
      this.notesDropped++;
      return false;
    }
    this.notes++;
    return true;
  }

  /** True once the issue limit is reached. */
  get full(): boolean {
    return this.issues >= this.limits.maxIssues;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
