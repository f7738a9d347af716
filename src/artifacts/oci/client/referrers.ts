import { ExternalError, NotFoundError } from '../../../core/index.ts';
import { mediaTypes, type Descriptor, type ImageIndex } from '../types.ts';
import { checkDigest } from './digest.ts';
import { nextLink } from './link.ts';
import { getManifest, putManifest } from './manifests.ts';
import { checkRepository } from './paths.ts';
import { scopes, type Call, type Transport } from './transport.ts';

const maxPages = 100;

/** The tag that holds a subject's referrers on registries without the API: `<alg>-<hex>`, the hex cut at 64 characters. */
export function referrersTag(digest: string): string {
  const [algorithm, hex] = digest.split(':') as [string, string];
  return `${algorithm}-${hex.slice(0, 64)}`;
}

function parseIndex(bytes: Buffer | string, what: string): ImageIndex {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString());
  } catch {
    throw new ExternalError(`${what} is not JSON`);
  }
  const index = parsed as Partial<ImageIndex>;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(index.manifests)) throw new ExternalError(`${what} is not an image index`);
  return index as ImageIndex;
}

function isDescriptor(value: unknown): value is Descriptor {
  const entry = value as Partial<Descriptor> | null;
  return typeof entry === 'object' && entry !== null && typeof entry.digest === 'string' && typeof entry.mediaType === 'string' && typeof entry.size === 'number';
}

/**
 * The referrers of a manifest: `GET /v2/<name>/referrers/<digest>` (pages
 * followed, `artifactType` filtered here too since registries may ignore
 * the filter), or, when the registry answers 404, the image index under the
 * referrers tag.
 */
export async function referrers(transport: Transport, repository: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
  checkRepository(repository);
  checkDigest(digest);
  const found: Descriptor[] = [];
  const query = artifactType ? `?${new URLSearchParams({ artifactType }).toString()}` : '';
  let url: string | undefined = transport.url(`/v2/${repository}/referrers/${digest}${query}`);
  for (let page = 0; url !== undefined; page += 1) {
    if (page >= maxPages) throw new ExternalError(`registry ${transport.registry}: referrers of ${repository}@${digest} have more than ${maxPages} pages`);
    const call: Call = { method: 'GET', url, scopes: [scopes.pull(repository)], what: `referrers of ${repository}@${digest}`, headers: { accept: mediaTypes.ociIndex } };
    const response = await transport.send(call);
    if (response.status === 404 && page === 0) {
      await response.body?.cancel();
      return referrersFromTag(transport, repository, digest, artifactType);
    }
    if (response.status !== 200) return transport.fail(call, response);
    const index = parseIndex(Buffer.from(await response.arrayBuffer()), `registry ${transport.registry}: ${call.what}`);
    found.push(...index.manifests.filter(isDescriptor));
    url = nextLink(response.headers.get('link'), response.url || url);
  }
  return filterByType(found, artifactType);
}

async function referrersFromTag(transport: Transport, repository: string, digest: string, artifactType: string | undefined): Promise<Descriptor[]> {
  const tag = referrersTag(digest);
  try {
    const fetched = await getManifest(transport, repository, tag);
    const index = parseIndex(fetched.bytes, `registry ${transport.registry}: referrers tag ${repository}:${tag}`);
    return filterByType(index.manifests.filter(isDescriptor), artifactType);
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}

function filterByType(descriptors: Descriptor[], artifactType: string | undefined): Descriptor[] {
  return artifactType ? descriptors.filter((descriptor) => descriptor.artifactType === artifactType) : descriptors;
}

/** What a pushed manifest says about itself, for its entry in a referrers list. */
interface Referrer {
  subject: Descriptor;
  descriptor: Descriptor;
}

/** The referrers entry of a manifest with a `subject`, or undefined for any other manifest. */
export function referrerOf(manifest: Buffer, mediaType: string, digest: string): Referrer | undefined {
  let parsed: { subject?: unknown; artifactType?: unknown; config?: { mediaType?: unknown }; annotations?: unknown };
  try {
    parsed = JSON.parse(manifest.toString('utf8')) as typeof parsed;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !isDescriptor(parsed.subject)) return undefined;
  // image-spec: an image manifest without artifactType is typed by its config.
  const artifactType = typeof parsed.artifactType === 'string' ? parsed.artifactType : typeof parsed.config?.mediaType === 'string' ? parsed.config.mediaType : undefined;
  const descriptor: Descriptor = { mediaType, digest, size: manifest.length };
  if (artifactType) descriptor.artifactType = artifactType;
  if (parsed.annotations && typeof parsed.annotations === 'object') descriptor.annotations = parsed.annotations as Record<string, string>;
  return { subject: parsed.subject, descriptor };
}

/**
 * Adds a referrer to the index under its subject's referrers tag: what a
 * client must do when the registry did not process the `subject` itself
 * (no `OCI-Subject` header on the push answer).
 */
export async function addToReferrersTag(transport: Transport, repository: string, referrer: Referrer): Promise<void> {
  const tag = referrersTag(referrer.subject.digest);
  let index: ImageIndex = { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [] };
  try {
    const fetched = await getManifest(transport, repository, tag);
    index = parseIndex(fetched.bytes, `registry ${transport.registry}: referrers tag ${repository}:${tag}`);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  if (index.manifests.some((entry) => entry.digest === referrer.descriptor.digest)) return;
  const updated: ImageIndex = { ...index, schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [...index.manifests, referrer.descriptor] };
  await putManifest(transport, repository, tag, Buffer.from(JSON.stringify(updated)), mediaTypes.ociIndex);
}
