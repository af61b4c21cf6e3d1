/**
 * Read-after-write delay (eventual consistency). Microsoft Graph reads may be served by a
 * replica that has not yet seen a write: for `delayMs` after a change, a read returns the
 * value as it was `delayMs` ago (and a just-created object is not found). The store records
 * a snapshot of a key's value before each change; a read returns the value that was current
 * at `now - delayMs`. With `delayMs` 0 nothing is recorded.
 */
export class Replica {
  delayMs = 0;
  private readonly history = new Map<string, { value: unknown; replacedAt: number }[]>();

  constructor(private readonly now: () => number) {}

  /** Call before changing `key`, with a snapshot of its current value (undefined: absent). */
  record(key: string, snapshot: () => unknown): void {
    if (this.delayMs <= 0) return;
    let list = this.history.get(key);
    if (!list) this.history.set(key, (list = []));
    list.push({ value: snapshot(), replacedAt: this.now() });
  }

  /** What a read of `key` sees, given its current value. */
  read<T>(key: string, current: T): T {
    const list = this.history.get(key);
    if (!list) return current;
    const horizon = this.now() - this.delayMs;
    while (list.length && list[0]!.replacedAt <= horizon) list.shift();
    if (!list.length) {
      this.history.delete(key);
      return current;
    }
    return list[0]!.value as T;
  }

  clear(): void {
    this.history.clear();
  }
}
