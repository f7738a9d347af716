import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { ExternalError, NotFoundError, newId } from '../../../core/index.ts';
import { digestOf, hasherFor } from './digest.ts';
import { blobPath } from './paths.ts';
import { scopes, type Call, type Transport } from './transport.ts';

export async function hasBlob(transport: Transport, repository: string, digest: string): Promise<boolean> {
  const call: Call = { method: 'HEAD', url: blobPath(repository, digest), scopes: [scopes.pull(repository)], what: `HEAD blob ${repository}@${digest}` };
  const response = await transport.send(call);
  if (response.status === 200) return true;
  if (response.status === 404) return false;
  return transport.fail(call, response);
}

async function openBlob(transport: Transport, repository: string, digest: string): Promise<{ call: Call; response: Response }> {
  const call: Call = { method: 'GET', url: blobPath(repository, digest), scopes: [scopes.pull(repository)], what: `GET blob ${repository}@${digest}` };
  const response = await transport.send(call);
  if (response.status === 404) {
    await response.body?.cancel();
    throw new NotFoundError(`blob ${digest} not found in ${transport.registry}/${repository}`, { repository, digest });
  }
  if (response.status !== 200) return transport.fail(call, response);
  return { call, response };
}

function mismatch(transport: Transport, repository: string, digest: string, actual: string): ExternalError {
  return new ExternalError(`registry ${transport.registry} served blob ${repository}@${digest} with digest ${actual}`, {
    registry: transport.registry,
    repository,
    expected: digest,
    actual,
  });
}

/** A download whose body broke off after the headers came: worth another attempt. */
class BrokenBody extends Error {}

/** Runs a whole download again (request and body) when its body breaks off, within the retry budget. */
async function withBodyRetries<T>(transport: Transport, what: string, download: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await download();
    } catch (error) {
      if (!(error instanceof BrokenBody)) throw error;
      if (attempt >= transport.retries) {
        throw new ExternalError(`registry ${transport.registry}: ${what} broke off`, { registry: transport.registry }, { cause: error.cause });
      }
      await transport.pause(attempt);
    }
  }
}

/** The blob's bytes, verified against its digest. */
export function getBlob(transport: Transport, repository: string, digest: string): Promise<Buffer> {
  return withBodyRetries(transport, `GET blob ${repository}@${digest}`, async () => {
    const { response } = await openBlob(transport, repository, digest);
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      throw new BrokenBody('body broke off', { cause: error });
    }
    const actual = digestOf(bytes, digest);
    if (actual !== digest) throw mismatch(transport, repository, digest, actual);
    return bytes;
  });
}

/**
 * Streams a blob to a temp file beside `path`, hashing as it goes, and
 * renames it into place only when the digest matches: a reader never sees
 * a partial or wrong file at `path`.
 */
export function downloadBlob(transport: Transport, repository: string, digest: string, path: string): Promise<void> {
  return withBodyRetries(transport, `GET blob ${repository}@${digest}`, () => downloadOnce(transport, repository, digest, path));
}

async function downloadOnce(transport: Transport, repository: string, digest: string, path: string): Promise<void> {
  const { call, response } = await openBlob(transport, repository, digest);
  const temp = join(dirname(path), `.${basename(path)}.${newId()}.partial`);
  const hash = hasherFor(digest);
  try {
    if (!response.body) throw new ExternalError(`registry ${transport.registry}: ${call.what} had no body`);
    const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
    let bodyFailed = false;
    body.once('error', () => (bodyFailed = true));
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(temp, { flags: 'wx' }),
    ).catch((error: unknown) => {
      throw bodyFailed ? new BrokenBody('body broke off', { cause: error }) : error;
    });
    const actual = `${digest.slice(0, digest.indexOf(':'))}:${hash.digest('hex')}`;
    if (actual !== digest) throw mismatch(transport, repository, digest, actual);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    if (error instanceof ExternalError || error instanceof BrokenBody) throw error;
    throw new ExternalError(`registry ${transport.registry}: ${call.what} to ${path} failed`, { registry: transport.registry }, { cause: error });
  }
}
