import type { HeldLock, LockRepository } from '../types.ts';

/**
 * Locks within this process: a SQLite store serves one server process, so
 * the process that opened it is the only candidate. A lock is never lost.
 */
export class ProcessLocks implements LockRepository {
  readonly #held = new Set<string>();

  async tryAcquire(name: string): Promise<HeldLock | undefined> {
    if (this.#held.has(name)) return undefined;
    this.#held.add(name);
    return {
      name,
      lost: new Promise<Error>(() => undefined),
      release: async () => {
        this.#held.delete(name);
      },
    };
  }

  async close(): Promise<void> {
    this.#held.clear();
  }
}
