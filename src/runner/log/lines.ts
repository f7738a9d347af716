/**
 * Splits a step's output byte stream into lines. Multi-byte UTF-8
 * characters and `\r\n` pairs may be cut across chunks; both are
 * reassembled. A line longer than `maxLineLength` characters is emitted in
 * pieces so that output without newlines cannot grow memory without bound.
 */
export class LineSplitter {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #maxLineLength: number;
  #partial = '';

  constructor(maxLineLength = 1024 * 1024) {
    this.#maxLineLength = maxLineLength;
  }

  /** The complete lines `chunk` finishes, without their line endings. */
  push(chunk: Uint8Array): string[] {
    return this.#split(this.#partial + this.#decoder.decode(chunk, { stream: true }));
  }

  /** The last line if the output did not end with a newline. */
  end(): string[] {
    const rest = this.#partial + this.#decoder.decode();
    this.#partial = '';
    return rest === '' ? [] : [stripCr(rest)];
  }

  #split(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      lines.push(stripCr(text.slice(start, nl)));
      start = nl + 1;
    }
    let rest = text.slice(start);
    while (rest.length > this.#maxLineLength) {
      lines.push(rest.slice(0, this.#maxLineLength));
      rest = rest.slice(this.#maxLineLength);
    }
    this.#partial = rest;
    return lines;
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
