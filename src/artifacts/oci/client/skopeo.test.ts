import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import tar from 'tar-stream';
import { DistributionRegistry } from '../../../../test/helpers/distribution.ts';
import { mediaTypes, type ImageManifest, type RegistryClient } from '../types.ts';
import { digestOf } from './digest.ts';
import { createRegistryClient } from './index.ts';

const run = promisify(execFile);

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mtime: new Date(0), mode: 0o644 }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function skopeo(...args: string[]): Promise<{ stdout: string }> {
  return run('skopeo', ['--insecure-policy', ...args], { maxBuffer: 16 * 1024 * 1024 });
}

describe('registry client interoperating with skopeo', () => {
  let registry: DistributionRegistry;
  let client: RegistryClient;
  let dir: string;
  /** The image the client pushes as acme/app:1-main-abcdef12 before the tests. */
  let image: { bytes: Buffer; digest: string; layer: Buffer };

  before(async () => {
    registry = await DistributionRegistry.start();
    client = createRegistryClient({ registry: registry.host });
    dir = mkdtempSync(join(tmpdir(), 'tl-oci-skopeo-'));
    const diff = await tarOf({ 'app/hello.txt': 'hello from trunkline\n' });
    const layer = gzipSync(diff);
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['/app/hello.txt'], Labels: { 'org.opencontainers.image.revision': 'abcdef1234567890' } },
        rootfs: { type: 'layers', diff_ids: [digestOf(diff)] },
      }),
    );
    await client.pushBlob('acme/app', { bytes: config });
    await client.pushBlob('acme/app', { bytes: layer }, { chunkSize: 100 });
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: digestOf(config), size: config.length },
      layers: [{ mediaType: mediaTypes.ociLayerGzip, digest: digestOf(layer), size: layer.length }],
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = await client.putManifest('acme/app', '1-main-abcdef12', bytes, mediaTypes.ociManifest);
    image = { bytes, digest, layer };
  });
  after(async () => {
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an image pushed by the client is inspected and copied by skopeo, and the copy read back by the client', async () => {
    const { bytes, digest, layer } = image;
    const source = `docker://${registry.host}/acme/app:1-main-abcdef12`;
    const raw = await skopeo('inspect', '--tls-verify=false', '--raw', source);
    assert.deepEqual(Buffer.from(raw.stdout), bytes);
    const inspected = JSON.parse((await skopeo('inspect', '--tls-verify=false', source)).stdout) as { Digest: string; Labels: Record<string, string>; Layers: string[] };
    assert.equal(inspected.Digest, digest);
    assert.equal(inspected.Labels['org.opencontainers.image.revision'], 'abcdef1234567890');
    assert.deepEqual(inspected.Layers, [digestOf(layer)]);

    const layout = join(dir, 'layout');
    await skopeo('copy', '--src-tls-verify=false', source, `oci:${layout}:v1`);
    assert.deepEqual(readFileSync(join(layout, 'blobs', 'sha256', digestOf(layer).slice(7))), layer);
    assert.deepEqual(readFileSync(join(layout, 'blobs', 'sha256', digest.slice(7))), bytes);

    await skopeo('copy', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${registry.host}/acme/copied:v1`);
    const copied = await client.getManifest('acme/copied', 'v1');
    assert.equal(copied.digest, digest);
    assert.equal(copied.mediaType, mediaTypes.ociManifest);
    assert.deepEqual(await client.getBlob('acme/copied', digestOf(layer)), layer);
    assert.deepEqual(await client.listTags('acme/copied'), ['v1']);
  });

  test('an image pushed by skopeo in Docker format is read by the client', async () => {
    await skopeo('copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--format', 'v2s2', `docker://${registry.host}/acme/app:1-main-abcdef12`, `docker://${registry.host}/acme/docker-format:v1`);
    const fetched = await client.getManifest('acme/docker-format', 'v1');
    assert.equal(fetched.mediaType, mediaTypes.dockerManifest);
    const parsed = JSON.parse(fetched.bytes.toString()) as ImageManifest;
    assert.equal(parsed.layers[0]?.mediaType, mediaTypes.dockerLayerGzip);
    const config = await client.getBlob('acme/docker-format', parsed.config.digest);
    assert.equal((JSON.parse(config.toString()) as { config: { Labels: Record<string, string> } }).config.Labels['org.opencontainers.image.revision'], 'abcdef1234567890');
    assert.deepEqual(await client.headManifest('acme/docker-format', 'v1'), { digest: fetched.digest, mediaType: mediaTypes.dockerManifest, size: fetched.bytes.length });
  });
});
