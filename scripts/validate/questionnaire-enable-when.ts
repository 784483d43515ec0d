/**
 * STU3 `Questionnaire.item.enableWhen` over a response: an item is enabled when any of its conditions holds.
 * A condition names a question by linkId: the nearest occurrence of it in the response (an enclosing item
 * first, then within the innermost enclosing item that holds one, then anywhere, in document order; the
 * specification's ancestor/preceding/following reading for questions that occur more than once).
 * `hasAnswer` tests whether that question is answered; `answer[x]` whether one of its answers matches, a
 * complex answer (Coding, Quantity, ...) as a pattern: what the condition gives must match.
 */
import { isObject } from '../util/values.js';
import { matchesPattern } from './slicing.js';

export type ResponseItem = Record<string, unknown>;

/** The value of an answer, option or condition: the `value[x]` (or `answer[x]`) property's type suffix and value. */
export function answerOf(holder: Record<string, unknown>, stem = 'value'): { type: string; value: unknown } | undefined {
  for (const key in holder) {
    if (key.length > stem.length && key.startsWith(stem) && /[A-Z]/.test(key[stem.length])) return { type: key.slice(stem.length), value: holder[key] };
  }
  return undefined;
}

interface Placed {
  readonly item: ResponseItem;
  /** Document order, and the last index of its subtree. */
  readonly start: number;
  end: number;
}

export class EnableWhen {
  private readonly placed = new Map<ResponseItem, Placed>();
  private readonly byLinkId = new Map<string, Placed[]>();

  constructor(items: readonly unknown[]) {
    let next = 0;
    const walk = (list: readonly unknown[]) => {
      for (const item of list) {
        if (!isObject(item)) continue;
        const placed: Placed = { item, start: next++, end: 0 };
        this.placed.set(item, placed);
        if (typeof item.linkId === 'string') {
          const list = this.byLinkId.get(item.linkId) ?? [];
          list.push(placed);
          this.byLinkId.set(item.linkId, list);
        }
        walk(Array.isArray(item.item) ? item.item : []);
        for (const answer of Array.isArray(item.answer) ? item.answer : []) if (isObject(answer)) walk(Array.isArray(answer.item) ? answer.item : []);
        placed.end = next - 1;
      }
    };
    walk(items);
  }

  /** Whether an item (defined by `def`, inside the response items `path`) is enabled. */
  enabled(def: { enableWhen?: unknown }, path: readonly ResponseItem[]): boolean {
    const conditions = Array.isArray(def.enableWhen) ? def.enableWhen.filter(isObject) : [];
    if (conditions.length === 0) return true;
    return conditions.some((c) => this.holds(c, path));
  }

  private holds(condition: Record<string, unknown>, path: readonly ResponseItem[]): boolean {
    const target = typeof condition.question === 'string' ? this.nearest(condition.question, path) : undefined;
    const values = target ? answers(target) : [];
    const expected = answerOf(condition, 'answer');
    const matches = expected !== undefined && values.some((v) => v.type === expected.type && (isObject(expected.value) ? matchesPattern(v.value, expected.value) : v.value === expected.value));
    if (typeof condition.hasAnswer === 'boolean') {
      const answered = values.length > 0;
      if (expected === undefined) return condition.hasAnswer === answered;
      return condition.hasAnswer ? matches : !answered || matches;
    }
    return expected === undefined || matches;
  }

  private nearest(linkId: string, path: readonly ResponseItem[]): ResponseItem | undefined {
    for (let i = path.length - 1; i >= 0; i--) if (path[i].linkId === linkId) return path[i];
    const occurrences = this.byLinkId.get(linkId) ?? [];
    for (let i = path.length - 1; i >= 0; i--) {
      const scope = this.placed.get(path[i]);
      const inside = scope && occurrences.find((o) => o.start > scope.start && o.start <= scope.end);
      if (inside) return inside.item;
    }
    return occurrences[0]?.item;
  }
}

function answers(item: ResponseItem): Array<{ type: string; value: unknown }> {
  return (Array.isArray(item.answer) ? item.answer : []).flatMap((a) => {
    const v = isObject(a) ? answerOf(a) : undefined;
    return v ? [v] : [];
  });
}
