/**
 * A memo for lookups whose answers never change (definitions by URL, type names) but whose keys may come
 * from payloads (`meta.profile`, extension URLs, resource type names): a payload can ask for any number of
 * distinct keys, so the memo holds at most `max` answers and starts afresh when full. Forgetting costs
 * only a repeated lookup; a long-running validator's heap does not grow with the URLs it has been shown.
 */
export class BoundedMemo<V> {
  private readonly answers = new Map<string, V | null>();

  constructor(private readonly max = 4096) {}

  /** The memoised answer for `key`, else `compute`'s (remembered, `undefined` included). */
  get(key: string, compute: () => V | undefined): V | undefined {
    const known = this.answers.get(key);
    if (known !== undefined) return known ?? undefined;
    const answer = compute();
    if (this.answers.size >= this.max) this.answers.clear();
    this.answers.set(key, answer ?? null);
    return answer;
  }

  get size(): number {
    return this.answers.size;
  }
}
