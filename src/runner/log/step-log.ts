import { LineSplitter } from './lines.ts';
import { LogLimiter } from './limit.ts';
import { createMasker } from './mask.ts';

/** One line of a step's log. */
export interface LogLine {
  /** 0-based line index in the step. */
  pos: number;
  /** Milliseconds since the step started. */
  time: number;
  /** The line without its trailing newline, secrets masked. */
  out: string;
}

/**
 * Turns a step's raw output into log lines: split, masked, capped,
 * numbered. Masking runs on whole lines, so a secret written in two chunks
 * is still found.
 */
export class StepLog {
  readonly #splitter = new LineSplitter();
  readonly #mask: (line: string) => string;
  readonly #limiter: LogLimiter;
  readonly #startedAt: number;
  #pos = 0;

  constructor(options: { secrets: Iterable<string>; limitBytes: number; startedAt: number }) {
    this.#mask = createMasker(options.secrets);
    this.#limiter = new LogLimiter(options.limitBytes);
    this.#startedAt = options.startedAt;
  }

  push(chunk: Uint8Array, now: number): LogLine[] {
    if (this.#limiter.reached) return [];
    return this.#lines(this.#splitter.push(chunk), now);
  }

  end(now: number): LogLine[] {
    return this.#lines(this.#splitter.end(), now);
  }

  #lines(raw: string[], now: number): LogLine[] {
    const time = Math.max(0, now - this.#startedAt);
    const lines: LogLine[] = [];
    for (const line of raw) {
      for (const out of this.#limiter.accept(this.#mask(line))) {
        lines.push({ pos: this.#pos++, time, out });
      }
    }
    return lines;
  }
}
