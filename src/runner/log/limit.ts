/**
 * Keeps a step's log under a size limit: lines are accepted until their
 * total size (UTF-8 bytes plus one newline each) would pass the limit, then
 * one marker line is emitted and everything after it is dropped.
 */
export class LogLimiter {
  readonly #limitBytes: number;
  #usedBytes = 0;
  #reached = false;

  constructor(limitBytes: number) {
    this.#limitBytes = limitBytes;
  }

  get reached(): boolean {
    return this.#reached;
  }

  /** The lines to keep for `line`: itself, the marker (once), or nothing. */
  accept(line: string): string[] {
    if (this.#reached) return [];
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (this.#usedBytes + size <= this.#limitBytes) {
      this.#usedBytes += size;
      return [line];
    }
    this.#reached = true;
    return [limitMarker(this.#limitBytes)];
  }
}

export function limitMarker(limitBytes: number): string {
  return `[trunkline] log limit of ${formatBytes(limitBytes)} reached; further output discarded`;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && value % 1024 === 0 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value} ${units[unit]}`;
}
