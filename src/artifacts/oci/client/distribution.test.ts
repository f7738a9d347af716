import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DistributionRegistry } from '../../../../test/helpers/distribution.ts';
import { ExternalError, NotFoundError } from '../../../core/index.ts';
import { mediaTypes, type ImageManifest, type RegistryClient } from '../types.ts';
import { digestOf } from './digest.ts';
import { createRegistryClient } from './index.ts';
import { referrersTag } from './referrers.ts';
import { indexOf, sampleImage } from './test-support.ts';

describe('registry client against the CNCF distribution registry', () => {
  let registry: DistributionRegistry;
  let client: RegistryClient;
  let dir: string;

  before(async () => {
    registry = await DistributionRegistry.start();
    client = createRegistryClient({ registry: registry.host });
    dir = mkdtempSync(join(tmpdir(), 'tl-oci-client-'));
  });
  after(async () => {
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('pushes a blob from memory monolithically, then skips it when present', async () => {
    const bytes = randomBytes(10_000);
    const pushed = await client.pushBlob('acme/mono', { bytes });
    assert.deepEqual(pushed, { digest: digestOf(bytes), size: bytes.length });
    assert.equal(await client.hasBlob('acme/mono', pushed.digest), true);
    assert.deepEqual(await client.getBlob('acme/mono', pushed.digest), bytes);
    assert.deepEqual(await client.pushBlob('acme/mono', { bytes }), pushed);
    assert.equal(await client.hasBlob('acme/mono', digestOf(Buffer.from('absent'))), false);
  });

  test('pushes an empty blob', async () => {
    const pushed = await client.pushBlob('acme/mono', { bytes: Buffer.alloc(0) });
    assert.equal(pushed.size, 0);
    assert.deepEqual(await client.getBlob('acme/mono', pushed.digest), Buffer.alloc(0));
  });

  test('pushes a file in chunks and from memory in chunks, both read back intact', async () => {
    const bytes = randomBytes(300_000);
    const path = join(dir, 'layer.bin');
    writeFileSync(path, bytes);
    const digest = digestOf(bytes);
    const methods: string[] = [];
    const counting = createRegistryClient({
      registry: registry.host,
      fetch: (input, init) => {
        methods.push(init?.method ?? 'GET');
        return fetch(input, init);
      },
    });
    assert.deepEqual(await counting.pushBlob('acme/chunked', { path, digest, size: bytes.length }, { chunkSize: 64 * 1024 }), { digest, size: bytes.length });
    assert.deepEqual(methods, ['HEAD', 'POST', 'PATCH', 'PATCH', 'PATCH', 'PATCH', 'PATCH', 'PUT']);
    assert.deepEqual(await client.getBlob('acme/chunked', digest), bytes);

    const other = randomBytes(100_001);
    const pushed = await client.pushBlob('acme/chunked', { bytes: other }, { chunkSize: 10_000 });
    assert.deepEqual(await client.getBlob('acme/chunked', pushed.digest), other);
  });

  test('pushes a file monolithically, streamed from disk', async () => {
    const bytes = randomBytes(200_000);
    const path = join(dir, 'mono.bin');
    writeFileSync(path, bytes);
    const digest = digestOf(bytes);
    await client.pushBlob('acme/file', { path, digest, size: bytes.length });
    const target = join(dir, 'downloaded.bin');
    await client.downloadBlob('acme/file', digest, target);
    assert.deepEqual(readFileSync(target), bytes);
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.partial')), []);
  });

  test('a file whose bytes do not match the given digest is refused by the registry', async () => {
    const path = join(dir, 'liar.bin');
    writeFileSync(path, 'actual content');
    const claimed = digestOf(Buffer.from('other content'));
    await assert.rejects(client.pushBlob('acme/file', { path, digest: claimed, size: 14 }), (error: unknown) => error instanceof ExternalError && /DIGEST_INVALID|digest/i.test(error.message));
    assert.equal(await client.hasBlob('acme/file', claimed), false);
  });

  test('getBlob and downloadBlob of a missing blob are NotFoundError, and no file is left', async () => {
    const digest = digestOf(Buffer.from('never pushed'));
    await assert.rejects(client.getBlob('acme/mono', digest), NotFoundError);
    const target = join(dir, 'missing.bin');
    await assert.rejects(client.downloadBlob('acme/mono', digest, target), NotFoundError);
    assert.equal(existsSync(target), false);
  });

  test('mounts a blob across repositories, and reports false when the source lacks it', async () => {
    const bytes = randomBytes(5_000);
    const { digest } = await client.pushBlob('acme/source', { bytes });
    assert.equal(await client.hasBlob('acme/target', digest), false);
    assert.equal(await client.mountBlob('acme/target', digest, 'acme/source'), true);
    assert.equal(await client.hasBlob('acme/target', digest), true);
    const absent = digestOf(Buffer.from('not anywhere'));
    assert.equal(await client.mountBlob('acme/target', absent, 'acme/source'), false);
    assert.equal(await client.hasBlob('acme/target', absent), false);
  });

  test('puts, heads, gets and deletes an OCI manifest by tag and digest', async () => {
    const image = sampleImage('oci');
    await client.pushBlob('acme/app', { bytes: image.config });
    await client.pushBlob('acme/app', { bytes: image.layer });
    const digest = await client.putManifest('acme/app', '1-main-abcdef12', image.manifest, mediaTypes.ociManifest);
    assert.equal(digest, image.manifestDigest);

    const byTag = await client.getManifest('acme/app', '1-main-abcdef12');
    assert.deepEqual(byTag, { mediaType: mediaTypes.ociManifest, digest, bytes: image.manifest });
    const byDigest = await client.getManifest('acme/app', digest);
    assert.deepEqual(byDigest.bytes, image.manifest);
    assert.deepEqual(await client.headManifest('acme/app', '1-main-abcdef12'), { digest, mediaType: mediaTypes.ociManifest, size: image.manifest.length });
    assert.equal(await client.headManifest('acme/app', 'no-such-tag'), undefined);
    await assert.rejects(client.getManifest('acme/app', 'no-such-tag'), NotFoundError);

    await client.deleteManifest('acme/app', digest);
    assert.equal(await client.headManifest('acme/app', digest), undefined);
    await assert.rejects(client.deleteManifest('acme/app', digest), NotFoundError);
  });

  test('a manifest naming a missing blob is refused with the registry error', async () => {
    const image = sampleImage('missing-layer');
    await client.pushBlob('acme/broken', { bytes: image.config });
    await assert.rejects(client.putManifest('acme/broken', 'v1', image.manifest, mediaTypes.ociManifest), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.match(error.message, /HTTP 400.*MANIFEST_BLOB_UNKNOWN|BLOB_UNKNOWN/);
      return true;
    });
  });

  test('puts and gets an OCI index over two manifests', async () => {
    const first = sampleImage('index-a');
    const second = sampleImage('index-b');
    for (const image of [first, second]) {
      await client.pushBlob('acme/multi', { bytes: image.config });
      await client.pushBlob('acme/multi', { bytes: image.layer });
      await client.putManifest('acme/multi', image.manifestDigest, image.manifest, mediaTypes.ociManifest);
    }
    const index = indexOf([first, second].map((image) => ({ digest: image.manifestDigest, size: image.manifest.length })));
    const digest = await client.putManifest('acme/multi', 'latest', index, mediaTypes.ociIndex);
    const fetched = await client.getManifest('acme/multi', 'latest');
    assert.equal(fetched.mediaType, mediaTypes.ociIndex);
    assert.equal(fetched.digest, digest);
    assert.deepEqual(fetched.bytes, index);
  });

  test('puts and gets a Docker v2 manifest', async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const layer = randomBytes(2_000);
    await client.pushBlob('acme/docker', { bytes: config });
    await client.pushBlob('acme/docker', { bytes: layer });
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.dockerManifest,
        config: { mediaType: mediaTypes.dockerConfig, digest: digestOf(config), size: config.length },
        layers: [{ mediaType: mediaTypes.dockerLayerGzip, digest: digestOf(layer), size: layer.length }],
      }),
    );
    const digest = await client.putManifest('acme/docker', 'v2', manifest, mediaTypes.dockerManifest);
    const fetched = await client.getManifest('acme/docker', 'v2');
    assert.equal(fetched.mediaType, mediaTypes.dockerManifest);
    assert.equal(fetched.digest, digest);
    assert.deepEqual((await client.headManifest('acme/docker', digest))?.mediaType, mediaTypes.dockerManifest);
  });

  test('lists tags; an unknown repository has none', async () => {
    const image = sampleImage('tags');
    await client.pushBlob('acme/tags', { bytes: image.config });
    await client.pushBlob('acme/tags', { bytes: image.layer });
    for (const tag of ['1-main-aaaaaaaa', '2-main-bbbbbbbb', 'latest']) await client.putManifest('acme/tags', tag, image.manifest, mediaTypes.ociManifest);
    assert.deepEqual((await client.listTags('acme/tags')).sort(), ['1-main-aaaaaaaa', '2-main-bbbbbbbb', 'latest']);
    assert.deepEqual(await client.listTags('acme/nothing-here'), []);
  });

  test('referrers: distribution 2.8 has no referrers API, so the sha256-<hex> tag index is kept and read', async () => {
    const image = sampleImage('subject');
    await client.pushBlob('acme/signed', { bytes: image.config });
    await client.pushBlob('acme/signed', { bytes: image.layer });
    const subject = await client.putManifest('acme/signed', 'v1', image.manifest, mediaTypes.ociManifest);
    assert.deepEqual(await client.referrers('acme/signed', subject), []);

    const empty = Buffer.from('{}');
    await client.pushBlob('acme/signed', { bytes: empty });
    const artifact = (artifactType: string, body: string): Buffer => {
      const manifest: ImageManifest = {
        schemaVersion: 2,
        mediaType: mediaTypes.ociManifest,
        artifactType,
        config: { mediaType: mediaTypes.ociEmpty, digest: digestOf(empty), size: 2 },
        layers: [{ mediaType: 'text/plain', digest: digestOf(Buffer.from(body)), size: body.length }],
        subject: { mediaType: mediaTypes.ociManifest, digest: subject, size: image.manifest.length },
      };
      return Buffer.from(JSON.stringify(manifest));
    };
    await client.pushBlob('acme/signed', { bytes: Buffer.from('sbom') });
    await client.pushBlob('acme/signed', { bytes: Buffer.from('signature') });
    const sbom = await client.putManifest('acme/signed', digestOf(artifact('application/spdx+json', 'sbom')), artifact('application/spdx+json', 'sbom'), mediaTypes.ociManifest);
    const signature = await client.putManifest('acme/signed', digestOf(artifact('application/vnd.dev.sig', 'signature')), artifact('application/vnd.dev.sig', 'signature'), mediaTypes.ociManifest);

    assert.ok((await client.listTags('acme/signed')).includes(referrersTag(subject)));
    const all = await client.referrers('acme/signed', subject);
    assert.deepEqual(all.map((descriptor) => descriptor.digest).sort(), [sbom, signature].sort());
    const sboms = await client.referrers('acme/signed', subject, 'application/spdx+json');
    assert.deepEqual(sboms.map((descriptor) => [descriptor.digest, descriptor.artifactType]), [[sbom, 'application/spdx+json']]);

    // Pushing the same referrer again does not duplicate its entry.
    await client.putManifest('acme/signed', sbom, artifact('application/spdx+json', 'sbom'), mediaTypes.ociManifest);
    assert.equal((await client.referrers('acme/signed', subject)).length, 2);
  });
});
