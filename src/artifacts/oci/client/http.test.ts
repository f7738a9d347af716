import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { ExternalError } from '../../../core/index.ts';
import { mediaTypes } from '../types.ts';
import { digestOf } from './digest.ts';
import { createRegistryClient } from './index.ts';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Handler = (request: Seen, response: ServerResponse) => void;

/** A scripted registry on 127.0.0.1 that records every request it gets. */
async function serve(handler: Handler): Promise<{ host: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Seen = { method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, headers: request.headers, body: Buffer.concat(chunks) };
      seen.push(entry);
      handler(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const blob = Buffer.from('hello layer');
const blobDigest = digestOf(blob);

describe('registry client against scripted HTTP answers', () => {
  const servers: { close: () => Promise<void> }[] = [];
  const dirs: string[] = [];
  const start = async (handler: Handler): Promise<{ host: string; seen: Seen[] }> => {
    const server = await serve(handler);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('answers a Basic challenge with the credentials, then sends them up front', async () => {
    const { host, seen } = await start((request, response) => {
      if (request.authorization !== basic('ci', 's3cret')) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="registry"', 'content-type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
        return;
      }
      response.writeHead(200, { 'content-length': String(blob.length) });
      response.end();
    });
    const client = createRegistryClient({ registry: host, credentials: { username: 'ci', password: 's3cret' } });
    assert.equal(await client.hasBlob('acme/app', blobDigest), true);
    assert.equal(await client.hasBlob('acme/app', blobDigest), true);
    assert.deepEqual(seen.map((request) => request.authorization), [undefined, basic('ci', 's3cret'), basic('ci', 's3cret')]);

    const anonymous = createRegistryClient({ registry: host });
    await assert.rejects(anonymous.hasBlob('acme/app', blobDigest), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.equal((error.details as { status: number }).status, 401);
      return true;
    });
    const wrong = createRegistryClient({ registry: host, credentials: { username: 'ci', password: 'wrong' } });
    await assert.rejects(wrong.getBlob('acme/app', blobDigest), /HTTP 401 \(UNAUTHORIZED: authentication required\)/);
  });

  test('follows the bearer-token flow: realm, service, scopes, one token per scope, cached', async () => {
    const tokenRequests: URL[] = [];
    let issued = 0;
    const { host, seen } = await start((request, response) => {
      const url = new URL(request.url, 'http://registry');
      if (url.pathname === '/token') {
        tokenRequests.push(url);
        if (request.authorization !== basic('ci', 's3cret')) {
          response.writeHead(401).end();
          return;
        }
        issued += 1;
        // The token service may answer in either field (token.md).
        const body = issued % 2 === 1 ? { token: `token-${issued}`, expires_in: 300 } : { access_token: `token-${issued}` };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
      const push = request.method !== 'GET' && request.method !== 'HEAD';
      const needed = push ? 'token-2' : 'token-1';
      if (request.authorization !== `Bearer ${needed}`) {
        const scope = `repository:acme/app:${push ? 'pull,push' : 'pull'}`;
        response.writeHead(401, { 'www-authenticate': `Bearer realm="http://${request.headers.host}/token",service="test-registry",scope="${scope}"` }).end();
        return;
      }
      if (request.method === 'HEAD') response.writeHead(404).end();
      else response.writeHead(202, { location: '/v2/acme/app/blobs/uploads/1' }).end();
    });
    const client = createRegistryClient({ registry: host, credentials: { username: 'ci', password: 's3cret' } });
    assert.equal(await client.hasBlob('acme/app', blobDigest), false);
    assert.equal(await client.hasBlob('acme/app', digestOf(Buffer.from('x'))), false);
    assert.equal(tokenRequests.length, 1);
    assert.equal(tokenRequests[0]!.searchParams.get('service'), 'test-registry');
    assert.deepEqual(tokenRequests[0]!.searchParams.getAll('scope'), ['repository:acme/app:pull']);
    assert.deepEqual(seen.filter((request) => request.method === 'HEAD').map((request) => request.authorization), [undefined, 'Bearer token-1', 'Bearer token-1']);

    // A push scope needs its own token; the realm is known now, so it is fetched before the request.
    assert.equal(await client.mountBlob('acme/app', blobDigest, 'acme/base'), false);
    assert.equal(tokenRequests.length, 2);
    assert.deepEqual(tokenRequests[1]!.searchParams.getAll('scope').sort(), ['repository:acme/app:pull,push', 'repository:acme/base:pull']);
    const post = seen.find((request) => request.method === 'POST');
    assert.equal(post?.authorization, 'Bearer token-2');

    const refused = createRegistryClient({ registry: host, credentials: { username: 'ci', password: 'nope' } });
    await assert.rejects(refused.hasBlob('acme/app', blobDigest), /token service .* refused the token request with HTTP 401/);
  });

  test('retries 503 and a dropped connection with backoff, then gives up with the status', async () => {
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [] }));
    let calls = 0;
    const { host } = await start((request, response) => {
      calls += 1;
      if (request.url.includes('flaky')) {
        if (calls === 1) {
          response.socket?.destroy();
          return;
        }
        if (calls === 2) {
          response.writeHead(503, { 'retry-after': '0' }).end();
          return;
        }
        response.writeHead(200, { 'content-type': mediaTypes.ociIndex, 'docker-content-digest': digestOf(manifest) }).end(manifest);
        return;
      }
      response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'maintenance' }] }));
    });
    const client = createRegistryClient({ registry: host, retryDelayMs: 1 });
    const fetched = await client.getManifest('acme/flaky', 'v1');
    assert.equal(calls, 3);
    assert.deepEqual(fetched, { mediaType: mediaTypes.ociIndex, digest: digestOf(manifest), bytes: manifest });

    calls = 0;
    const impatient = createRegistryClient({ registry: host, retries: 2, retryDelayMs: 1 });
    await assert.rejects(impatient.getManifest('acme/down', 'v1'), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.match(error.message, /HTTP 503 \(UNAVAILABLE: maintenance\)/);
      return true;
    });
    assert.equal(calls, 3);
  });

  test('a download whose body breaks off is fetched again', async () => {
    const content = Buffer.alloc(64 * 1024, 7);
    const digest = digestOf(content);
    let calls = 0;
    const { host } = await start((_request, response) => {
      calls += 1;
      response.writeHead(200, { 'content-length': String(content.length) });
      if (calls % 2 === 1) {
        // Half the body, then the connection drops.
        response.write(content.subarray(0, 1000), () => response.socket?.destroy());
        return;
      }
      response.end(content);
    });
    const client = createRegistryClient({ registry: host, retryDelayMs: 1 });
    assert.deepEqual(await client.getBlob('acme/app', digest), content);
    assert.equal(calls, 2);
    const dir = mkdtempSync(join(tmpdir(), 'tl-oci-http-'));
    dirs.push(dir);
    await client.downloadBlob('acme/app', digest, join(dir, 'blob'));
    assert.equal(calls, 4);
    assert.deepEqual(readdirSync(dir), ['blob']);

    const never = createRegistryClient({ registry: host, retries: 0 });
    await assert.rejects(never.getBlob('acme/app', digest), /broke off/);
  });

  test('parallel requests for one scope share one token request', async () => {
    let tokens = 0;
    const { host } = await start((request, response) => {
      if (request.url.startsWith('/token')) {
        tokens += 1;
        response.writeHead(200).end(JSON.stringify({ token: 'shared' }));
      } else if (request.authorization === 'Bearer shared') {
        response.writeHead(200).end();
      } else {
        response.writeHead(401, { 'www-authenticate': `Bearer realm="http://${request.headers.host}/token",service="r"` }).end();
      }
    });
    const client = createRegistryClient({ registry: host });
    const digests = ['a', 'b', 'c', 'd'].map((text) => digestOf(Buffer.from(text)));
    assert.deepEqual(await Promise.all(digests.map((digest) => client.hasBlob('acme/app', digest))), [true, true, true, true]);
    assert.equal(tokens, 1);
  });

  test('a blob served with the wrong bytes is refused and leaves no file', async () => {
    const { host } = await start((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from('tampered layer'));
    });
    const client = createRegistryClient({ registry: host });
    await assert.rejects(client.getBlob('acme/app', blobDigest), (error: unknown) => error instanceof ExternalError && /served blob/.test(error.message));
    const dir = mkdtempSync(join(tmpdir(), 'tl-oci-http-'));
    dirs.push(dir);
    const target = join(dir, 'layer.tar');
    await assert.rejects(client.downloadBlob('acme/app', blobDigest, target), ExternalError);
    assert.equal(existsSync(target), false);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('a manifest whose bytes do not match its digest header or its reference is refused', async () => {
    const manifest = Buffer.from('{"schemaVersion":2,"manifests":[]}');
    const other = digestOf(Buffer.from('something else'));
    const { host } = await start((_request, response) => {
      response.writeHead(200, { 'content-type': mediaTypes.ociIndex, 'docker-content-digest': other }).end(manifest);
    });
    const client = createRegistryClient({ registry: host });
    await assert.rejects(client.getManifest('acme/app', 'v1'), /with digest sha256:[a-f0-9]{64}, expected/);
    await assert.rejects(client.getManifest('acme/app', other), ExternalError);
  });

  test('follows Link pages for tags, relative or absolute', async () => {
    const { host } = await start((request, response) => {
      const url = new URL(request.url, 'http://registry');
      const last = url.searchParams.get('last');
      if (last === null) {
        response.writeHead(200, { link: '</v2/acme/app/tags/list?n=2&last=b>; rel="next"' }).end(JSON.stringify({ name: 'acme/app', tags: ['a', 'b'] }));
      } else if (last === 'b') {
        response.writeHead(200, { link: `<http://${request.headers.host}/v2/acme/app/tags/list?n=2&last=d>; rel="next"` }).end(JSON.stringify({ name: 'acme/app', tags: ['c', 'd'] }));
      } else {
        response.writeHead(200).end(JSON.stringify({ name: 'acme/app', tags: ['e'] }));
      }
    });
    const client = createRegistryClient({ registry: host });
    assert.deepEqual(await client.listTags('acme/app'), ['a', 'b', 'c', 'd', 'e']);
  });

  test('uses the referrers API when present, following pages and filtering by artifactType', async () => {
    const subject = digestOf(Buffer.from('subject'));
    const entry = (name: string, artifactType: string): object => ({ mediaType: mediaTypes.ociManifest, digest: digestOf(Buffer.from(name)), size: 10, artifactType });
    const { host, seen } = await start((request, response) => {
      const url = new URL(request.url, 'http://registry');
      assert.equal(url.pathname, `/v2/acme/app/referrers/${subject}`);
      const page = url.searchParams.get('page');
      const headers: Record<string, string> = { 'content-type': mediaTypes.ociIndex };
      if (page === null) headers.link = `</v2/acme/app/referrers/${subject}?page=2>; rel="next"`;
      const manifests = page === null ? [entry('sbom', 'application/spdx+json'), entry('sig', 'application/vnd.dev.sig')] : [entry('sbom2', 'application/spdx+json')];
      response.writeHead(200, headers).end(JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests }));
    });
    const client = createRegistryClient({ registry: host });
    const found = await client.referrers('acme/app', subject, 'application/spdx+json');
    assert.deepEqual(found.map((descriptor) => descriptor.digest), [digestOf(Buffer.from('sbom')), digestOf(Buffer.from('sbom2'))]);
    assert.equal(new URL(seen[0]!.url, 'http://registry').searchParams.get('artifactType'), 'application/spdx+json');
    assert.equal(seen.length, 2);
  });

  test('a chunked upload follows each relative Location and resumes where the Range answer says', async () => {
    const content = Buffer.from('0123456789abcdefghij');
    const digest = digestOf(content);
    let stored = Buffer.alloc(0);
    let step = 0;
    let dropped = false;
    const { host, seen } = await start((request, response) => {
      const url = new URL(request.url, 'http://registry');
      if (request.method === 'HEAD') return void response.writeHead(404).end();
      if (request.method === 'POST') return void response.writeHead(202, { location: 'session?step=0', range: '0-0' }).end();
      assert.equal(url.pathname, '/v2/acme/app/blobs/uploads/session');
      assert.equal(url.searchParams.get('step'), String(step), 'the client uses the latest Location');
      if (request.method === 'PATCH') {
        const [first] = (request.headers['content-range'] ?? '').split('-');
        if (Number(first) !== stored.length) return void response.writeHead(416, { location: url.pathname + url.search, range: `0-${stored.length - 1}` }).end();
        // The registry keeps only the first 3 bytes of the second chunk: the client must resume from its Range.
        const keep = step === 1 && !dropped ? request.body.subarray(0, 3) : request.body;
        if (keep !== request.body) dropped = true;
        stored = Buffer.concat([stored, keep]);
        step += 1;
        return void response.writeHead(202, { location: `/v2/acme/app/blobs/uploads/session?step=${step}`, range: `0-${stored.length - 1}` }).end();
      }
      if (request.method === 'PUT') {
        assert.equal(url.searchParams.get('digest'), digest);
        if (digestOf(stored) !== digest) return void response.writeHead(400).end(JSON.stringify({ errors: [{ code: 'DIGEST_INVALID', message: 'digest did not match' }] }));
        return void response.writeHead(201, { 'docker-content-digest': digest, location: `/v2/acme/app/blobs/${digest}` }).end();
      }
      response.writeHead(405).end();
    });
    const client = createRegistryClient({ registry: host });
    assert.deepEqual(await client.pushBlob('acme/app', { bytes: content }, { chunkSize: 8 }), { digest, size: content.length });
    assert.deepEqual(stored, content);
    assert.deepEqual(
      seen.filter((request) => request.method === 'PATCH').map((request) => request.headers['content-range']),
      ['0-7', '8-15', '11-18', '19-19'],
    );
  });

  test('an upload refused mid-way is cancelled', async () => {
    const { host, seen } = await start((request, response) => {
      if (request.method === 'HEAD') return void response.writeHead(404).end();
      if (request.method === 'POST') return void response.writeHead(202, { location: '/v2/acme/app/blobs/uploads/s1' }).end();
      if (request.method === 'DELETE') return void response.writeHead(204).end();
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'SIZE_INVALID', message: 'too big' }] }));
    });
    const client = createRegistryClient({ registry: host });
    await assert.rejects(client.pushBlob('acme/app', { bytes: blob }), /SIZE_INVALID: too big/);
    assert.deepEqual(seen.map((request) => `${request.method} ${request.url.split('?')[0]}`), [
      `HEAD /v2/acme/app/blobs/${blobDigest}`,
      'POST /v2/acme/app/blobs/uploads/',
      'PUT /v2/acme/app/blobs/uploads/s1',
      'DELETE /v2/acme/app/blobs/uploads/s1',
    ]);
  });
});
