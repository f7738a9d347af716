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

/** Where servers sharing a store tell each other that work was queued. */
const QUEUED_CHANNEL = 'trunkline.jobs.queued';

interface Signals {
  publish(channel: string, payload: string): Promise<void>;
  subscribe(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
}

/**
 * A wakeup that also crosses processes: `notify` tells every server sharing
 * the store (their workers and runners' long polls claim at once), and a
 * notify from another server wakes the waiters here.
 */
export class SharedWakeup extends Wakeup {
  readonly #signals: Signals;
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(signals: Signals) {
    super();
    this.#signals = signals;
  }

  override notify(): void {
    super.notify();
    void this.#signals.publish(QUEUED_CHANNEL, '').catch(() => undefined);
  }

  async listen(): Promise<void> {
    this.#unsubscribe ??= await this.#signals.subscribe(QUEUED_CHANNEL, () => super.notify());
  }

  async close(): Promise<void> {
    await this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}
