import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ConfigError, ExternalError, type Logger } from '../../../core/index.ts';
import type { BlobSource } from '../types.ts';
import { hasBlob } from './blobs.ts';
import { checkDigest, digestOf } from './digest.ts';
import { checkRepository } from './paths.ts';
import { uploadedBytes } from './range.ts';
import { scopes, type Call, type Transport } from './transport.ts';

/** Blobs up to this size go up in one PUT (streamed from disk when a file). */
export const monolithicLimit = 64 * 1024 * 1024;
/** Chunk size when a large blob is uploaded in PATCH requests. */
export const defaultChunkSize = 16 * 1024 * 1024;
/** How many times an upload may re-align with the registry after a 416. */
const maxRealignments = 3;

interface Source {
  digest: string;
  size: number;
  /** Bytes [start, end) as a fresh request body. */
  body(start: number, end: number): Buffer | ReadableStream<Uint8Array>;
}

function sourceOf(blob: BlobSource): Source {
  if ('bytes' in blob) {
    const bytes = blob.bytes;
    return { digest: digestOf(bytes), size: bytes.length, body: (start, end) => bytes.subarray(start, end) };
  }
  checkDigest(blob.digest);
  if (!Number.isSafeInteger(blob.size) || blob.size < 0) throw new ConfigError(`invalid blob size ${blob.size}`, { path: blob.path });
  const { path } = blob;
  return {
    digest: blob.digest,
    size: blob.size,
    body: (start, end) =>
      end === start
        ? Buffer.alloc(0)
        : (Readable.toWeb(createReadStream(path, { start, end: end - 1 })) as unknown as ReadableStream<Uint8Array>),
  };
}

/** Where the next request of an upload session goes (`Location` may be relative). */
function locationOf(transport: Transport, call: Call, response: Response): string {
  const location = response.headers.get('location');
  if (!location) throw new ExternalError(`registry ${transport.registry}: ${call.what} answered without a Location`, { registry: transport.registry });
  return new URL(location, response.url || transport.url(call.url)).toString();
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}

async function startUpload(transport: Transport, repository: string): Promise<string> {
  const call: Call = { method: 'POST', url: `/v2/${repository}/blobs/uploads/`, scopes: [scopes.push(repository)], what: `start upload to ${repository}`, headers: { 'content-length': '0' } };
  const response = await transport.send(call);
  if (response.status !== 202) return transport.fail(call, response);
  await response.body?.cancel();
  return locationOf(transport, call, response);
}

/** Best effort: a session left open only costs the registry space until it expires. */
async function cancelUpload(transport: Transport, repository: string, location: string, logger: Logger, sessionScopes = [scopes.push(repository)]): Promise<void> {
  const call: Call = { method: 'DELETE', url: location, scopes: sessionScopes, what: `cancel upload to ${repository}` };
  try {
    const response = await transport.send(call);
    await response.body?.cancel();
  } catch (error) {
    logger.debug({ registry: transport.registry, repository, error: String(error) }, 'upload cancel failed');
  }
}

async function finish(transport: Transport, repository: string, location: string, source: Source, start: number): Promise<void> {
  const length = source.size - start;
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(length) };
  const call: Call = {
    method: 'PUT',
    url: withDigest(location, source.digest),
    scopes: [scopes.push(repository)],
    what: `upload blob ${repository}@${source.digest}`,
    headers,
    body: () => source.body(start, source.size),
  };
  const response = await transport.send(call);
  if (response.status !== 201) return transport.fail(call, response);
  await response.body?.cancel();
  const stored = response.headers.get('docker-content-digest');
  if (stored && stored.startsWith(source.digest.slice(0, 7)) && stored !== source.digest) {
    throw new ExternalError(`registry ${transport.registry} stored ${repository}@${source.digest} as ${stored}`, { expected: source.digest, actual: stored });
  }
}

/** PATCHes the chunks in order, following the registry's `Location` and `Range`; returns the session URL. */
async function sendChunks(transport: Transport, repository: string, first: string, source: Source, chunkSize: number): Promise<string> {
  let location = first;
  let offset = 0;
  let realignments = 0;
  while (offset < source.size) {
    const start = offset;
    const end = Math.min(start + chunkSize, source.size);
    const call: Call = {
      method: 'PATCH',
      url: location,
      scopes: [scopes.push(repository)],
      what: `upload chunk ${start}-${end - 1} of ${repository}@${source.digest}`,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(end - start), 'content-range': `${start}-${end - 1}` },
      body: () => source.body(start, end),
    };
    const response = await transport.send(call);
    if (response.status === 416 && realignments < maxRealignments) {
      // The registry holds a different amount than we think (a retried chunk landed twice, or not at all): ask it.
      realignments += 1;
      await response.body?.cancel();
      ({ location, offset } = await uploadStatus(transport, repository, location));
      continue;
    }
    if (response.status !== 202) return transport.fail(call, response);
    await response.body?.cancel();
    location = locationOf(transport, call, response);
    offset = uploadedBytes(response.headers.get('range'), true) ?? end;
    if (offset > source.size) throw new ExternalError(`registry ${transport.registry} reports ${offset} bytes for a ${source.size}-byte upload`);
  }
  return location;
}

async function uploadStatus(transport: Transport, repository: string, location: string): Promise<{ location: string; offset: number }> {
  const call: Call = { method: 'GET', url: location, scopes: [scopes.push(repository)], what: `upload status of ${repository}` };
  const response = await transport.send(call);
  if (response.status !== 204 && response.status !== 200) return transport.fail(call, response);
  await response.body?.cancel();
  const offset = uploadedBytes(response.headers.get('range'), false);
  if (offset === undefined) throw new ExternalError(`registry ${transport.registry}: ${call.what} answered without a Range`);
  return { location: locationOf(transport, call, response), offset };
}

/**
 * Uploads a blob unless the repository has it: one PUT when small, or a
 * PATCH sequence with `Content-Range` when large or when `chunkSize` is
 * given, closed by a PUT with the digest. A failed upload is cancelled.
 */
export async function pushBlob(
  transport: Transport,
  logger: Logger,
  repository: string,
  blob: BlobSource,
  options: { chunkSize?: number } = {},
): Promise<{ digest: string; size: number }> {
  checkRepository(repository);
  const source = sourceOf(blob);
  const result = { digest: source.digest, size: source.size };
  if (options.chunkSize !== undefined && (!Number.isSafeInteger(options.chunkSize) || options.chunkSize < 1)) {
    throw new ConfigError(`invalid chunk size ${options.chunkSize}`);
  }
  if (await hasBlob(transport, repository, source.digest)) return result;
  const chunked = source.size > 0 && (options.chunkSize !== undefined || source.size > monolithicLimit);
  const location = await startUpload(transport, repository);
  try {
    if (chunked) {
      const last = await sendChunks(transport, repository, location, source, options.chunkSize ?? defaultChunkSize);
      await finish(transport, repository, last, source, source.size);
    } else {
      await finish(transport, repository, location, source, 0);
    }
  } catch (error) {
    await cancelUpload(transport, repository, location, logger);
    throw error;
  }
  logger.debug({ registry: transport.registry, repository, digest: source.digest, size: source.size, chunked }, 'blob pushed');
  return result;
}

/** Cross-repository mount: true when mounted, false when the registry opened an upload instead (cancelled). */
export async function mountBlob(transport: Transport, logger: Logger, repository: string, digest: string, fromRepository: string): Promise<boolean> {
  checkRepository(repository);
  checkRepository(fromRepository);
  checkDigest(digest);
  const query = new URLSearchParams({ mount: digest, from: fromRepository });
  const call: Call = {
    method: 'POST',
    url: `/v2/${repository}/blobs/uploads/?${query.toString()}`,
    scopes: [scopes.push(repository), scopes.pull(fromRepository)],
    what: `mount ${fromRepository}@${digest} into ${repository}`,
    headers: { 'content-length': '0' },
  };
  const response = await transport.send(call);
  if (response.status === 201) {
    await response.body?.cancel();
    return true;
  }
  if (response.status === 202) {
    await response.body?.cancel();
    await cancelUpload(transport, repository, locationOf(transport, call, response), logger, call.scopes);
    return false;
  }
  return transport.fail(call, response);
}
