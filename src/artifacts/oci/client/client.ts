import { ConfigError, silentLogger, systemClock, type Clock, type Logger } from '../../../core/index.ts';
import type { BlobSource, Descriptor, FetchedManifest, RegistryClient } from '../types.ts';
import type { Credentials } from './auth.ts';
import { downloadBlob, getBlob, hasBlob } from './blobs.ts';
import { deleteManifest, getManifest, headManifest, putManifest } from './manifests.ts';
import { registryPattern } from './names.ts';
import { addToReferrersTag, referrerOf, referrers } from './referrers.ts';
import { listTags } from './tags.ts';
import { Transport } from './transport.ts';
import { mountBlob, pushBlob } from './upload.ts';

export interface RegistryClientOptions {
  /** `host[:port]`. */
  registry: string;
  credentials?: Credentials;
  /** Plain HTTP; by default only for localhost and loopback addresses. */
  insecure?: boolean;
  fetch?: typeof fetch;
  /** Extra attempts after a network error or a 429/502/503/504; default 3. */
  retries?: number;
  /** First backoff delay, doubled per attempt (a `Retry-After` wins); default 250 ms. */
  retryDelayMs?: number;
  logger?: Logger;
  clock?: Clock;
}

function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** A distribution-spec client for one registry. */
class DistributionClient implements RegistryClient {
  readonly registry: string;
  private readonly transport: Transport;
  private readonly logger: Logger;

  constructor(transport: Transport, logger: Logger) {
    this.registry = transport.registry;
    this.transport = transport;
    this.logger = logger;
  }

  hasBlob(repository: string, digest: string): Promise<boolean> {
    return hasBlob(this.transport, repository, digest);
  }

  getBlob(repository: string, digest: string): Promise<Buffer> {
    return getBlob(this.transport, repository, digest);
  }

  downloadBlob(repository: string, digest: string, path: string): Promise<void> {
    return downloadBlob(this.transport, repository, digest, path);
  }

  pushBlob(repository: string, blob: BlobSource, options?: { chunkSize?: number }): Promise<{ digest: string; size: number }> {
    return pushBlob(this.transport, this.logger, repository, blob, options);
  }

  mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean> {
    return mountBlob(this.transport, this.logger, repository, digest, fromRepository);
  }

  async putManifest(repository: string, reference: string, manifest: Buffer, mediaType: string): Promise<string> {
    const { digest, response } = await putManifest(this.transport, repository, reference, manifest, mediaType);
    const referrer = referrerOf(manifest, mediaType, digest);
    // A registry with the referrers API says so with OCI-Subject; otherwise keep the fallback tag current.
    if (referrer && !response.headers.get('oci-subject')) await addToReferrersTag(this.transport, repository, referrer);
    return digest;
  }

  getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    return getManifest(this.transport, repository, reference);
  }

  headManifest(repository: string, reference: string): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    return headManifest(this.transport, repository, reference);
  }

  deleteManifest(repository: string, digest: string): Promise<void> {
    return deleteManifest(this.transport, repository, digest);
  }

  listTags(repository: string): Promise<string[]> {
    return listTags(this.transport, repository);
  }

  referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    return referrers(this.transport, repository, digest, artifactType);
  }
}

/** A client for the registry at `options.registry` (OCI distribution API). */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  if (!registryPattern.test(options.registry)) throw new ConfigError(`invalid registry host "${options.registry}" (expected host[:port])`);
  const retries = options.retries ?? 3;
  if (!Number.isSafeInteger(retries) || retries < 0 || retries > 10) throw new ConfigError(`retries must be an integer from 0 to 10, got ${retries}`);
  const logger = (options.logger ?? silentLogger).child({ registry: options.registry });
  const transport = new Transport({
    registry: options.registry,
    insecure: options.insecure ?? isLoopback(options.registry),
    fetch: options.fetch ?? globalThis.fetch,
    retries,
    retryDelayMs: options.retryDelayMs ?? 250,
    credentials: options.credentials,
    logger,
    clock: options.clock ?? systemClock,
  });
  return new DistributionClient(transport, logger);
}
