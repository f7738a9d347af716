import { createHash } from 'node:crypto';
import { open, readFile, rm, stat, utimes } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { silentLogger, systemClock, type Clock, type Logger } from '../../core/index.ts';
import type { Descriptor } from '../oci/types.ts';
import { RegistryError } from './errors.ts';
import { sweepBlobs, sweepTemp, type GcReport } from './gc.ts';
import { isMissing, Layout, listDir } from './layout.ts';
import { RwLock } from './lock.ts';
import { parseManifest, referrerDescriptor } from './manifest.ts';
import { assertRepositoryName, digestHex, isDigest, isTag } from './names.ts';
import { paginate } from './paginate.ts';
import { Uploads, type ChunkRange, type UploadStatus } from './uploads.ts';

export interface RegistryOptions {
  /** Folder holding everything (created when missing). */
  root: string;
  /** Largest blob accepted, in bytes (default 5 GiB). */
  maxBlobSize?: number;
  /** Largest manifest accepted, in bytes (default 4 MiB). */
  maxManifestSize?: number;
  /** Upload sessions untouched this long are removed by garbage collection (default 24 h). */
  uploadTtlMs?: number;
  /** Unreferenced blobs younger than this survive garbage collection (default 1 h): their manifest may be on its way. */
  gcGraceMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export interface StoredManifest {
  digest: string;
  mediaType: string;
  size: number;
  bytes: Buffer;
}

export interface BlobRead {
  digest: string;
  /** The whole blob's size. */
  size: number;
  /** The bytes asked for (all, or the inclusive range). */
  stream: Readable;
}

export interface Page {
  n?: number;
  last?: string;
}

type Body = AsyncIterable<Buffer | string>;

const GiB = 1024 * 1024 * 1024;
const hour = 60 * 60 * 1000;

/**
 * The built-in OCI registry, independent of HTTP: content-addressed blobs
 * on disk shared by all repositories, per-repository links for blobs,
 * manifests and tags, verified uploads, validated manifests, referrers and
 * garbage collection. Safe for concurrent use within one process; every
 * file other requests may read is written elsewhere and renamed into place.
 */
export class Registry {
  readonly root: string;
  readonly maxBlobSize: number;
  readonly maxManifestSize: number;
  private readonly layout: Layout;
  private readonly uploads: Uploads;
  private readonly lock = new RwLock();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly uploadTtlMs: number;
  private readonly gcGraceMs: number;

  private constructor(options: RegistryOptions) {
    this.root = options.root;
    this.maxBlobSize = options.maxBlobSize ?? 5 * GiB;
    this.maxManifestSize = options.maxManifestSize ?? 4 * 1024 * 1024;
    this.uploadTtlMs = options.uploadTtlMs ?? 24 * hour;
    this.gcGraceMs = options.gcGraceMs ?? hour;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.layout = new Layout(options.root);
    this.uploads = new Uploads(this.layout, this.maxBlobSize, this.clock);
  }

  static async open(options: RegistryOptions): Promise<Registry> {
    const registry = new Registry(options);
    await registry.layout.create();
    return registry;
  }

  // ---- blobs

  /** The blob's size when `repository` holds it, else undefined. */
  async blobInfo(repository: string, digest: string): Promise<{ digest: string; size: number } | undefined> {
    assertRepositoryName(repository);
    const hex = digestHex(digest);
    if (!(await this.linked(repository, hex))) return undefined;
    const info = await stat(this.layout.blob(hex)).catch(() => undefined);
    return info ? { digest, size: info.size } : undefined;
  }

  /** Opens a blob for reading (the whole of it, or an inclusive byte range); BLOB_UNKNOWN when absent. */
  async readBlob(repository: string, digest: string, range?: { start: number; end?: number }): Promise<BlobRead> {
    assertRepositoryName(repository);
    const hex = digestHex(digest);
    const unknown = new RegistryError('BLOB_UNKNOWN', `blob ${digest} is not in ${repository}`, { detail: { digest } });
    if (!(await this.linked(repository, hex))) throw unknown;
    // Opened before anything else: a later sweep cannot pull the bytes from under the reader.
    const file = await open(this.layout.blob(hex), 'r').catch((error: unknown) => Promise.reject(isMissing(error) ? unknown : error));
    const { size } = await file.stat();
    if (range && (range.start >= size || (range.end !== undefined && range.end < range.start))) {
      await file.close();
      throw new RegistryError('BLOB_UNKNOWN', `range ${range.start}-${range.end ?? ''} is outside blob ${digest} of ${size} bytes`, { status: 416, detail: { size } });
    }
    const stream = file.createReadStream(range ? { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) } : {});
    return { digest, size, stream };
  }

  /** Unlinks a blob from a repository (its bytes go at the next garbage collection if nothing else needs them). */
  async deleteBlob(repository: string, digest: string): Promise<void> {
    assertRepositoryName(repository);
    const hex = digestHex(digest);
    try {
      await rm(this.layout.layerLink(repository, hex));
    } catch (error) {
      if (isMissing(error)) throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} is not in ${repository}`, { detail: { digest } });
      throw error;
    }
  }

  /**
   * Cross-repository mount: links a blob of `from` (or, with no `from`,
   * any blob the registry holds) into `repository`. False when there is
   * nothing to mount.
   */
  async mountBlob(repository: string, digest: string, from?: string): Promise<boolean> {
    assertRepositoryName(repository);
    if (from !== undefined) assertRepositoryName(from);
    const hex = digestHex(digest);
    return this.lock.shared(async () => {
      if (from !== undefined && !(await this.linked(from, hex))) return false;
      if (!(await this.exists(hex))) return false;
      await this.link(repository, hex);
      return true;
    });
  }

  // ---- uploads

  async startUpload(repository: string): Promise<UploadStatus> {
    assertRepositoryName(repository);
    return this.lock.shared(() => this.uploads.start(repository));
  }

  async uploadStatus(repository: string, id: string): Promise<UploadStatus> {
    assertRepositoryName(repository);
    return this.uploads.status(repository, id);
  }

  /** Appends a chunk; `range.start` must be the current offset (else 416), and the chunk exactly as long as the range says. */
  async appendUpload(repository: string, id: string, body: Body, range?: ChunkRange): Promise<UploadStatus> {
    assertRepositoryName(repository);
    return this.lock.shared(() => this.uploads.append(repository, id, body, range));
  }

  /** Closes a session, with an optional last chunk; the whole upload must have `digest` (else DIGEST_INVALID, upload discarded). */
  async finishUpload(repository: string, id: string, digest: string, last?: { body: Body; range?: ChunkRange }): Promise<{ digest: string; size: number }> {
    assertRepositoryName(repository);
    const hex = digestHex(digest);
    return this.lock.shared(async () => {
      if (last) await this.uploads.append(repository, id, last.body, last.range);
      const result = await this.uploads.finish(repository, id, digest);
      await this.link(repository, hex);
      return result;
    });
  }

  async cancelUpload(repository: string, id: string): Promise<void> {
    assertRepositoryName(repository);
    return this.uploads.cancel(repository, id);
  }

  /** Monolithic upload: the whole blob in one body. */
  async pushBlob(repository: string, digest: string, body: Body): Promise<{ digest: string; size: number }> {
    digestHex(digest);
    const session = await this.startUpload(repository);
    try {
      return await this.finishUpload(repository, session.id, digest, { body });
    } catch (error) {
      await this.uploads.cancel(repository, session.id).catch(() => undefined);
      throw error;
    }
  }

  // ---- manifests

  /**
   * Stores a manifest under a tag or its digest, exactly as sent. It must
   * parse, and everything it references must be in the repository.
   * Returns its digest and, when it has one, its subject's digest.
   */
  async putManifest(repository: string, reference: string, bytes: Buffer, contentType?: string): Promise<{ digest: string; subject?: string }> {
    assertRepositoryName(repository);
    const byDigest = isDigest(reference);
    if (!byDigest && !isTag(reference)) throw new RegistryError('MANIFEST_INVALID', `invalid tag "${reference}"`, { detail: { reference } });
    if (bytes.length > this.maxManifestSize) {
      throw new RegistryError('MANIFEST_INVALID', `manifest of ${bytes.length} bytes exceeds the ${this.maxManifestSize}-byte limit`, { status: 413 });
    }
    const parsed = parseManifest(bytes, contentType);
    const hex = createHash('sha256').update(bytes).digest('hex');
    const digest = `sha256:${hex}`;
    if (byDigest && digestHex(reference) !== hex) {
      throw new RegistryError('DIGEST_INVALID', `manifest has digest ${digest}, not ${reference}`, { detail: { expected: reference, actual: digest } });
    }
    return this.lock.shared(async () => {
      for (const blob of parsed.blobs) {
        if (blob.urls?.length) continue; // foreign layer, fetched from its URLs
        const info = await this.blobInfo(repository, blob.digest).catch(() => undefined);
        if (!info) throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `blob ${blob.digest} is not in ${repository}`, { detail: { digest: blob.digest } });
        if (info.size !== blob.size) {
          throw new RegistryError('MANIFEST_INVALID', `descriptor of ${blob.digest} says ${blob.size} bytes but the blob has ${info.size}`, { detail: { digest: blob.digest } });
        }
      }
      for (const child of parsed.manifests) {
        const childHex = child.digest.startsWith('sha256:') ? child.digest.slice(7) : undefined;
        const present = childHex !== undefined && (await this.hasManifest(repository, childHex));
        if (!present) throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `manifest ${child.digest} is not in ${repository}`, { detail: { digest: child.digest } });
      }
      if (!(await this.exists(hex))) await this.layout.writeAtomic(this.layout.blob(hex), bytes);
      else await this.touch(hex);
      await this.layout.writeAtomic(this.layout.manifestLink(repository, hex), parsed.mediaType);
      if (!byDigest) await this.layout.writeAtomic(this.layout.tag(repository, reference), digest);
      this.logger.debug({ repository, reference, digest }, 'manifest stored');
      return parsed.subject ? { digest, subject: parsed.subject.digest } : { digest };
    });
  }

  /** A manifest by tag or digest; MANIFEST_UNKNOWN when absent. */
  async getManifest(repository: string, reference: string): Promise<StoredManifest> {
    assertRepositoryName(repository);
    const unknown = () => new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} is not in ${repository}`, { detail: { reference } });
    const digest = await this.resolve(repository, reference);
    if (!digest) throw unknown();
    const hex = digestHex(digest);
    const mediaType = await readFile(this.layout.manifestLink(repository, hex), 'utf8').catch(() => undefined);
    const bytes = mediaType === undefined ? undefined : await readFile(this.layout.blob(hex)).catch(() => undefined);
    if (mediaType === undefined || !bytes) throw unknown();
    return { digest, mediaType, size: bytes.length, bytes };
  }

  /**
   * By digest: removes the manifest and every tag pointing at it. By tag:
   * removes the tag only.
   */
  async deleteManifest(repository: string, reference: string): Promise<void> {
    assertRepositoryName(repository);
    const unknown = () => new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} is not in ${repository}`, { detail: { reference } });
    if (!isDigest(reference)) {
      if (!isTag(reference)) throw unknown();
      await rm(this.layout.tag(repository, reference)).catch((error: unknown) => Promise.reject(isMissing(error) ? unknown() : error));
      return;
    }
    const hex = digestHex(reference);
    await rm(this.layout.manifestLink(repository, hex)).catch((error: unknown) => Promise.reject(isMissing(error) ? unknown() : error));
    for (const tag of await listDir(this.layout.tags(repository))) {
      const target = await readFile(this.layout.tag(repository, tag), 'utf8').catch(() => undefined);
      if (target === reference) await rm(this.layout.tag(repository, tag), { force: true });
    }
  }

  // ---- discovery

  /** Tags of a repository, sorted, one page at a time; NAME_UNKNOWN when the repository does not exist. */
  async listTags(repository: string, page: Page = {}): Promise<{ name: string; tags: string[]; more: boolean }> {
    assertRepositoryName(repository);
    if (!(await this.repositoryExists(repository))) throw new RegistryError('NAME_UNKNOWN', `repository ${repository} is not known`, { detail: { name: repository } });
    const tags = (await listDir(this.layout.tags(repository))).filter(isTag).sort();
    const { items, more } = paginate(tags, page);
    return { name: repository, tags: items, more };
  }

  async catalog(page: Page = {}): Promise<{ repositories: string[]; more: boolean }> {
    const { items, more } = paginate(await this.layout.repositoryNames(), page);
    return { repositories: items, more };
  }

  /** Manifests in `repository` whose `subject` is `digest`, optionally only those of `artifactType`. */
  async referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    assertRepositoryName(repository);
    digestHex(digest);
    const found: Descriptor[] = [];
    for (const hex of (await listDir(this.layout.manifestLinks(repository))).sort()) {
      const manifest = await this.getManifest(repository, `sha256:${hex}`).catch(() => undefined);
      if (!manifest) continue;
      let descriptor: Descriptor;
      try {
        const parsed = parseManifest(manifest.bytes, manifest.mediaType);
        if (parsed.subject?.digest !== digest) continue;
        descriptor = referrerDescriptor(parsed, manifest.digest, manifest.size);
      } catch {
        continue;
      }
      if (artifactType === undefined || descriptor.artifactType === artifactType) found.push(descriptor);
    }
    return found;
  }

  // ---- maintenance

  /** Removes unreferenced blobs and abandoned uploads; pushes wait while it runs. */
  async collectGarbage(options: { graceMs?: number; uploadTtlMs?: number } = {}): Promise<GcReport> {
    return this.lock.exclusive(async () => {
      const ttl = options.uploadTtlMs ?? this.uploadTtlMs;
      const uploadsRemoved = await this.uploads.expire(ttl);
      await sweepTemp(this.layout, this.clock, ttl);
      const report = { ...(await sweepBlobs(this.layout, this.clock, options.graceMs ?? this.gcGraceMs)), uploadsRemoved };
      this.logger.info({ ...report }, 'registry garbage collected');
      return report;
    });
  }

  // ---- internals

  private async resolve(repository: string, reference: string): Promise<string | undefined> {
    if (isDigest(reference)) return (await this.hasManifest(repository, digestHex(reference))) ? reference : undefined;
    if (!isTag(reference)) return undefined;
    const target = await readFile(this.layout.tag(repository, reference), 'utf8').catch(() => undefined);
    return target?.trim() || undefined;
  }

  private hasManifest(repository: string, hex: string): Promise<boolean> {
    return present(this.layout.manifestLink(repository, hex));
  }

  /** Blob or manifest reachable through `repository`. */
  private async linked(repository: string, hex: string): Promise<boolean> {
    return (await present(this.layout.layerLink(repository, hex))) || (await this.hasManifest(repository, hex));
  }

  private exists(hex: string): Promise<boolean> {
    return present(this.layout.blob(hex));
  }

  private async repositoryExists(repository: string): Promise<boolean> {
    const entries = await listDir(this.layout.repository(repository));
    return entries.some((entry) => entry.startsWith('_'));
  }

  private async link(repository: string, hex: string): Promise<void> {
    await this.layout.writeAtomic(this.layout.layerLink(repository, hex), '');
    await this.touch(hex);
  }

  /** A blob just (re)used is young again, so a sweep gives its manifest time to arrive. */
  private async touch(hex: string): Promise<void> {
    const now = new Date(this.clock.now());
    await utimes(this.layout.blob(hex), now, now);
  }
}

async function present(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
