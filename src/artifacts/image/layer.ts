import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants } from 'node:zlib';
import { ParallelGzip } from './parallel-gzip.ts';
import tar from 'tar-stream';
import { ConfigError } from '../../core/index.ts';
import { collectItems, type IgnoreSource, type LayerEntry, type LayerItem } from './walk.ts';

export interface LayerOptions {
  /** Every timestamp in the layer (the commit time, as SOURCE_DATE_EPOCH). */
  mtime: Date;
  /** Where to write the `.tar.gz`; a fresh temp file when omitted. */
  output?: string;
  /** Leaves sources out (e.g. `.dockerignore`). */
  ignore?: IgnoreSource;
}

/** A gzip-compressed layer on disk with its descriptor fields and uncompressed digest. */
export interface BuiltLayer {
  path: string;
  /** sha256 of the compressed bytes (the blob digest). */
  digest: string;
  size: number;
  /** sha256 of the uncompressed tar (`rootfs.diff_ids`). */
  diffId: string;
}

/**
 * Builds a reproducible layer: members sorted, parents created, owner 0:0
 * with empty names, modes 0755 (folders, executables) or 0644, every
 * timestamp `mtime`, plain ustar headers (PAX only for long or non-ASCII
 * names, with fixed fields), gzip without name or time. Files are streamed,
 * never held in memory.
 */
export async function buildLayer(entries: LayerEntry[], options: LayerOptions): Promise<BuiltLayer> {
  if (Number.isNaN(options.mtime.getTime())) throw new ConfigError('layer mtime is not a valid date');
  const items = await collectItems(entries, options.ignore);
  const output = options.output ?? join(await mkdtemp(join(tmpdir(), 'tl-layer-')), 'layer.tar.gz');
  const mtime = new Date(Math.floor(options.mtime.getTime() / 1000) * 1000);

  const pack = tar.pack();
  const tarHash = new HashTap();
  const gzHash = new HashTap();
  const written = pipeline(
    pack,
    tarHash,
    // Compressed in parallel blocks at the fastest level (as go-containerregistry's
    // ko and crane choose): layers are compressed on every build. Fixed blocks
    // and header: same tar, same bytes.
    new ParallelGzip({ level: constants.Z_BEST_SPEED }),
    gzHash,
    createWriteStream(output),
  );
  const fed = feed(pack, items, mtime).catch((error: unknown) => {
    pack.destroy(error as Error);
    throw error;
  });
  try {
    await Promise.all([written, fed]);
  } catch (error) {
    await rm(output, { force: true });
    throw error;
  }
  return { path: output, digest: gzHash.digest(), size: gzHash.size, diffId: tarHash.digest() };
}

async function feed(pack: tar.Pack, items: LayerItem[], mtime: Date): Promise<void> {
  for (const item of items) {
    const base = { name: item.path, mtime, uid: item.uid, gid: item.gid, uname: '', gname: '' };
    if (item.kind === 'directory') {
      // Folders carry a trailing slash, as in tar(1) and Docker layers.
      await entry(pack, { ...base, name: `${item.path}/`, type: 'directory', mode: 0o755 });
    } else if (item.kind === 'symlink') {
      await entry(pack, { ...base, type: 'symlink', mode: 0o777, linkname: item.target });
    } else {
      const mode = item.executable ? 0o755 : 0o644;
      const sink = pack.entry({ ...base, type: 'file', mode, size: item.size });
      await pipeline(createReadStream(item.source, { highWaterMark: 1024 * 1024 }), sink);
    }
  }
  pack.finalize();
}

function entry(pack: tar.Pack, header: Parameters<tar.Pack['entry']>[0]): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry(header, (error) => (error ? reject(error) : resolve()));
  });
}

/** Passes bytes through while hashing and counting them. */
class HashTap extends Transform {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}
