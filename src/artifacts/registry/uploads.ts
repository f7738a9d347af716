import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newId, type Clock } from '../../core/index.ts';
import { RegistryError } from './errors.ts';
import { isMissing, listDir, type Layout } from './layout.ts';
import { digestHex } from './names.ts';

export interface UploadStatus {
  id: string;
  repository: string;
  /** Bytes received so far; the next chunk starts here. */
  offset: number;
}

/** The byte range a chunk claims (`Content-Range`, inclusive end). */
export interface ChunkRange {
  start: number;
  end?: number;
}

interface Live {
  hash: Hash;
  offset: number;
  busy: boolean;
}

const idPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Blob upload sessions: a data file per session, appended to in order and
 * hashed as it grows, moved into the blob store only once the digest the
 * client names is the digest of what arrived. A chunk that fails half-way
 * (aborted, longer or shorter than its range) is rolled back; one that
 * would pass the size limit discards the whole session.
 */
export class Uploads {
  private readonly layout: Layout;
  private readonly maxBlobSize: number;
  private readonly clock: Clock;
  private readonly live = new Map<string, Live>();

  constructor(layout: Layout, maxBlobSize: number, clock: Clock) {
    this.layout = layout;
    this.maxBlobSize = maxBlobSize;
    this.clock = clock;
  }

  async start(repository: string): Promise<UploadStatus> {
    const id = newId();
    const dir = this.layout.upload(id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'data'), '');
    await writeFile(join(dir, 'info.json'), JSON.stringify({ repository, startedAt: this.clock.now() }));
    this.live.set(id, { hash: createHash('sha256'), offset: 0, busy: false });
    return { id, repository, offset: 0 };
  }

  async status(repository: string, id: string): Promise<UploadStatus> {
    const live = await this.session(repository, id);
    return { id, repository, offset: live.offset };
  }

  async append(repository: string, id: string, body: AsyncIterable<Buffer | string>, range?: ChunkRange): Promise<UploadStatus> {
    const live = await this.session(repository, id);
    if (live.busy) throw new RegistryError('BLOB_UPLOAD_INVALID', `upload ${id} is receiving another chunk`, { status: 416 });
    if (range && range.start !== live.offset) {
      throw new RegistryError('BLOB_UPLOAD_INVALID', `chunk starts at ${range.start} but the upload has ${live.offset} bytes`, {
        status: 416,
        detail: { offset: live.offset },
      });
    }
    const expected = range?.end === undefined ? undefined : range.end - range.start + 1;
    if (expected !== undefined && expected < 0) throw new RegistryError('BLOB_UPLOAD_INVALID', `invalid chunk range ${range!.start}-${range!.end}`, { status: 416 });
    live.busy = true;
    const checkpoint = live.hash.copy();
    const start = live.offset;
    const file = await open(this.dataPath(id), 'r+');
    let written = 0;
    try {
      for await (const piece of body) {
        const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
        if (start + written + chunk.length > this.maxBlobSize) {
          throw new RegistryError('SIZE_INVALID', `blob exceeds the ${this.maxBlobSize}-byte limit`, { status: 413, detail: { limit: this.maxBlobSize } });
        }
        if (expected !== undefined && written + chunk.length > expected) {
          throw new RegistryError('BLOB_UPLOAD_INVALID', `chunk is longer than its range ${range!.start}-${range!.end}`, { status: 416 });
        }
        live.hash.update(chunk);
        await file.write(chunk, 0, chunk.length, start + written);
        written += chunk.length;
      }
      if (expected !== undefined && written !== expected) {
        throw new RegistryError('BLOB_UPLOAD_INVALID', `chunk has ${written} bytes but its range ${range!.start}-${range!.end} says ${expected}`, { status: 416 });
      }
      live.offset = start + written;
    } catch (error) {
      await file.close();
      if (error instanceof RegistryError && error.registryCode === 'SIZE_INVALID') {
        await this.discard(id);
      } else {
        // Roll the session back to the last complete chunk.
        await truncate(this.dataPath(id), start);
        live.hash = checkpoint;
        live.offset = start;
        live.busy = false;
      }
      throw error;
    }
    await file.close();
    live.busy = false;
    return { id, repository, offset: live.offset };
  }

  /**
   * Closes the session: the received bytes must have `digest`, then they
   * become `blobs/sha256/<hex>` in one rename. On a mismatch the upload is
   * discarded. Returns the blob's size.
   */
  async finish(repository: string, id: string, digest: string): Promise<{ digest: string; size: number }> {
    const live = await this.session(repository, id);
    if (live.busy) throw new RegistryError('BLOB_UPLOAD_INVALID', `upload ${id} is receiving another chunk`, { status: 416 });
    const hex = digestHex(digest);
    const actual = live.hash.copy().digest('hex');
    if (actual !== hex) {
      await this.discard(id);
      throw new RegistryError('DIGEST_INVALID', `uploaded content has digest sha256:${actual}, not ${digest}`, { detail: { expected: digest, actual: `sha256:${actual}` } });
    }
    live.busy = true;
    const size = live.offset;
    await rename(this.dataPath(id), this.layout.blob(hex));
    await this.discard(id);
    return { digest, size };
  }

  async cancel(repository: string, id: string): Promise<void> {
    await this.session(repository, id);
    await this.discard(id);
  }

  /** Removes sessions untouched for `ttlMs`; returns how many. */
  async expire(ttlMs: number): Promise<number> {
    let removed = 0;
    for (const id of await listDir(this.layout.uploadsDir)) {
      if (this.live.get(id)?.busy) continue;
      const touched = await stat(this.dataPath(id)).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      if (this.clock.now() - touched >= ttlMs) {
        await this.discard(id);
        removed += 1;
      }
    }
    return removed;
  }

  private dataPath(id: string): string {
    return join(this.layout.upload(id), 'data');
  }

  private async discard(id: string): Promise<void> {
    this.live.delete(id);
    await rm(this.layout.upload(id), { recursive: true, force: true });
  }

  /** The session's live state; after a restart it is rebuilt by hashing the data file. */
  private async session(repository: string, id: string): Promise<Live> {
    const unknown = () => new RegistryError('BLOB_UPLOAD_UNKNOWN', `upload ${id} is unknown, finished or expired`, { detail: { id } });
    if (!idPattern.test(id)) throw unknown();
    let info: { repository?: unknown };
    try {
      info = JSON.parse(await readFile(join(this.layout.upload(id), 'info.json'), 'utf8')) as { repository?: unknown };
    } catch (error) {
      if (isMissing(error) || error instanceof SyntaxError) throw unknown();
      throw error;
    }
    if (info.repository !== repository) throw unknown();
    const existing = this.live.get(id);
    if (existing) return existing;
    const hash = createHash('sha256');
    let offset = 0;
    for await (const chunk of createReadStream(this.dataPath(id))) {
      hash.update(chunk as Buffer);
      offset += (chunk as Buffer).length;
    }
    const rebuilt = this.live.get(id) ?? { hash, offset, busy: false };
    this.live.set(id, rebuilt);
    return rebuilt;
  }
}
