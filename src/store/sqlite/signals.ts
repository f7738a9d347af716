import { EventEmitter } from 'node:events';
import type { SignalRepository } from '../types.ts';

/** Signals within this process: a SQLite store serves one server process. */
export class ProcessSignals implements SignalRepository {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  async publish(channel: string, payload: string): Promise<void> {
    // Delivered after the publisher's own work, as a database notification would be.
    queueMicrotask(() => this.#emitter.emit(channel, payload));
  }

  async subscribe(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    this.#emitter.on(channel, listener);
    return async () => {
      this.#emitter.off(channel, listener);
    };
  }
}
