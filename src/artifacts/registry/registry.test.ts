import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { mediaTypes } from '../oci/types.ts';
import { Registry, RegistryError, type RegistryErrorCode } from './index.ts';

const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));
/** A body that sends `first` and then breaks, as a dropped connection does. */
const broken = (first: string) =>
  Readable.from(
    (async function* () {
      yield Buffer.from(first);
      throw new Error('connection reset');
    })(),
  );

async function refused(promise: Promise<unknown>, code: RegistryErrorCode, status?: number): Promise<RegistryError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RegistryError, `expected a RegistryError, got ${String(error)}`);
  assert.equal(error.registryCode, code, error.message);
  if (status !== undefined) assert.equal(error.status, status);
  return error;
}

/** An image: config + one layer pushed to `repository`, and its manifest bytes. */
async function pushImage(registry: Registry, repository: string, seed: string, extra: object = {}) {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
  const layer = Buffer.from(`layer-${seed}`);
  await registry.pushBlob(repository, sha(config), Readable.from([config]));
  await registry.pushBlob(repository, sha(layer), Readable.from([layer]));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: sha(config), size: config.length },
      layers: [{ mediaType: mediaTypes.ociLayerGzip, digest: sha(layer), size: layer.length }],
      ...extra,
    }),
  );
  return { config, layer, manifest, digest: sha(manifest) };
}

describe('Registry', () => {
  const dirs: string[] = [];
  const open = async (options: Partial<Parameters<typeof Registry.open>[0]> = {}) => {
    const root = mkdtempSync(join(tmpdir(), 'tl-registry-'));
    dirs.push(root);
    return Registry.open({ root, ...options });
  };
  const blobFiles = (registry: Registry) => readdirSync(join(registry.root, 'blobs', 'sha256'));
  const leftovers = (registry: Registry) => [...readdirSync(join(registry.root, 'uploads')), ...readdirSync(join(registry.root, 'tmp'))];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  describe('blobs and uploads', () => {
    let registry: Registry;
    before(async () => (registry = await open({ maxBlobSize: 64 })));

    test('a monolithic push is stored under its digest and read back', async () => {
      const result = await registry.pushBlob('acme/app', sha('hello world'), body('hello ', 'world'));
      assert.deepEqual(result, { digest: sha('hello world'), size: 11 });
      assert.deepEqual(await registry.blobInfo('acme/app', sha('hello world')), { digest: sha('hello world'), size: 11 });
      assert.equal(await text((await registry.readBlob('acme/app', sha('hello world'))).stream), 'hello world');
      assert.equal(await text((await registry.readBlob('acme/app', sha('hello world'), { start: 6, end: 8 })).stream), 'wor');
      assert.equal(await registry.blobInfo('other/app', sha('hello world')), undefined, 'blobs are per repository');
      await refused(registry.readBlob('other/app', sha('hello world')), 'BLOB_UNKNOWN', 404);
    });

    test('a wrong digest is refused and leaves nothing behind', async () => {
      await refused(registry.pushBlob('acme/app', sha('something else'), body('payload')), 'DIGEST_INVALID', 400);
      assert.ok(!blobFiles(registry).includes(sha('payload').slice(7)));
      assert.ok(!blobFiles(registry).includes(sha('something else').slice(7)));
      assert.deepEqual(leftovers(registry), []);
    });

    test('chunks must arrive at the current offset; a wrong digest at the end discards the upload', async () => {
      const session = await registry.startUpload('acme/app');
      assert.equal((await registry.appendUpload('acme/app', session.id, body('abc'), { start: 0, end: 2 })).offset, 3);
      await refused(registry.appendUpload('acme/app', session.id, body('xyz'), { start: 0, end: 2 }), 'BLOB_UPLOAD_INVALID', 416);
      await refused(registry.appendUpload('acme/app', session.id, body('xyz'), { start: 5, end: 7 }), 'BLOB_UPLOAD_INVALID', 416);
      assert.equal((await registry.uploadStatus('acme/app', session.id)).offset, 3);
      assert.equal((await registry.appendUpload('acme/app', session.id, body('def'), { start: 3 })).offset, 6);
      await refused(registry.finishUpload('acme/app', session.id, sha('abcdeX')), 'DIGEST_INVALID');
      await refused(registry.uploadStatus('acme/app', session.id), 'BLOB_UPLOAD_UNKNOWN', 404);
    });

    test('chunked upload with the last chunk in the closing request', async () => {
      const session = await registry.startUpload('acme/app');
      await registry.appendUpload('acme/app', session.id, body('abc'));
      const result = await registry.finishUpload('acme/app', session.id, sha('abcdef'), { body: body('def'), range: { start: 3, end: 5 } });
      assert.deepEqual(result, { digest: sha('abcdef'), size: 6 });
      assert.equal(await text((await registry.readBlob('acme/app', sha('abcdef'))).stream), 'abcdef');
      await refused(registry.uploadStatus('acme/app', session.id), 'BLOB_UPLOAD_UNKNOWN');
    });

    test('a truncated or overlong chunk is rolled back to the last complete one', async () => {
      const session = await registry.startUpload('acme/app');
      await registry.appendUpload('acme/app', session.id, body('abc'), { start: 0, end: 2 });
      await assert.rejects(registry.appendUpload('acme/app', session.id, broken('de'), { start: 3, end: 5 }), /connection reset/);
      assert.equal((await registry.uploadStatus('acme/app', session.id)).offset, 3);
      await refused(registry.appendUpload('acme/app', session.id, body('de'), { start: 3, end: 5 }), 'BLOB_UPLOAD_INVALID', 416);
      await refused(registry.appendUpload('acme/app', session.id, body('defg'), { start: 3, end: 5 }), 'BLOB_UPLOAD_INVALID', 416);
      assert.equal((await registry.uploadStatus('acme/app', session.id)).offset, 3);
      // The hash was rolled back too: the right bytes still give the right digest.
      await registry.appendUpload('acme/app', session.id, body('def'), { start: 3, end: 5 });
      assert.equal((await registry.finishUpload('acme/app', session.id, sha('abcdef'))).size, 6);
    });

    test('a blob over the size limit is refused and its upload discarded', async () => {
      const big = 'x'.repeat(65);
      await refused(registry.pushBlob('acme/app', sha(big), body(big)), 'SIZE_INVALID', 413);
      const session = await registry.startUpload('acme/app');
      await registry.appendUpload('acme/app', session.id, body('x'.repeat(60)));
      await refused(registry.appendUpload('acme/app', session.id, body('x'.repeat(10))), 'SIZE_INVALID', 413);
      await refused(registry.uploadStatus('acme/app', session.id), 'BLOB_UPLOAD_UNKNOWN');
      assert.ok(!blobFiles(registry).includes(sha(big).slice(7)));
      assert.deepEqual(leftovers(registry), []);
    });

    test('cancel, unknown sessions, names and digests', async () => {
      const session = await registry.startUpload('acme/app');
      await refused(registry.uploadStatus('other/app', session.id), 'BLOB_UPLOAD_UNKNOWN');
      await registry.cancelUpload('acme/app', session.id);
      await refused(registry.appendUpload('acme/app', session.id, body('a')), 'BLOB_UPLOAD_UNKNOWN');
      await refused(registry.uploadStatus('acme/app', '../../etc'), 'BLOB_UPLOAD_UNKNOWN');
      await refused(registry.startUpload('Acme/App'), 'NAME_INVALID', 400);
      await refused(registry.startUpload('acme//app'), 'NAME_INVALID');
      await refused(registry.startUpload('../acme'), 'NAME_INVALID');
      await refused(registry.blobInfo('acme/app', 'sha256:nothex'), 'DIGEST_INVALID');
      await refused(registry.blobInfo('acme/app', `sha512:${'a'.repeat(128)}`), 'UNSUPPORTED');
    });

    test('an upload survives a restart (its hash is rebuilt from disk)', async () => {
      const session = await registry.startUpload('acme/app');
      await registry.appendUpload('acme/app', session.id, body('resum'));
      const reopened = await Registry.open({ root: registry.root });
      assert.equal((await reopened.uploadStatus('acme/app', session.id)).offset, 5);
      await reopened.appendUpload('acme/app', session.id, body('ed'), { start: 5, end: 6 });
      assert.equal((await reopened.finishUpload('acme/app', session.id, sha('resumed'))).size, 7);
    });

    test('mount links a blob of another repository', async () => {
      await registry.pushBlob('acme/base', sha('shared'), body('shared'));
      assert.equal(await registry.mountBlob('acme/app2', sha('shared'), 'acme/nothere'), false);
      assert.equal(await registry.mountBlob('acme/app2', sha('absent'), 'acme/base'), false);
      assert.equal(await registry.mountBlob('acme/app2', sha('shared'), 'acme/base'), true);
      assert.equal((await registry.blobInfo('acme/app2', sha('shared')))?.size, 6);
      await registry.deleteBlob('acme/app2', sha('shared'));
      assert.equal(await registry.blobInfo('acme/app2', sha('shared')), undefined);
      assert.ok(await registry.blobInfo('acme/base', sha('shared')), 'other repositories keep it');
      await refused(registry.deleteBlob('acme/app2', sha('shared')), 'BLOB_UNKNOWN');
    });

    test('parallel pushes of the same blob all succeed and store it once', async () => {
      const data = 'same-bytes-'.repeat(5);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => registry.pushBlob(i % 2 ? 'acme/app' : 'acme/other', sha(data), body(data.slice(0, 20), data.slice(20)))),
      );
      assert.ok(results.every((r) => r.digest === sha(data) && r.size === data.length));
      assert.equal(await text((await registry.readBlob('acme/other', sha(data))).stream), data);
      assert.equal(blobFiles(registry).filter((hex) => hex === sha(data).slice(7)).length, 1);
      assert.deepEqual(leftovers(registry), []);
    });
  });

  describe('manifests', () => {
    let registry: Registry;
    before(async () => (registry = await open()));

    test('stores a manifest by tag, exactly as sent, and reads it by tag and digest', async () => {
      const image = await pushImage(registry, 'acme/app', 'one');
      const result = await registry.putManifest('acme/app', 'v1', image.manifest, mediaTypes.ociManifest);
      assert.deepEqual(result, { digest: image.digest });
      for (const reference of ['v1', image.digest]) {
        const stored = await registry.getManifest('acme/app', reference);
        assert.deepEqual(stored.bytes, image.manifest);
        assert.equal(stored.digest, image.digest);
        assert.equal(stored.mediaType, mediaTypes.ociManifest);
      }
      await refused(registry.getManifest('acme/app', 'v2'), 'MANIFEST_UNKNOWN', 404);
      await refused(registry.getManifest('acme/app', sha('nope')), 'MANIFEST_UNKNOWN');
    });

    test('refuses malformed manifests', async () => {
      const image = await pushImage(registry, 'acme/app', 'two');
      const put = (bytes: Buffer | string, type?: string, reference = 'bad') => registry.putManifest('acme/app', reference, Buffer.from(bytes), type);
      await refused(put('{not json'), 'MANIFEST_INVALID');
      await refused(put('[]'), 'MANIFEST_INVALID');
      const parsed = JSON.parse(image.manifest.toString()) as Record<string, unknown>;
      await refused(put(JSON.stringify({ ...parsed, schemaVersion: 1 })), 'MANIFEST_INVALID');
      await refused(put(image.manifest, mediaTypes.dockerManifest), 'MANIFEST_INVALID');
      await refused(put(JSON.stringify({ ...parsed, mediaType: 'application/x-unknown' })), 'MANIFEST_INVALID');
      await refused(put(JSON.stringify({ ...parsed, layers: [{ mediaType: 'x', digest: 'nope', size: 1 }] })), 'MANIFEST_INVALID');
      const missing = { mediaType: mediaTypes.ociLayerGzip, digest: sha('never pushed'), size: 12 };
      const error = await refused(put(JSON.stringify({ ...parsed, layers: [missing] })), 'MANIFEST_BLOB_UNKNOWN', 400);
      assert.deepEqual(error.details, { digest: missing.digest });
      const wrongSize = { mediaType: mediaTypes.ociLayerGzip, digest: sha(image.layer), size: image.layer.length + 1 };
      await refused(put(JSON.stringify({ ...parsed, layers: [wrongSize] })), 'MANIFEST_INVALID');
      await refused(put(image.manifest, mediaTypes.ociManifest, sha('other')), 'DIGEST_INVALID');
      await refused(put(image.manifest, mediaTypes.ociManifest, '-bad-tag'), 'MANIFEST_INVALID');
      const small = await open({ maxManifestSize: 100 });
      await refused(small.putManifest('acme/app', 'v1', image.manifest, mediaTypes.ociManifest), 'MANIFEST_INVALID', 413);
      await refused(registry.getManifest('acme/app', 'bad'), 'MANIFEST_UNKNOWN');
    });

    test('an index needs its child manifests; a put by digest stores no tag', async () => {
      const image = await pushImage(registry, 'acme/multi', 'child');
      const index = (digest: string) =>
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: mediaTypes.ociIndex,
            manifests: [{ mediaType: mediaTypes.ociManifest, digest, size: image.manifest.length, platform: { architecture: 'amd64', os: 'linux' } }],
          }),
        );
      await refused(registry.putManifest('acme/multi', 'latest', index(image.digest), mediaTypes.ociIndex), 'MANIFEST_BLOB_UNKNOWN');
      await registry.putManifest('acme/multi', image.digest, image.manifest, mediaTypes.ociManifest);
      assert.deepEqual((await registry.listTags('acme/multi')).tags, []);
      const { digest } = await registry.putManifest('acme/multi', 'latest', index(image.digest), mediaTypes.ociIndex);
      assert.equal((await registry.getManifest('acme/multi', 'latest')).digest, digest);
      assert.equal((await registry.getManifest('acme/multi', 'latest')).mediaType, mediaTypes.ociIndex);
    });

    test('tags and catalog are sorted and paginated', async () => {
      const image = await pushImage(registry, 'a/b/c', 'tags');
      for (const tag of ['v2', 'v1', 'latest', 'V3']) await registry.putManifest('a/b/c', tag, image.manifest, mediaTypes.ociManifest);
      assert.deepEqual(await registry.listTags('a/b/c'), { name: 'a/b/c', tags: ['V3', 'latest', 'v1', 'v2'], more: false });
      assert.deepEqual(await registry.listTags('a/b/c', { n: 2 }), { name: 'a/b/c', tags: ['V3', 'latest'], more: true });
      assert.deepEqual(await registry.listTags('a/b/c', { n: 2, last: 'latest' }), { name: 'a/b/c', tags: ['v1', 'v2'], more: false });
      assert.deepEqual((await registry.listTags('a/b/c', { n: 0 })).tags, []);
      await refused(registry.listTags('a/b'), 'NAME_UNKNOWN', 404);
      const all = (await registry.catalog()).repositories;
      assert.deepEqual(all, [...all].sort());
      assert.ok(all.includes('a/b/c') && all.includes('acme/app') && !all.includes('a/b'));
      const first = await registry.catalog({ n: 1 });
      assert.equal(first.repositories.length, 1);
      assert.equal(first.more, true);
      assert.deepEqual((await registry.catalog({ last: first.repositories[0]! })).repositories, all.slice(1));
    });

    test('deletes by tag remove the tag; by digest the manifest and its tags', async () => {
      const image = await pushImage(registry, 'acme/del', 'del');
      await registry.putManifest('acme/del', 'one', image.manifest, mediaTypes.ociManifest);
      await registry.putManifest('acme/del', 'two', image.manifest, mediaTypes.ociManifest);
      await registry.deleteManifest('acme/del', 'one');
      await refused(registry.getManifest('acme/del', 'one'), 'MANIFEST_UNKNOWN');
      assert.equal((await registry.getManifest('acme/del', 'two')).digest, image.digest);
      await registry.deleteManifest('acme/del', image.digest);
      await refused(registry.getManifest('acme/del', 'two'), 'MANIFEST_UNKNOWN');
      await refused(registry.getManifest('acme/del', image.digest), 'MANIFEST_UNKNOWN');
      assert.deepEqual((await registry.listTags('acme/del')).tags, []);
      await refused(registry.deleteManifest('acme/del', image.digest), 'MANIFEST_UNKNOWN');
      await refused(registry.deleteManifest('acme/del', 'one'), 'MANIFEST_UNKNOWN');
    });

    test('referrers list manifests whose subject is a digest, filtered by artifactType', async () => {
      const target = await pushImage(registry, 'acme/ref', 'target');
      await registry.putManifest('acme/ref', 'v1', target.manifest, mediaTypes.ociManifest);
      const subject = { mediaType: mediaTypes.ociManifest, digest: target.digest, size: target.manifest.length };
      const sbom = await pushImage(registry, 'acme/ref', 'sbom', { artifactType: 'application/spdx+json', subject, annotations: { kind: 'sbom' } });
      const sig = await pushImage(registry, 'acme/ref', 'sig', { subject });
      assert.deepEqual(await registry.putManifest('acme/ref', sbom.digest, sbom.manifest, mediaTypes.ociManifest), { digest: sbom.digest, subject: target.digest });
      await registry.putManifest('acme/ref', sig.digest, sig.manifest, mediaTypes.ociManifest);
      const all = await registry.referrers('acme/ref', target.digest);
      assert.equal(all.length, 2);
      const bySbom = all.find((d) => d.digest === sbom.digest);
      assert.deepEqual(bySbom, { mediaType: mediaTypes.ociManifest, digest: sbom.digest, size: sbom.manifest.length, artifactType: 'application/spdx+json', annotations: { kind: 'sbom' } });
      assert.equal(all.find((d) => d.digest === sig.digest)?.artifactType, mediaTypes.ociConfig, 'falls back to the config media type');
      assert.deepEqual(
        (await registry.referrers('acme/ref', target.digest, 'application/spdx+json')).map((d) => d.digest),
        [sbom.digest],
      );
      assert.deepEqual(await registry.referrers('acme/ref', sbom.digest), []);
      assert.deepEqual(await registry.referrers('acme/none', target.digest), []);
      await refused(registry.referrers('acme/ref', 'sha256:zz'), 'DIGEST_INVALID');
    });
  });

  describe('garbage collection', () => {
    test('keeps what manifests reference and removes the rest, old uploads included', async () => {
      let now = Date.now();
      const registry = await open({ clock: { now: () => now } });
      const kept = await pushImage(registry, 'acme/app', 'kept');
      await registry.putManifest('acme/app', 'v1', kept.manifest, mediaTypes.ociManifest);
      const dropped = await pushImage(registry, 'acme/app', 'dropped');
      await registry.putManifest('acme/app', 'v2', dropped.manifest, mediaTypes.ociManifest);
      await registry.deleteManifest('acme/app', dropped.digest);
      await registry.pushBlob('acme/app', sha('loose'), body('loose'));
      const session = await registry.startUpload('acme/app');
      await registry.appendUpload('acme/app', session.id, body('abandoned'));

      // Within the grace period nothing unreferenced goes: its manifest may be on its way.
      const early = await registry.collectGarbage();
      assert.equal(early.blobsRemoved, 0);
      assert.equal(early.uploadsRemoved, 0);

      now += 25 * 60 * 60 * 1000;
      const report = await registry.collectGarbage();
      assert.equal(report.blobsRemoved, 4, 'dropped manifest, its config and layer, the loose blob');
      assert.equal(report.blobsKept, 3);
      assert.equal(report.uploadsRemoved, 1);
      assert.deepEqual(blobFiles(registry).sort(), [kept.digest, sha(kept.config), sha(kept.layer)].map((d) => d.slice(7)).sort());
      assert.deepEqual((await registry.getManifest('acme/app', 'v1')).bytes, kept.manifest);
      assert.ok(await registry.blobInfo('acme/app', sha(kept.layer)));
      assert.equal(await registry.blobInfo('acme/app', sha('loose')), undefined);
      assert.ok(!existsSync(join(registry.root, 'repositories', 'acme', 'app', '_layers', 'sha256', sha('loose').slice(7))), 'dangling link removed');
      await refused(registry.uploadStatus('acme/app', session.id), 'BLOB_UPLOAD_UNKNOWN');
    });

    test('runs safely alongside pushes', async () => {
      const registry = await open();
      const images = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const image = await pushImage(registry, 'acme/busy', `busy-${i}`);
          await registry.putManifest('acme/busy', `t${i}`, image.manifest, mediaTypes.ociManifest);
          return image;
        }).concat([registry.collectGarbage().then(() => undefined as never)]),
      );
      await registry.collectGarbage();
      for (const [i, image] of images.entries()) {
        if (!image) continue;
        assert.deepEqual((await registry.getManifest('acme/busy', `t${i}`)).bytes, image.manifest);
        assert.ok(await registry.blobInfo('acme/busy', sha(image.layer)));
      }
    });
  });
});
