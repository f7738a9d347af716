import type pg from 'pg';
import type { HeldLock, LockRepository } from '../types.ts';

/** How often a held lock's connection is checked, so a partitioned leader learns it lost the lock. */
const CHECK_INTERVAL_MS = 2000;

/**
 * Session advisory locks, each on a connection of its own: Postgres frees a
 * lock when its session ends, so when the holder dies (or its connection
 * does) another process's next `tryAcquire` wins. The holder pings its
 * connection and reports the lock `lost` as soon as the connection fails.
 */
export class AdvisoryLocks implements LockRepository {
  readonly #connect: () => Promise<pg.PoolClient>;
  readonly #held = new Set<() => Promise<void>>();

  constructor(connect: () => Promise<pg.PoolClient>) {
    this.#connect = connect;
  }

  async tryAcquire(name: string): Promise<HeldLock | undefined> {
    const client = await this.#connect();
    let taken: boolean;
    try {
      const result = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS taken', [`trunkline:${name}`]);
      taken = result.rows[0]?.taken === true;
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (!taken) {
      client.release();
      return undefined;
    }
    let settle!: (reason: Error) => void;
    const lost = new Promise<Error>((resolve) => (settle = resolve));
    let released = false;
    const onError = (error: Error): void => settle(new Error(`lock ${name} lost: ${error.message}`));
    client.on('error', onError);
    const check = setInterval(() => {
      client.query('SELECT 1').catch(onError);
    }, CHECK_INTERVAL_MS);
    check.unref();
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      clearInterval(check);
      this.#held.delete(release);
      client.off('error', onError);
      // Ending the session frees the lock even if the unlock statement cannot be sent.
      await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      client.release(true);
    };
    this.#held.add(release);
    void lost.then(release);
    return { name, lost, release };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#held].map((release) => release()));
  }
}
