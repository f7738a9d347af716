import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { isTrunklineError, type Logger } from '../../core/index.ts';
import { isRegistryError, RegistryError, type ChunkRange, type Registry } from '../../artifacts/index.ts';
import type { Store } from '../../store/index.ts';
import { audited } from '../audit-trail.ts';
import { guard } from '../auth.ts';

export interface RegistryRouteDeps {
  store: Store;
  registry: Registry;
  logger: Logger;
}

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Handler = (registry: Registry, call: Call) => Promise<void>;

interface Call {
  request: FastifyRequest;
  reply: FastifyReply;
  name: string;
  /** The last path segment (reference, digest or upload id). */
  target: string;
  query: URLSearchParams;
}

const realm = 'Basic realm="Trunkline Registry", charset="UTF-8"';

/**
 * The built-in registry over the distribution-spec API at `/v2/`. Pulls
 * need any valid token, pushes a developer's and deletes the
 * `registry.delete` permission; credentials are HTTP basic (token as the
 * password) or a bearer token. Blob bodies stream to disk as they arrive.
 */
export function registryRoutes(app: FastifyInstance, deps: RegistryRouteDeps): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.setErrorHandler((error, request, reply) => sendError(deps.logger, error, request, reply));
    const methods: Method[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
    // Returning the reply tells fastify the answer (possibly a stream) is already on its way.
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      await serve(deps, request, reply);
      return reply;
    };
    scope.route({ method: methods, url: '/v2', exposeHeadRoute: false, handler });
    scope.route({ method: methods, url: '/v2/*', exposeHeadRoute: false, handler });
  });
}

/** Path shapes, tried in order; the repository name is everything before the endpoint. */
const endpoints: { pattern: RegExp; methods: Partial<Record<Method, Handler>> }[] = [
  { pattern: /^(.+)\/tags\/list$/, methods: { GET: listTags } },
  { pattern: /^(.+)\/manifests\/([^/]+)$/, methods: { GET: getManifest, HEAD: getManifest, PUT: putManifest, DELETE: deleteManifest } },
  { pattern: /^(.+)\/blobs\/uploads\/?()$/, methods: { POST: startUpload } },
  { pattern: /^(.+)\/blobs\/uploads\/([^/]+)$/, methods: { GET: uploadStatus, PATCH: appendUpload, PUT: finishUpload, DELETE: cancelUpload } },
  { pattern: /^(.+)\/blobs\/([^/]+)$/, methods: { GET: getBlob, HEAD: getBlob, DELETE: deleteBlob } },
  { pattern: /^(.+)\/referrers\/([^/]+)$/, methods: { GET: referrers } },
];

async function serve(deps: RegistryRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const method = request.method as Method;
  void reply.header('docker-distribution-api-version', 'registry/2.0');
  const url = new URL(request.url, 'http://registry');
  const rest = url.pathname.replace(/^\/v2\/?/, '');
  await guard(deps.store, request, method === 'GET' || method === 'HEAD' ? 'read' : method === 'DELETE' && !rest.includes('/blobs/uploads/') ? 'registry.delete' : 'registry.push');

  if (rest === '') {
    if (method !== 'GET' && method !== 'HEAD') throw unsupported(method, url.pathname);
    return void reply.status(200).type('application/json').send({});
  }
  if (rest === '_catalog') {
    if (method !== 'GET') throw unsupported(method, url.pathname);
    const page = pageOf(url.searchParams);
    const { repositories, more } = await deps.registry.catalog(page);
    if (more) void reply.header('link', `</v2/_catalog?n=${page.n}&last=${encodeURIComponent(repositories.at(-1) ?? '')}>; rel="next"`);
    return void reply.status(200).send({ repositories });
  }
  for (const endpoint of endpoints) {
    const match = endpoint.pattern.exec(rest);
    if (!match) continue;
    const handle = endpoint.methods[method];
    if (!handle) throw unsupported(method, url.pathname);
    const call: Call = { request, reply, name: decode(match[1] ?? ''), target: decode(match[2] ?? ''), query: url.searchParams };
    return handle(deps.registry, call);
  }
  throw new RegistryError('UNSUPPORTED', `no registry endpoint ${method} ${url.pathname}`, { status: 404 });
}

// ---- blobs

async function getBlob(registry: Registry, { request, reply, name, target }: Call): Promise<void> {
  const range = parseByteRange(request.headers.range);
  const blob = await registry.readBlob(name, target, range);
  void reply.header('docker-content-digest', blob.digest).header('accept-ranges', 'bytes').type('application/octet-stream');
  const end = range ? Math.min(range.end ?? blob.size - 1, blob.size - 1) : blob.size - 1;
  const length = range ? end - range.start + 1 : blob.size;
  void reply.header('content-length', length);
  if (range) void reply.status(206).header('content-range', `bytes ${range.start}-${end}/${blob.size}`);
  else void reply.status(200);
  if (request.method === 'HEAD') {
    blob.stream.destroy();
    return void reply.send();
  }
  return void reply.send(blob.stream);
}

async function deleteBlob(registry: Registry, { reply, name, target }: Call): Promise<void> {
  await registry.deleteBlob(name, target);
  return void reply.status(202).header('content-length', 0).send();
}

// ---- uploads

async function startUpload(registry: Registry, { request, reply, name, query }: Call): Promise<void> {
  const mount = query.get('mount');
  if (mount) {
    const from = query.get('from') ?? undefined;
    if (await registry.mountBlob(name, mount, from)) return blobCreated(reply, name, mount);
  }
  const digest = query.get('digest');
  if (digest) {
    const result = await registry.pushBlob(name, digest, bodyOf(request, registry.maxBlobSize));
    return blobCreated(reply, name, result.digest);
  }
  const session = await registry.startUpload(name);
  return uploadAccepted(reply, name, session.id, session.offset, 202);
}

async function uploadStatus(registry: Registry, { reply, name, target }: Call): Promise<void> {
  const session = await registry.uploadStatus(name, target);
  return uploadAccepted(reply, name, session.id, session.offset, 204);
}

async function appendUpload(registry: Registry, { request, reply, name, target }: Call): Promise<void> {
  const session = await registry.appendUpload(name, target, bodyOf(request, registry.maxBlobSize), parseContentRange(request.headers['content-range']));
  return uploadAccepted(reply, name, session.id, session.offset, 202);
}

async function finishUpload(registry: Registry, { request, reply, name, target, query }: Call): Promise<void> {
  const digest = query.get('digest');
  if (!digest) throw new RegistryError('DIGEST_INVALID', 'closing an upload needs ?digest=<digest> of the whole blob');
  const range = parseContentRange(request.headers['content-range']);
  const result = await registry.finishUpload(name, target, digest, { body: bodyOf(request, registry.maxBlobSize), ...(range ? { range } : {}) });
  return blobCreated(reply, name, result.digest);
}

async function cancelUpload(registry: Registry, { reply, name, target }: Call): Promise<void> {
  await registry.cancelUpload(name, target);
  return void reply.status(204).send();
}

function blobCreated(reply: FastifyReply, name: string, digest: string): void {
  void reply.status(201).header('location', `/v2/${name}/blobs/${digest}`).header('docker-content-digest', digest).header('content-length', 0).send();
}

function uploadAccepted(reply: FastifyReply, name: string, id: string, offset: number, status: number): void {
  void reply
    .status(status)
    .header('location', `/v2/${name}/blobs/uploads/${id}`)
    .header('range', `0-${Math.max(offset - 1, 0)}`)
    .header('docker-upload-uuid', id)
    .header('content-length', 0)
    .send();
}

// ---- manifests

async function getManifest(registry: Registry, { request, reply, name, target }: Call): Promise<void> {
  const manifest = await registry.getManifest(name, target);
  void reply.status(200).type(manifest.mediaType).header('docker-content-digest', manifest.digest).header('content-length', manifest.size);
  return void reply.send(request.method === 'HEAD' ? undefined : manifest.bytes);
}

async function putManifest(registry: Registry, { request, reply, name, target }: Call): Promise<void> {
  if (Number(request.headers['content-length'] ?? 0) > registry.maxManifestSize) {
    throw new RegistryError('MANIFEST_INVALID', `manifest exceeds the ${registry.maxManifestSize}-byte limit`, { status: 413 });
  }
  const bytes = await readLimited(bodyOf(request), registry.maxManifestSize);
  const { digest, subject } = await registry.putManifest(name, target, bytes, request.headers['content-type']);
  await audited(request, 'registry.push', { kind: 'image', id: `${name}${target.includes(':') ? '@' : ':'}${target}` }, { details: { digest } });
  void reply.status(201).header('location', `/v2/${name}/manifests/${digest}`).header('docker-content-digest', digest).header('content-length', 0);
  if (subject) void reply.header('oci-subject', subject);
  return void reply.send();
}

async function deleteManifest(registry: Registry, { request, reply, name, target }: Call): Promise<void> {
  await registry.deleteManifest(name, target);
  await audited(request, 'registry.delete', { kind: 'image', id: `${name}${target.includes(':') ? '@' : ':'}${target}` });
  return void reply.status(202).header('content-length', 0).send();
}

// ---- discovery

async function listTags(registry: Registry, { reply, name, query }: Call): Promise<void> {
  const page = pageOf(query);
  const { tags, more } = await registry.listTags(name, page);
  if (more) void reply.header('link', `</v2/${name}/tags/list?n=${page.n}&last=${encodeURIComponent(tags.at(-1) ?? '')}>; rel="next"`);
  return void reply.status(200).send({ name, tags });
}

async function referrers(registry: Registry, { reply, name, target, query }: Call): Promise<void> {
  const artifactType = query.get('artifactType') ?? undefined;
  const manifests = await registry.referrers(name, target, artifactType);
  if (artifactType) void reply.header('oci-filters-applied', 'artifactType');
  return void reply
    .status(200)
    .type('application/vnd.oci.image.index.v1+json')
    .send(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests })));
}

// ---- request parsing

/** The request body as a stream; a declared length over the blob limit is refused before reading any of it. */
function bodyOf(request: FastifyRequest, limit?: number): AsyncIterable<Buffer | string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (limit !== undefined && declared > limit) {
    throw new RegistryError('SIZE_INVALID', `body of ${declared} bytes exceeds the ${limit}-byte limit`, { status: 413, detail: { limit } });
  }
  const body = request.body as Readable | undefined;
  return body && typeof body[Symbol.asyncIterator] === 'function' ? body : (async function* () {})();
}

async function readLimited(body: AsyncIterable<Buffer | string>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const piece of body) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    size += chunk.length;
    if (size > limit) throw new RegistryError('MANIFEST_INVALID', `manifest exceeds the ${limit}-byte limit`, { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** `Content-Range: <start>-<end>` of a chunk (a `bytes ` prefix is tolerated). */
function parseContentRange(header: string | undefined): ChunkRange | undefined {
  if (!header) return undefined;
  const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!match) throw new RegistryError('BLOB_UPLOAD_INVALID', `invalid Content-Range "${header}"; expected <start>-<end>`, { status: 416 });
  return { start: Number(match[1]), end: Number(match[2]) };
}

/** A single `Range: bytes=<start>-[<end>]` of a blob download. */
function parseByteRange(header: string | undefined): { start: number; end?: number } | undefined {
  const match = header ? /^bytes=(\d+)-(\d*)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  return match[2] ? { start: Number(match[1]), end: Number(match[2]) } : { start: Number(match[1]) };
}

function pageOf(query: URLSearchParams): { n?: number; last?: string } {
  const page: { n?: number; last?: string } = {};
  const n = query.get('n');
  if (n !== null) {
    if (!/^\d+$/.test(n)) throw new RegistryError('UNSUPPORTED', `invalid page size n=${n}`, { status: 400 });
    page.n = Number(n);
  }
  const last = query.get('last');
  if (last !== null) page.last = last;
  return page;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function unsupported(method: string, path: string): RegistryError {
  return new RegistryError('UNSUPPORTED', `${method} is not supported on ${path}`, { status: 405 });
}

// ---- errors in the spec's format

function sendError(logger: Logger, error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  let status = 500;
  let code = 'UNKNOWN';
  let message = 'internal error; see the server log';
  let detail: unknown;
  if (isRegistryError(error)) {
    ({ status, registryCode: code, message } = error);
    detail = error.details;
  } else if (isTrunklineError(error) && error.code === 'unauthorized') {
    [status, code, message] = [401, 'UNAUTHORIZED', error.message];
    void reply.header('www-authenticate', realm);
  } else if (isTrunklineError(error) && error.code === 'forbidden') {
    [status, code, message, detail] = [403, 'DENIED', error.message, error.details];
  } else if (isTrunklineError(error) && error.code === 'config') {
    [status, code, message] = [400, 'UNSUPPORTED', error.message];
  } else {
    logger.error({ err: error, method: request.method, url: request.url }, 'registry request failed');
  }
  const body = JSON.stringify({ errors: [{ code, message, ...(detail === undefined ? {} : { detail }) }] });
  void reply.status(status).type('application/json');
  if (request.method === 'HEAD') void reply.header('content-length', 0).send();
  else void reply.send(body);
}
