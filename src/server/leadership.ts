import { messageOf, type Logger } from '../core/index.ts';
import type { LockRepository } from '../store/index.ts';

export interface LeadershipOptions {
  /** The store lock that names the leader. */
  lock: string;
  /** How often a follower tries to take the lead. */
  retryMs: number;
  logger: Logger;
  /** Starts what only the leader runs. */
  onElected: () => Promise<void>;
  /** The lock was lost while leading (its database connection broke). */
  onLost: (reason: Error) => void;
}

/**
 * Elects one server among those sharing a store to run the singletons (the
 * GitOps controller's loop, environment generation, the preview sweeper).
 * The leader holds a store lock for as long as it lives; on Postgres the
 * database frees it when the leader's session ends, so a follower's next
 * try takes over. A leader that loses the lock cannot tell whether another
 * has taken over, so `onLost` should end the process, as Kubernetes
 * controllers do when their lease is lost; it restarts as a follower.
 */
export class Leadership {
  readonly #locks: LockRepository;
  readonly #options: LeadershipOptions;
  #timer: NodeJS.Timeout | undefined;
  #leading = false;
  #stopped = false;
  #release: (() => Promise<void>) | undefined;

  constructor(locks: LockRepository, options: LeadershipOptions) {
    this.#locks = locks;
    this.#options = options;
  }

  get leading(): boolean {
    return this.#leading;
  }

  /** Tries at once (so a lone server leads before it returns), then every `retryMs` until elected. */
  async start(): Promise<void> {
    if (await this.#try()) return;
    const retry = (): void => {
      this.#timer = setTimeout(() => {
        void this.#try().then((elected) => {
          if (!elected && !this.#stopped) retry();
        });
      }, this.#options.retryMs);
      this.#timer.unref();
    };
    retry();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#release?.();
  }

  async #try(): Promise<boolean> {
    const { logger } = this.#options;
    try {
      const held = await this.#locks.tryAcquire(this.#options.lock);
      if (!held) return false;
      if (this.#stopped) {
        await held.release();
        return true;
      }
      this.#leading = true;
      this.#release = () => held.release();
      void held.lost.then((reason) => {
        if (this.#stopped) return;
        logger.error({ err: reason.message }, 'leadership lost: exiting so that a new leader can be elected');
        this.#options.onLost(reason);
      });
      logger.info({ lock: this.#options.lock }, 'elected leader');
      try {
        await this.#options.onElected();
      } catch (error) {
        // Not leading after all: let another (or a later try) lead.
        this.#leading = false;
        this.#release = undefined;
        await held.release();
        throw error;
      }
      return true;
    } catch (error) {
      logger.warn({ err: messageOf(error) }, 'leader election failed; will retry');
      return false;
    }
  }
}
