/**
 * Bounded concurrency: at most `size` tasks run at once, the rest wait in
 * arrival order (FIFO). A task's failure is its caller's; it never stalls
 * the queue.
 */
export class Limiter {
  readonly size: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a limiter needs a size of at least 1 (got ${size})`);
    this.size = size;
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `task` once a slot is free; resolves or rejects as it does. */
  async run<T>(task: () => Promise<T> | T): Promise<T> {
    if (this.#active >= this.size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter (the count stays), or is freed.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}

/** `fn` over every item, at most `concurrency` at once; results in input order (rejects with the first failure, after every started call settles). */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const limiter = new Limiter(concurrency);
  const settled = await Promise.allSettled(items.map((item, i) => limiter.run(() => fn(item, i))));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}
