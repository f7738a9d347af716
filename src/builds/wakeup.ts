/**
 * Wakes a waiting loop at once when there is work, instead of sleeping a
 * fixed interval: `notify` resolves the pending `wait`; a notify with no
 * waiter is remembered so the next `wait` returns immediately.
 */
export class Wakeup {
  private pending = false;
  private resolveWaiter: (() => void) | undefined;

  notify(): void {
    if (this.resolveWaiter) {
      const resolve = this.resolveWaiter;
      this.resolveWaiter = undefined;
      resolve();
    } else {
      this.pending = true;
    }
  }

  /** Resolves on the next notify, or after `timeoutMs` at the latest. */
  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.resolveWaiter = undefined;
        resolve();
      }, timeoutMs);
      this.resolveWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
