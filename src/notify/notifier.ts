import { z } from 'zod';
import { messageOf, newId, NotFoundError, systemClock, type Clock, type Logger } from '../core/index.ts';
import type { AttemptOutcome } from './contract.ts';
import { attemptDelivery } from './attempt.ts';
import { notificationSchema, type Notification, type NotificationInput } from './event.ts';
import { NotificationTargets } from './manage.ts';
import type { Delivery, DeliveryInput, DeliveryStore, JobQueue, QueuedJob, StoredTarget, TargetStore } from './ports.ts';
import { defaultRetryPolicy, retryDelay, type RetryPolicy } from './retry.ts';
import { routes } from './routing.ts';

/** Kind of the durable jobs that carry deliveries. */
export const DELIVERY_JOB = 'notify.delivery';

const jobPayload = z.object({ deliveryId: z.string().min(1), target: z.string().min(1), event: notificationSchema });
type JobPayload = z.infer<typeof jobPayload>;

export interface NotifierOptions {
  targets: TargetStore;
  deliveries: DeliveryStore;
  jobs: JobQueue;
  logger: Logger;
  /** Lease owner name of this process. */
  owner: string;
  /** `Trunkline/<version>`, sent as User-Agent. */
  userAgent: string;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  /** Deliveries in flight at once (default 4). */
  concurrency?: number;
  /** Longest idle wait between queue checks (default 5000 ms); new work wakes the loop at once. */
  pollMs?: number;
  random?: () => number;
}

/**
 * Sends notifications. `notify(event)` is the one entry point for event
 * sources: it picks the targets whose routing wants the event and queues
 * one durable delivery each (the store's job queue, so a restart loses
 * none). A loop leases deliveries and attempts them; failures worth
 * retrying come back after an exponential, jittered delay (or the
 * receiver's retry-after), up to `maxAttempts`. Each outcome is recorded.
 */
export class Notifier {
  readonly targets: NotificationTargets;
  readonly #options: NotifierOptions;
  readonly #policy: RetryPolicy;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #inFlight = new Set<Promise<void>>();
  #running: Promise<void> | undefined;
  #stopped = true;
  #wake: (() => void) | undefined;
  #kicked = false;

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#policy = { ...defaultRetryPolicy, ...options.retry };
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger.child({ component: 'notify' });
    this.targets = new NotificationTargets(options.targets);
  }

  /**
   * Queues `event` for every target that wants it; returns the delivery
   * ids. Never throws: a notification must not fail the work it reports.
   */
  async notify(input: NotificationInput): Promise<string[]> {
    const event: Notification = { ...input, id: input.id ?? newId(), at: input.at ?? this.#clock.now() };
    try {
      const checked = notificationSchema.parse(event);
      const ids: string[] = [];
      for (const target of await this.#options.targets.list()) {
        if (!routes(target, checked)) continue;
        const deliveryId = newId();
        const payload: JobPayload = { deliveryId, target: target.name, event: checked };
        // Recorded before it is queued, so a fast first attempt is never overwritten by 'queued'.
        await this.#save(payload, { status: 'queued', attempts: 0 });
        await this.#options.jobs.enqueue({ kind: DELIVERY_JOB, payload });
        ids.push(deliveryId);
      }
      if (ids.length > 0) this.#kick();
      return ids;
    } catch (error) {
      this.#logger.error({ event: event.kind, err: messageOf(error) }, 'notification not queued');
      return [];
    }
  }

  /** Sends a test message to one target now (one attempt, no retries) and records the outcome. */
  async test(name: string, url?: string): Promise<Delivery> {
    const target = await this.#options.targets.get(name);
    const event: Notification = {
      id: newId(),
      kind: 'test',
      at: this.#clock.now(),
      summary: `Test notification from Trunkline to target ${name}`,
      ...(url ? { url } : {}),
    };
    const payload: JobPayload = { deliveryId: newId(), target: name, event };
    const outcome = await this.#attempt(target, payload);
    return this.#save(payload, outcomeFields(outcome, 1));
  }

  deliveries(query: { target?: string; limit?: number } = {}): Promise<Delivery[]> {
    return this.#options.deliveries.list(query);
  }

  /** Starts taking queued deliveries, including those a previous process left. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#running = this.#loop();
  }

  /** Stops taking work and waits for attempts in flight; unfinished deliveries stay queued. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#kick();
    await this.#running;
    await Promise.allSettled([...this.#inFlight]);
  }

  async #loop(): Promise<void> {
    const concurrency = this.#options.concurrency ?? 4;
    while (!this.#stopped) {
      try {
        await this.#settleExpiredLeases();
        while (!this.#stopped && this.#inFlight.size < concurrency) {
          const job = await this.#options.jobs.claim({ owner: this.#options.owner, leaseMs: this.#leaseMs(), kinds: [DELIVERY_JOB] });
          if (!job) break;
          const run: Promise<void> = this.#process(job)
            .catch((error: unknown) => this.#logger.error({ job: job.id, err: messageOf(error) }, 'delivery failed unexpectedly'))
            .finally(() => {
              this.#inFlight.delete(run);
              this.#kick();
            });
          this.#inFlight.add(run);
        }
      } catch (error) {
        this.#logger.error({ err: messageOf(error) }, 'notification queue unavailable');
      }
      if (!this.#stopped) await this.#sleep(await this.#idleMs(concurrency));
    }
  }

  async #process(job: QueuedJob): Promise<void> {
    const { jobs } = this.#options;
    const owner = this.#options.owner;
    const parsed = jobPayload.safeParse(job.payload);
    if (!parsed.success) {
      await jobs.fail(job.id, owner, `unreadable delivery: ${parsed.error.message}`);
      return;
    }
    const payload = parsed.data;
    let target: StoredTarget;
    try {
      target = await this.#options.targets.get(payload.target);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      await this.#save(payload, { status: 'failed', attempts: job.attempts, lastError: 'the target was deleted' });
      await jobs.complete(job.id, owner);
      return;
    }
    const outcome = await this.#attempt(target, payload);
    if (outcome.ok) {
      await this.#save(payload, outcomeFields(outcome, job.attempts));
      await jobs.complete(job.id, owner);
      return;
    }
    if (outcome.retryable && job.attempts < this.#policy.maxAttempts) {
      const delay = retryDelay(this.#policy, job.attempts, outcome.retryAfterMs, this.#options.random);
      await this.#save(payload, { ...outcomeFields(outcome, job.attempts), status: 'retrying' });
      await jobs.requeue(job.id, owner, this.#clock.now() + delay);
      this.#logger.warn({ target: target.name, attempts: job.attempts, delayMs: delay, err: outcome.error }, 'notification will be retried');
      return;
    }
    await this.#save(payload, outcomeFields(outcome, job.attempts));
    await jobs.fail(job.id, owner, outcome.error);
    this.#logger.warn({ target: target.name, attempts: job.attempts, err: outcome.error }, 'notification not delivered');
  }

  async #attempt(target: StoredTarget, payload: JobPayload): Promise<AttemptOutcome> {
    let secrets: Record<string, string>;
    try {
      secrets = await this.#options.targets.revealSecrets(target.name);
    } catch (error) {
      return { ok: false, retryable: false, error: messageOf(error) };
    }
    const context = { deliveryId: payload.deliveryId, userAgent: this.#options.userAgent };
    return attemptDelivery(target, secrets, payload.event, context, this.#policy.timeoutMs);
  }

  /** Deliveries whose process died mid-attempt go back to the queue (or fail after the last attempt). */
  async #settleExpiredLeases(): Promise<void> {
    const expired = await this.#options.jobs.expireLeases(this.#clock.now(), {
      kinds: [DELIVERY_JOB],
      requeue: true,
      maxAttempts: this.#policy.maxAttempts,
    });
    for (const job of expired) {
      const parsed = jobPayload.safeParse(job.payload);
      if (!parsed.success) continue;
      const status = job.status === 'failed' ? 'failed' : 'retrying';
      await this.#save(parsed.data, { status, attempts: job.attempts, lastError: 'the delivering process stopped mid-attempt' });
    }
  }

  #save(payload: JobPayload, fields: Pick<DeliveryInput, 'status' | 'attempts' | 'responseStatus' | 'lastError'>): Promise<Delivery> {
    return this.#options.deliveries.save({
      id: payload.deliveryId,
      target: payload.target,
      eventId: payload.event.id,
      eventKind: payload.event.kind,
      ...fields,
    });
  }

  /** Until the next queued delivery is due, at most `pollMs`; new work and finished attempts wake the loop earlier. */
  async #idleMs(concurrency: number): Promise<number> {
    const poll = this.#options.pollMs ?? 5000;
    if (this.#inFlight.size >= concurrency) return poll;
    const queued = await this.#options.jobs.list({ status: 'queued', kind: DELIVERY_JOB });
    const next = Math.min(...queued.map((job) => job.availableAt));
    return Math.max(10, Math.min(poll, next - this.#clock.now()));
  }

  #leaseMs(): number {
    return this.#policy.timeoutMs * 3 + 30_000;
  }

  #sleep(ms: number): Promise<void> {
    if (this.#kicked) {
      this.#kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  #kick(): void {
    if (this.#wake) this.#wake();
    else this.#kicked = true;
  }
}

function outcomeFields(outcome: AttemptOutcome, attempts: number): Pick<DeliveryInput, 'status' | 'attempts' | 'responseStatus' | 'lastError'> {
  if (outcome.ok) return { status: 'delivered', attempts, responseStatus: outcome.status, lastError: null };
  return { status: 'failed', attempts, responseStatus: outcome.status ?? null, lastError: outcome.error };
}
