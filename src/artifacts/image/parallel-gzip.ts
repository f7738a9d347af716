import { Transform, type TransformCallback } from 'node:stream';
import { constants, crc32, deflateRaw, deflateRawSync } from 'node:zlib';

const BLOCK = 1024 * 1024;
/** gzip header: deflate, no flags, no name, no time, OS "Unix" (3): the same bytes every time. */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);

/**
 * gzip compression spread over the thread pool, as pigz does: the input is
 * cut into fixed 1 MiB blocks, each deflated independently (ending in a
 * sync flush, so the pieces join into one valid deflate stream), and the
 * pieces are written in order behind one gzip header with the CRC-32 and
 * size of the whole. Fixed block boundaries keep the output a pure
 * function of the input: same bytes in, same bytes out.
 */
export class ParallelGzip extends Transform {
  private readonly level: number;
  private readonly parallel: number;
  private pending: Buffer[] = [];
  private pendingSize = 0;
  private crc = 0;
  private size = 0;
  /** Compressions in flight, in input order. */
  private queue: Promise<Buffer>[] = [];

  constructor(options: { level?: number; parallel?: number } = {}) {
    super();
    this.level = options.level ?? constants.Z_BEST_SPEED;
    this.parallel = options.parallel ?? 4;
    this.push(HEADER);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingSize += chunk.length;
    this.drainBlocks(false).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.drainBlocks(true)
      .then(async () => {
        for (const piece of this.queue) this.push(await piece);
        this.queue = [];
        this.push(deflateRawSync(Buffer.alloc(0), { level: this.level })); // the final, empty block
        const trailer = Buffer.alloc(8);
        trailer.writeUInt32LE(this.crc >>> 0, 0);
        trailer.writeUInt32LE(this.size % 2 ** 32, 4);
        this.push(trailer);
        callback();
      })
      .catch(callback);
  }

  /** Starts compressing every whole block (and, at the end, the rest); keeps at most `parallel` in flight. */
  private async drainBlocks(end: boolean): Promise<void> {
    while (this.pendingSize >= BLOCK || (end && this.pendingSize > 0)) {
      const all = Buffer.concat(this.pending, this.pendingSize);
      const block = all.subarray(0, Math.min(BLOCK, all.length));
      const rest = all.subarray(block.length);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingSize = rest.length;
      this.crc = crc32(block, this.crc);
      this.size += block.length;
      this.queue.push(deflateBlock(block, this.level));
      while (this.queue.length >= this.parallel) this.push(await this.queue.shift()!);
    }
  }
}

function deflateBlock(block: Buffer, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    deflateRaw(block, { level, finishFlush: constants.Z_SYNC_FLUSH }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}
