/**
 * Wakes waiting loops at once when there is work, instead of sleeping a
 * fixed interval: `notify` resolves every pending `wait` (the local worker
 * and each runner's long poll race to claim; losers wait again). Each
 * notify also moves `epoch` on, so a claimer that found nothing and then
 * waits `since` the epoch it read before looking misses no notify that
 * came in between.
 */
export class Wakeup {
  private generation = 0;
  private readonly waiters = new Set<() => void>();

  /** Read before looking for work; pass to `wait`. */
  get epoch(): number {
    return this.generation;
  }

  notify(): void {
    this.generation++;
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wake of woken) wake();
  }

  /**
   * Resolves on the next notify — at once when one came after `since` — or
   * after `timeoutMs` at the latest (or when `signal` aborts).
   */
  wait(timeoutMs: number, signal?: AbortSignal, since?: number): Promise<void> {
    if (since !== undefined && since !== this.generation) return Promise.resolve();
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
