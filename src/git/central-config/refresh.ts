/**
 * Coalesces mirror updates under a burst of events without ever serving a
 * caller from a fetch that started before it asked: a call joins the
 * update queued behind the running one (which starts after the call, so it
 * sees every commit made before it), or queues one.
 */
export class CoalescedUpdate {
  private readonly update: () => Promise<void>;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(update: () => Promise<void>) {
    this.update = update;
  }

  run(): Promise<void> {
    if (this.queued) return this.queued;
    const running = this.running;
    if (!running) return this.start();
    const queued = running
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    this.queued = queued;
    return queued;
  }

  private start(): Promise<void> {
    const run = this.update().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}
