import { ConfigError, ExternalError, NotFoundError } from '../../../core/index.ts';
import { mediaTypes, type FetchedManifest } from '../types.ts';
import { checkDigest, digestOf, isDigest } from './digest.ts';
import { manifestPath } from './paths.ts';
import { scopes, type Call, type Transport } from './transport.ts';

/** Every manifest kind Trunkline reads: OCI and Docker, single-platform and multi-platform. */
export const manifestAccept = [mediaTypes.ociManifest, mediaTypes.ociIndex, mediaTypes.dockerManifest, mediaTypes.dockerManifestList].join(', ');

/** The distribution-spec limit registries apply; anything larger is not a manifest we should hold in memory. */
const maxManifestBytes = 4 * 1024 * 1024;

/** The media type of a fetched manifest: the `Content-Type`, else the document's own `mediaType`. */
function mediaTypeOf(contentType: string | null, bytes: Buffer): string {
  const header = contentType?.split(';')[0]?.trim();
  if (header && header !== 'application/json' && header !== 'application/octet-stream' && header !== 'text/plain') return header;
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
    return Array.isArray(parsed.manifests) ? mediaTypes.ociIndex : mediaTypes.ociManifest;
  } catch {
    return header ?? 'application/octet-stream';
  }
}

export async function putManifest(transport: Transport, repository: string, reference: string, manifest: Buffer, mediaType: string): Promise<{ digest: string; response: Response }> {
  const path = manifestPath(repository, reference);
  if (mediaType.trim() === '') throw new ConfigError('manifest media type is empty');
  const digest = digestOf(manifest, isDigest(reference) ? reference : 'sha256:');
  if (isDigest(reference) && digest !== reference) {
    throw new ConfigError(`manifest bytes have digest ${digest}, not the reference ${reference}`, { repository, reference, digest });
  }
  const call: Call = {
    method: 'PUT',
    url: path,
    scopes: [scopes.push(repository)],
    what: `PUT manifest ${repository}:${reference}`,
    headers: { 'content-type': mediaType, 'content-length': String(manifest.length) },
    body: () => manifest,
  };
  const response = await transport.send(call);
  if (response.status !== 201 && response.status !== 200) return transport.fail(call, response);
  await response.body?.cancel();
  const stored = response.headers.get('docker-content-digest');
  if (stored && stored.startsWith(digest.slice(0, 7)) && stored !== digest) {
    throw new ExternalError(`registry ${transport.registry} stored manifest ${repository}:${reference} as ${stored}, sent ${digest}`, { expected: digest, actual: stored });
  }
  return { digest, response };
}

/** A manifest's exact bytes, verified against `Docker-Content-Digest` and, by digest, the reference. */
export async function getManifest(transport: Transport, repository: string, reference: string): Promise<FetchedManifest> {
  const call: Call = { method: 'GET', url: manifestPath(repository, reference), scopes: [scopes.pull(repository)], what: `GET manifest ${repository}:${reference}`, headers: { accept: manifestAccept } };
  const response = await transport.send(call);
  if (response.status === 404) {
    await response.body?.cancel();
    throw new NotFoundError(`manifest ${reference} not found in ${transport.registry}/${repository}`, { repository, reference });
  }
  if (response.status !== 200) return transport.fail(call, response);
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > maxManifestBytes) {
    await response.body?.cancel();
    throw new ExternalError(`registry ${transport.registry}: manifest ${repository}:${reference} is ${length} bytes, over the ${maxManifestBytes}-byte limit`);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > maxManifestBytes) throw new ExternalError(`registry ${transport.registry}: manifest ${repository}:${reference} is over the ${maxManifestBytes}-byte limit`);
  const header = response.headers.get('docker-content-digest');
  const expected = isDigest(reference) ? reference : header && isDigest(header) ? header : undefined;
  const digest = digestOf(bytes, expected ?? 'sha256:');
  for (const claimed of [isDigest(reference) ? reference : undefined, header ?? undefined]) {
    if (claimed !== undefined && claimed.startsWith(digest.slice(0, 7)) && claimed !== digest) {
      throw new ExternalError(`registry ${transport.registry} served manifest ${repository}:${reference} with digest ${digest}, expected ${claimed}`, {
        registry: transport.registry,
        expected: claimed,
        actual: digest,
      });
    }
  }
  return { mediaType: mediaTypeOf(response.headers.get('content-type'), bytes), digest, bytes };
}

export async function headManifest(transport: Transport, repository: string, reference: string): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
  const call: Call = { method: 'HEAD', url: manifestPath(repository, reference), scopes: [scopes.pull(repository)], what: `HEAD manifest ${repository}:${reference}`, headers: { accept: manifestAccept } };
  const response = await transport.send(call);
  if (response.status === 404) return undefined;
  if (response.status !== 200) return transport.fail(call, response);
  const digest = response.headers.get('docker-content-digest');
  const size = Number(response.headers.get('content-length'));
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim();
  if (digest && isDigest(digest) && Number.isSafeInteger(size) && contentType && contentType !== 'application/json') {
    if (isDigest(reference) && digest !== reference) {
      throw new ExternalError(`registry ${transport.registry} answered HEAD ${repository}@${reference} with digest ${digest}`, { expected: reference, actual: digest });
    }
    return { digest, mediaType: contentType, size };
  }
  // The registry left out what HEAD should say: fetch the manifest and work it out.
  const fetched = await getManifest(transport, repository, reference);
  return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.bytes.length };
}

export async function deleteManifest(transport: Transport, repository: string, digest: string): Promise<void> {
  checkDigest(digest);
  const call: Call = { method: 'DELETE', url: manifestPath(repository, digest), scopes: [scopes.delete(repository)], what: `DELETE manifest ${repository}@${digest}` };
  const response = await transport.send(call);
  if (response.status === 404) {
    await response.body?.cancel();
    throw new NotFoundError(`manifest ${digest} not found in ${transport.registry}/${repository}`, { repository, digest });
  }
  if (response.status !== 202 && response.status !== 200 && response.status !== 204) return transport.fail(call, response);
  await response.body?.cancel();
}
