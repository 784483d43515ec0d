/**
 * The shape of a parsed payload, checked before any validator walks it (the parsed-object API and the
 * XML path, whose JSON was never text; the JSON text path gets the same checks from its parser,
 * scripts/format/json/parse-json.ts, in the same pass that reads it):
 *
 * - nesting deeper than the depth limit is fatal (every layer above recurses per level);
 * - a `__proto__`, `constructor` or `prototype` key is fatal (no FHIR element has one, and such keys reach
 *   into prototypes where objects are copied by assignment);
 * - a string holding a character FHIR strings forbid is an error at its path: STU3 allows no character
 *   below U+0020 other than tab, line feed and carriage return, and a lone surrogate is no character at all
 *   (neither can be written as XML).
 *
 * (A number that is not finite, which no JSON text reads as, is the structure layer's: see numberCheck.)
 *
 * One walk, recursing no deeper than the limit; the path to a finding is built only on the way back.
 */
import { expressionOf } from '../format/json/parse-json.js';
import { forbiddenCharacter } from '../util/text.js';
import type { ValidationIssue } from './issues.js';

const isForbiddenKey = (key: string) => key === '__proto__' || key === 'constructor' || key === 'prototype';

type Segment = string | number;

interface Finding {
  issue: (expression: string) => ValidationIssue;
  path: Segment[];
  fatal: boolean;
}

/** The shape issues of a parsed payload; `root` begins each expression (the resource type). A fatal one means: do not validate further. */
export function shapeIssues(value: object, maxDepth: number, maxIssues: number, root: string): ValidationIssue[] {
  const walk = new ShapeWalk(maxDepth, maxIssues);
  walk.visit(value, maxDepth);
  return walk.findings.map((f) => f.issue(expressionOf(root, f.path)));
}

class ShapeWalk {
  readonly findings: Finding[] = [];
  private stopped = false;

  constructor(
    private readonly maxDepth: number,
    private readonly maxIssues: number,
  ) {}

  /** Walks `value` with `levels` of nesting left; returns a path tail for a finding below, appended on the way back. */
  visit(value: object, levels: number): void {
    if (levels === 0) {
      this.add({ fatal: true, path: [], issue: (expression) => ({ severity: 'fatal', code: 'too-costly', diagnostics: `payload nests deeper than ${this.maxDepth} levels of objects and arrays`, expression }) });
      this.stopped = true;
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && !this.stopped; i++) this.item(value[i], i, levels);
      return;
    }
    for (const key in value) {
      if (this.stopped) return;
      if (isForbiddenKey(key)) {
        this.add({ fatal: true, path: [key], issue: (expression) => ({ severity: 'fatal', code: 'security', diagnostics: `property name '${key}' is not allowed (no FHIR element has it)`, expression }) });
        this.stopped = true;
        return;
      }
      this.item((value as Record<string, unknown>)[key], key, levels);
    }
  }

  private item(item: unknown, key: Segment, levels: number): void {
    const before = this.findings.length;
    if (typeof item === 'object' && item !== null) this.visit(item, levels - 1);
    else if (typeof item === 'string') {
      const why = forbiddenCharacter(item);
      if (why) this.add({ fatal: false, path: [], issue: (expression) => ({ severity: 'error', code: 'value', diagnostics: why, expression }) });
    }
    for (let i = before; i < this.findings.length; i++) this.findings[i].path.unshift(key);
  }

  private add(finding: Finding): void {
    if (this.findings.length < this.maxIssues || finding.fatal) this.findings.push(finding);
  }
}
