import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { pack } from 'tar-stream';
import { ensureAdmin } from '../src/access/index.ts';
import { mediaTypes } from '../src/artifacts/index.ts';
import { Registry } from '../src/artifacts/registry/index.ts';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer, type RunningServer } from '../src/server/index.ts';
import { registryRoutes } from '../src/server/routes/registry.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { request as httpRequest } from 'node:http';
import { waitFor } from './helpers/wait.ts';

const run = promisify(execFile);
const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function tarGz(files: Record<string, string>): Promise<{ tar: Buffer; gz: Buffer }> {
  const archive = pack();
  for (const [name, content] of Object.entries(files)) archive.entry({ name, mode: 0o644, mtime: new Date(0) }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  const tar = Buffer.concat(chunks);
  return { tar, gz: gzipSync(tar) };
}

/** A one-layer OCI image layout on disk (`oci:<dir>:v1` for skopeo). */
async function imageLayout(dir: string): Promise<{ manifestDigest: string; layerDigest: string }> {
  const { tar, gz } = await tarGz({ 'hello.txt': 'hello from the built-in registry\n' });
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['/hello'] }, rootfs: { type: 'layers', diff_ids: [sha(tar)] } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: sha(config), size: config.length },
      layers: [{ mediaType: mediaTypes.ociLayerGzip, digest: sha(gz), size: gz.length }],
    }),
  );
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const blob of [config, gz, manifest]) writeFileSync(join(dir, 'blobs', 'sha256', sha(blob).slice(7)), blob);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: mediaTypes.ociManifest, digest: sha(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }],
    }),
  );
  return { manifestDigest: sha(manifest), layerDigest: sha(gz) };
}

/** An auth file that does not exist: only the credentials on the command line count. */
const noAuthFile = join(tmpdir(), `tl-registry-no-auth-${randomBytes(8).toString('hex')}.json`);

function skopeo(...args: string[]) {
  return run('skopeo', ['--insecure-policy', ...args], { env: { ...process.env, REGISTRY_AUTH_FILE: noAuthFile } });
}

/** skopeo copy both ways, inspect, a copy between repositories and delete, against `host`. */
async function skopeoRoundTrip(host: string, token: string, work: string, repository: string): Promise<void> {
  const source = join(work, `${repository.replaceAll('/', '-')}-src`);
  const pulled = join(work, `${repository.replaceAll('/', '-')}-pulled`);
  const image = await imageLayout(source);
  const creds = `admin:${token}`;

  await skopeo('copy', '--dest-tls-verify=false', '--dest-creds', creds, `oci:${source}:v1`, `docker://${host}/${repository}:v1`);

  const { stdout } = await skopeo('inspect', '--tls-verify=false', '--creds', creds, `docker://${host}/${repository}:v1`);
  const inspected = JSON.parse(stdout) as { Digest: string; Layers: string[]; Architecture: string };
  assert.equal(inspected.Digest, image.manifestDigest, 'stored byte for byte');
  assert.deepEqual(inspected.Layers, [image.layerDigest]);
  assert.equal(inspected.Architecture, 'amd64');

  await skopeo('copy', '--src-tls-verify=false', '--src-creds', creds, `docker://${host}/${repository}:v1`, `oci:${pulled}:v1`);
  const index = JSON.parse(readFileSync(join(pulled, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  assert.equal(index.manifests[0]?.digest, image.manifestDigest);
  assert.deepEqual(readFileSync(join(pulled, 'blobs', 'sha256', image.layerDigest.slice(7))), readFileSync(join(source, 'blobs', 'sha256', image.layerDigest.slice(7))));

  // Registry to registry: the layers are mounted across repositories.
  await skopeo('copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--src-creds', creds, '--dest-creds', creds, `docker://${host}/${repository}:v1`, `docker://${host}/${repository}/copy:v2`);
  const copied = JSON.parse((await skopeo('inspect', '--tls-verify=false', '--creds', creds, `docker://${host}/${repository}/copy:v2`)).stdout) as { Digest: string };
  assert.equal(copied.Digest, image.manifestDigest);

  await skopeo('delete', '--tls-verify=false', '--creds', creds, `docker://${host}/${repository}:v1`);
  await assert.rejects(skopeo('inspect', '--tls-verify=false', '--creds', creds, `docker://${host}/${repository}:v1`), /manifest unknown|not found/i);
  await assert.rejects(
    skopeo('copy', '--dest-tls-verify=false', `oci:${source}:v1`, `docker://${host}/${repository}:anonymous`),
    /unauthorized|authentication required/i,
  );
}

describe('built-in registry routes (bare app)', () => {
  const work = mkdtempSync(join(tmpdir(), 'tl-registry-it-'));
  let app: FastifyInstance;
  let store: Store;
  let registry: Registry;
  let host: string;
  let token: string;
  let viewerToken: string;
  let developerToken: string;

  before(async () => {
    store = await openStore({ path: ':memory:', secretKey: randomBytes(32) });
    ({ token } = await ensureAdmin(store, join(work, 'admin-token')));
    const viewer = await store.users.create({ login: 'viewer', name: 'Viewer', role: 'viewer' });
    viewerToken = (await store.tokens.create(viewer.id, 'test')).token;
    const developer = await store.users.create({ login: 'dev', name: 'Developer', role: 'developer' });
    developerToken = (await store.tokens.create(developer.id, 'test')).token;
    registry = await Registry.open({ root: join(work, 'registry'), maxBlobSize: 1024 * 1024 });
    app = Fastify();
    registryRoutes(app, { store, registry, logger: silentLogger });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    host = `127.0.0.1:${address.port}`;
  });
  after(async () => {
    await app?.close();
    await store?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const call = (method: string, path: string, options: { token?: string; body?: Buffer | string; headers?: Record<string, string> } = {}) =>
    fetch(`http://${host}${path}`, {
      method,
      headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
      ...(options.body === undefined ? {} : { body: options.body }),
    });
  const errorCode = async (response: Response) => ((await response.json()) as { errors: { code: string }[] }).errors[0]?.code;

  test('GET /v2/ needs a token and challenges with basic auth', async () => {
    const anonymous = await call('GET', '/v2/');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="Trunkline Registry", charset="UTF-8"');
    assert.equal(await errorCode(anonymous), 'UNAUTHORIZED');
    assert.equal((await call('GET', '/v2/', { token: 'not-a-token' })).status, 401);
    assert.equal((await call('GET', '/v2/', { token })).status, 200);
    const basic = await call('GET', '/v2/', { headers: { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` } });
    assert.equal(basic.status, 200);
  });

  test('skopeo copies both ways, inspects and deletes', async () => {
    await skopeoRoundTrip(host, token, work, 'acme/app');
    const catalog = (await (await call('GET', '/v2/_catalog', { token })).json()) as { repositories: string[] };
    assert.ok(catalog.repositories.includes('acme/app') && catalog.repositories.includes('acme/app/copy'));
    const tags = (await (await call('GET', '/v2/acme/app/copy/tags/list', { token })).json()) as { name: string; tags: string[] };
    assert.deepEqual(tags, { name: 'acme/app/copy', tags: ['v2'] });
  });

  test('chunked upload: offsets, ranges, status, digest check', async () => {
    const start = await call('POST', '/v2/a/b/c/blobs/uploads/', { token: developerToken });
    assert.equal(start.status, 202);
    const location = start.headers.get('location')!;
    assert.match(location, /^\/v2\/a\/b\/c\/blobs\/uploads\/[0-9a-f-]+$/);
    assert.equal(start.headers.get('range'), '0-0');
    const octets = { 'content-type': 'application/octet-stream' };
    const first = await call('PATCH', location, { token: developerToken, body: 'hello ', headers: { ...octets, 'content-range': '0-5' } });
    assert.equal(first.status, 202);
    assert.equal(first.headers.get('range'), '0-5');
    const wrong = await call('PATCH', location, { token: developerToken, body: 'world', headers: { ...octets, 'content-range': '0-4' } });
    assert.equal(wrong.status, 416);
    assert.equal(await errorCode(wrong), 'BLOB_UPLOAD_INVALID');
    const status = await call('GET', location, { token: developerToken });
    assert.equal(status.status, 204);
    assert.equal(status.headers.get('range'), '0-5');
    const done = await call('PUT', `${location}?digest=${sha('hello world')}`, { token: developerToken, body: 'world', headers: { ...octets, 'content-range': '6-10' } });
    assert.equal(done.status, 201);
    assert.equal(done.headers.get('docker-content-digest'), sha('hello world'));
    const blob = await call('GET', done.headers.get('location')!, { token: viewerToken });
    assert.equal(await blob.text(), 'hello world');
    const head = await call('HEAD', `/v2/a/b/c/blobs/${sha('hello world')}`, { token: viewerToken });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '11');
    const partial = await call('GET', `/v2/a/b/c/blobs/${sha('hello world')}`, { token: viewerToken, headers: { range: 'bytes=6-' } });
    assert.equal(partial.status, 206);
    assert.equal(await partial.text(), 'world');

    const bad = await call('POST', `/v2/a/b/c/blobs/uploads/?digest=${sha('other')}`, { token: developerToken, body: 'payload', headers: octets });
    assert.equal(bad.status, 400);
    assert.equal(await errorCode(bad), 'DIGEST_INVALID');
    assert.equal((await call('HEAD', `/v2/a/b/c/blobs/${sha('payload')}`, { token })).status, 404);
    const oversized = await call('POST', `/v2/a/b/c/blobs/uploads/?digest=${sha('x')}`, { token, body: Buffer.alloc(1024 * 1024 + 1), headers: octets });
    assert.equal(oversized.status, 413);
    assert.equal(await errorCode(oversized), 'SIZE_INVALID');
  });

  test('a chunk cut off by a dropped connection leaves nothing in the upload', async () => {
    const start = await call('POST', '/v2/acme/cut/blobs/uploads/', { token });
    const location = start.headers.get('location')!;
    await new Promise<void>((resolve) => {
      const [hostname, port] = host.split(':');
      const req = httpRequest({
        hostname,
        port: Number(port),
        path: location,
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': 100, 'content-range': '0-99' },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(10, 'z'), () => {
        req.destroy();
        resolve();
      });
    });
    const full = Buffer.alloc(100, 'y');
    // Retried until the server has rolled the cut chunk back (until then the session is busy).
    const accepted = await waitFor(async () => {
      const response = await call('PATCH', location, { token, body: full, headers: { 'content-type': 'application/octet-stream', 'content-range': '0-99' } });
      return response.status === 202 && response;
    }, 'the cut chunk to be rolled back');
    assert.equal(accepted.headers.get('range'), '0-99');
    const done = await call('PUT', `${location}?digest=${sha(full)}`, { token });
    assert.equal(done.status, 201);
    assert.deepEqual(Buffer.from(await (await call('GET', `/v2/acme/cut/blobs/${sha(full)}`, { token })).arrayBuffer()), full);
  });

  test('pushes need a developer, deletes an admin; errors in the spec format', async () => {
    const denied = await call('POST', '/v2/acme/app/blobs/uploads/', { token: viewerToken });
    assert.equal(denied.status, 403);
    assert.equal(await errorCode(denied), 'DENIED');
    const pushed = await call('POST', `/v2/acme/perm/blobs/uploads/?digest=${sha('x')}`, { token: developerToken, body: 'x', headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(pushed.status, 201);
    assert.equal(pushed.headers.get('location'), `/v2/acme/perm/blobs/${sha('x')}`);
    assert.equal((await call('DELETE', `/v2/acme/perm/blobs/${sha('x')}`, { token: developerToken })).status, 403);
    assert.equal((await call('DELETE', `/v2/acme/perm/blobs/${sha('x')}`, { token })).status, 202);
    assert.equal(await errorCode(await call('GET', `/v2/acme/perm/blobs/${sha('x')}`, { token })), 'BLOB_UNKNOWN');
    assert.equal(await errorCode(await call('GET', '/v2/Bad_Name/tags/list', { token })), 'NAME_INVALID');
    assert.equal(await errorCode(await call('GET', '/v2/acme/none/tags/list', { token })), 'NAME_UNKNOWN');
    assert.equal(await errorCode(await call('GET', '/v2/acme/app/manifests/nope', { token })), 'MANIFEST_UNKNOWN');
    const invalid = await call('PUT', '/v2/acme/app/manifests/bad', { token, body: '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}', headers: { 'content-type': mediaTypes.ociManifest } });
    assert.equal(invalid.status, 400);
    assert.equal(await errorCode(invalid), 'MANIFEST_INVALID');
    const missing = JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: sha('absent'), size: 6 },
      layers: [],
    });
    const unknownBlob = await call('PUT', '/v2/acme/app/manifests/bad', { token, body: missing, headers: { 'content-type': mediaTypes.ociManifest } });
    assert.equal(await errorCode(unknownBlob), 'MANIFEST_BLOB_UNKNOWN');
  });

  test('manifests with a subject are listed by the referrers API', async () => {
    const empty = '{}';
    const octets = { 'content-type': 'application/octet-stream' };
    await call('POST', `/v2/acme/refs/blobs/uploads/?digest=${sha(empty)}`, { token, body: empty, headers: octets });
    const target = JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: { mediaType: mediaTypes.ociEmpty, digest: sha(empty), size: 2 }, layers: [] });
    assert.equal((await call('PUT', '/v2/acme/refs/manifests/v1', { token, body: target, headers: { 'content-type': mediaTypes.ociManifest } })).status, 201);
    const referrer = JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      artifactType: 'application/vnd.example.sbom',
      config: { mediaType: mediaTypes.ociEmpty, digest: sha(empty), size: 2 },
      layers: [],
      subject: { mediaType: mediaTypes.ociManifest, digest: sha(target), size: target.length },
    });
    const put = await call('PUT', `/v2/acme/refs/manifests/${sha(referrer)}`, { token, body: referrer, headers: { 'content-type': mediaTypes.ociManifest } });
    assert.equal(put.status, 201);
    assert.equal(put.headers.get('oci-subject'), sha(target));
    const listed = await call('GET', `/v2/acme/refs/referrers/${sha(target)}?artifactType=application/vnd.example.sbom`, { token });
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('content-type'), mediaTypes.ociIndex);
    assert.equal(listed.headers.get('oci-filters-applied'), 'artifactType');
    const index = (await listed.json()) as { manifests: { digest: string; artifactType: string }[] };
    assert.deepEqual(index.manifests.map((m) => [m.digest, m.artifactType]), [[sha(referrer), 'application/vnd.example.sbom']]);
    const none = (await (await call('GET', `/v2/acme/refs/referrers/${sha(target)}?artifactType=other`, { token })).json()) as { manifests: unknown[] };
    assert.deepEqual(none.manifests, []);
    const manifest = await call('GET', '/v2/acme/refs/manifests/v1', { token });
    assert.equal(manifest.headers.get('content-type'), mediaTypes.ociManifest);
    assert.equal(manifest.headers.get('docker-content-digest'), sha(target));
    assert.equal(await manifest.text(), target);
  });

  test('tags list paginates with a Link header', async () => {
    const empty = '{}';
    const body = JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: { mediaType: mediaTypes.ociEmpty, digest: sha(empty), size: 2 }, layers: [] });
    await call('POST', `/v2/acme/pages/blobs/uploads/?digest=${sha(empty)}`, { token, body: empty, headers: { 'content-type': 'application/octet-stream' } });
    for (const tag of ['c', 'a', 'b']) await call('PUT', `/v2/acme/pages/manifests/${tag}`, { token, body, headers: { 'content-type': mediaTypes.ociManifest } });
    const first = await call('GET', '/v2/acme/pages/tags/list?n=2', { token });
    assert.deepEqual(((await first.json()) as { tags: string[] }).tags, ['a', 'b']);
    assert.equal(first.headers.get('link'), '</v2/acme/pages/tags/list?n=2&last=b>; rel="next"');
    const second = await call('GET', '/v2/acme/pages/tags/list?n=2&last=b', { token });
    assert.deepEqual(((await second.json()) as { tags: string[] }).tags, ['c']);
    assert.equal(second.headers.get('link'), null);
  });
});

describe('built-in registry in the running server', () => {
  const work = mkdtempSync(join(tmpdir(), 'tl-registry-server-'));
  let server: RunningServer;

  before(async () => {
    server = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0' }), silentLogger);
  });
  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('serves /v2/ to skopeo with the admin token', async (t) => {
    const probe = await fetch(`${server.url}/v2/`);
    if (probe.status === 404) return t.skip('the registry routes are not registered in the server yet');
    assert.equal(probe.status, 401);
    assert.match(probe.headers.get('www-authenticate') ?? '', /^Basic realm="Trunkline Registry"/);
    await skopeoRoundTrip(new URL(server.url).host, server.adminToken!, work, 'acme/served');
  });
});
