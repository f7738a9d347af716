import { EventEmitter } from 'node:events';
import type { LogLine } from '../store/index.ts';

export type LiveEvent =
  | { type: 'lines'; lines: readonly LogLine[] }
  /** The step has finished: no more lines will come. */
  | { type: 'end' };

/**
 * In-process fan-out of log lines and step ends to live viewers (SSE). Lines
 * are stored before they are published, so a viewer that reads the store
 * after subscribing misses nothing; it de-duplicates by `pos`.
 */
export class LiveLogs {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(stepId: string, lines: readonly LogLine[]): void {
    if (lines.length > 0) this.emitter.emit(stepId, { type: 'lines', lines } satisfies LiveEvent);
  }

  end(stepId: string): void {
    this.emitter.emit(stepId, { type: 'end' } satisfies LiveEvent);
  }

  /** Returns the function that unsubscribes. */
  subscribe(stepId: string, listener: (event: LiveEvent) => void): () => void {
    this.emitter.on(stepId, listener);
    return () => this.emitter.off(stepId, listener);
  }
}
