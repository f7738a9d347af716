import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mediaTypes } from '../oci/types.ts';
import { RegistryError } from './errors.ts';
import { parseManifest, referrerDescriptor } from './manifest.ts';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const image = { schemaVersion: 2, config: { mediaType: mediaTypes.dockerConfig, digest: digest('a'), size: 3 }, layers: [{ mediaType: mediaTypes.dockerLayerGzip, digest: digest('b'), size: 4 }] };
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

test('the media type comes from the body, else Content-Type (parameters ignored), else the shape', () => {
  assert.equal(parseManifest(bytes({ ...image, mediaType: mediaTypes.dockerManifest })).mediaType, mediaTypes.dockerManifest);
  assert.equal(parseManifest(bytes(image), `${mediaTypes.dockerManifest}; charset=utf-8`).mediaType, mediaTypes.dockerManifest);
  assert.equal(parseManifest(bytes(image)).mediaType, mediaTypes.ociManifest);
  assert.equal(parseManifest(bytes({ schemaVersion: 2, manifests: [] })).kind, 'index');
  assert.equal(parseManifest(bytes({ schemaVersion: 2, manifests: [] }), mediaTypes.dockerManifestList).mediaType, mediaTypes.dockerManifestList);
});

test('references are read from image manifests and indexes', () => {
  const parsed = parseManifest(bytes(image), mediaTypes.dockerManifest);
  assert.deepEqual(parsed.blobs.map((d) => d.digest), [digest('a'), digest('b')]);
  assert.deepEqual(parsed.manifests, []);
  const index = parseManifest(bytes({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [{ mediaType: mediaTypes.ociManifest, digest: digest('c'), size: 9 }] }));
  assert.deepEqual(index.manifests.map((d) => d.digest), [digest('c')]);
  assert.deepEqual(index.blobs, []);
});

test('inconsistent or incomplete manifests are refused with the field named', () => {
  const invalid = (value: unknown, type?: string) =>
    assert.throws(
      () => parseManifest(Buffer.isBuffer(value) ? value : bytes(value), type),
      (e: unknown) => e instanceof RegistryError && e.registryCode === 'MANIFEST_INVALID',
    );
  invalid(Buffer.from('nope'));
  invalid({ ...image, mediaType: mediaTypes.ociManifest }, mediaTypes.dockerManifest);
  invalid({ ...image, schemaVersion: 1 });
  invalid({ schemaVersion: 2 });
  invalid({ ...image, mediaType: mediaTypes.ociIndex });
  assert.throws(() => parseManifest(bytes({ ...image, layers: [{ mediaType: 'x', digest: digest('b'), size: -1 }] })), /layers\.0\.size/);
});

test('a referrer descriptor carries artifactType (or the config media type) and annotations', () => {
  const parsed = parseManifest(bytes({ ...image, annotations: { a: 'b' } }));
  assert.deepEqual(referrerDescriptor(parsed, digest('d'), 10), {
    mediaType: mediaTypes.ociManifest,
    digest: digest('d'),
    size: 10,
    artifactType: mediaTypes.dockerConfig,
    annotations: { a: 'b' },
  });
  const index = parseManifest(bytes({ schemaVersion: 2, manifests: [] }));
  assert.equal(referrerDescriptor(index, digest('e'), 5).artifactType, undefined);
});
