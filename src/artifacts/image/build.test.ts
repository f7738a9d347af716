import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DistributionRegistry } from '../../../test/helpers/distribution.ts';
import { createRegistryClient, parseReference } from '../oci/client/index.ts';
import type { ImageManifest, RegistryClient } from '../oci/types.ts';
import { buildImage } from './build.ts';
import { buildLayer } from './layer.ts';

const created = new Date('2024-05-01T12:00:00Z');
const sha = '0123456789abcdef0123456789abcdef01234567';

let registry: DistributionRegistry;
let client: RegistryClient;
let work: string;

before(async () => {
  registry = await DistributionRegistry.start();
  client = createRegistryClient({ registry: registry.host });
  work = mkdtempSync(join(tmpdir(), 'tl-image-test-'));
});
after(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Pulls with skopeo into an OCI layout and unpacks the layers in order into a root folder. */
interface PulledConfig {
  created: string;
  architecture: string;
  os: string;
  config: { Entrypoint: string[]; Cmd?: string[]; Env: string[]; ExposedPorts?: object; User?: string; Labels: Record<string, string> };
  rootfs: { diff_ids: string[] };
  history: object[];
}

function pullAndUnpack(reference: string, name: string): { root: string; config: PulledConfig; manifest: ImageManifest & { annotations: Record<string, string> } } {
  const layout = join(work, `${name}-layout`);
  const root = join(work, `${name}-root`);
  mkdirSync(root);
  execFileSync('skopeo', ['copy', '--src-tls-verify=false', `docker://${reference}`, `oci:${layout}`], { stdio: 'pipe' });
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const blob = (digest: string) => join(layout, 'blobs', ...digest.split(':'));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
  for (const layer of manifest.layers) execFileSync('tar', ['-xzf', blob(layer.digest), '-C', root]);
  return { root, config: JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8')), manifest };
}

function appLayer(name: string, line: string) {
  const src = join(work, name);
  mkdirSync(join(src, 'bin'), { recursive: true });
  writeFileSync(join(src, 'bin', 'hello'), `#!/bin/sh\necho "${line} $GREETING"\n`);
  chmodSync(join(src, 'bin', 'hello'), 0o755);
  return buildLayer([{ from: src, to: '/app' }], { mtime: created, output: join(work, `${name}.tar.gz`) });
}

describe('buildImage against the distribution registry', () => {
  it('pushes a scratch image whose entrypoint runs once unpacked', async () => {
    const layer = await appLayer('scratch-src', 'hello from');
    const tag = `7-main-${sha.slice(0, 8)}`;
    const pushed = await buildImage(
      {
        base: 'scratch',
        repository: 'acme/hello',
        tag,
        extraTags: ['latest'],
        layers: [{ ...layer, createdBy: 'COPY app /app' }],
        settings: {
          entrypoint: ['/app/bin/hello'],
          env: { GREETING: 'trunkline' },
          workingDir: '/app',
          user: '1000:1000',
          exposedPorts: ['8080'],
          labels: { team: 'core' },
        },
        revision: sha,
        source: 'https://git.example.com/acme/hello',
        created,
      },
      { client },
    );
    assert.equal(pushed.reference, `${registry.host}/acme/hello:${tag}`);
    assert.deepEqual(pushed.tags, [tag, 'latest']);
    assert.deepEqual((await client.listTags('acme/hello')).sort(), [tag, 'latest'].sort());
    assert.equal((await client.headManifest('acme/hello', 'latest'))?.digest, pushed.digest);

    const { root, config, manifest } = pullAndUnpack(pushed.reference, 'scratch');
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(manifest.config.digest, pushed.configDigest);
    assert.equal(config.created, '2024-05-01T12:00:00Z');
    assert.equal(config.architecture, 'amd64');
    assert.equal(config.os, 'linux');
    assert.deepEqual(config.rootfs.diff_ids, [layer.diffId]);
    assert.deepEqual(config.config.Entrypoint, ['/app/bin/hello']);
    assert.deepEqual(config.config.Env, ['GREETING=trunkline']);
    assert.deepEqual(config.config.ExposedPorts, { '8080/tcp': {} });
    assert.equal(config.config.User, '1000:1000');
    assert.deepEqual(config.config.Labels, {
      'org.opencontainers.image.created': '2024-05-01T12:00:00Z',
      'org.opencontainers.image.revision': sha,
      'org.opencontainers.image.source': 'https://git.example.com/acme/hello',
      team: 'core',
    });
    assert.deepEqual(config.history, [{ created: '2024-05-01T12:00:00Z', created_by: 'COPY app /app' }]);

    // Run the entrypoint as a runtime would: inside the unpacked root, with the image's environment.
    const entry = join(root, config.config.Entrypoint[0]!);
    const env = Object.fromEntries(config.config.Env.map((e) => e.split('=')));
    const output = execFileSync('sh', [entry], { env: { ...env, PATH: process.env.PATH } }).toString();
    assert.equal(output, 'hello from trunkline\n');

    // Same inputs, same image.
    const again = await buildImage(
      { base: 'scratch', repository: 'acme/hello', tag: 'again', layers: [{ ...layer, createdBy: 'COPY app /app' }], settings: {
          entrypoint: ['/app/bin/hello'],
          env: { GREETING: 'trunkline' },
          workingDir: '/app',
          user: '1000:1000',
          exposedPorts: ['8080'],
          labels: { team: 'core' },
        }, revision: sha, source: 'https://git.example.com/acme/hello', created },
      { client },
    );
    assert.equal(again.digest, pushed.digest);
  });

  it('builds on a base image: layers reused by mount or copy, config inherited', async () => {
    const baseLayer = await appLayer('base-src', 'base says');
    const base = await buildImage(
      {
        base: 'scratch',
        repository: 'acme/base',
        tag: '1',
        layers: [baseLayer],
        settings: { env: { GREETING: 'base', KEEP: 'yes' }, cmd: ['/app/bin/hello'], labels: { tier: 'base' } },
        revision: sha,
        created,
      },
      { client },
    );
    const confDir = join(work, 'conf');
    mkdirSync(confDir);
    writeFileSync(join(confDir, 'app.conf'), 'x=1\n');
    const top = await buildLayer([{ from: join(confDir, 'app.conf'), to: '/etc/app.conf' }], {
      mtime: created,
      output: join(work, 'top.tar.gz'),
    });
    const revision = 'fedcba9876543210fedcba9876543210fedcba98';
    const child = await buildImage(
      {
        base: parseReference(`${registry.host}/acme/base:1`),
        repository: 'acme/child',
        tag: '2-main-fedcba98',
        layers: [top],
        settings: { env: { GREETING: 'child' } },
        revision,
        created,
      },
      { client },
    );
    assert.deepEqual(child.baseLayers, { present: 0, mounted: 1, copied: 0 });
    const { root, config, manifest } = pullAndUnpack(child.reference, 'child');
    assert.deepEqual(
      manifest.layers.map((l) => l.digest),
      [baseLayer.digest, top.digest],
    );
    assert.equal(manifest.annotations['org.opencontainers.image.base.digest'], base.digest);
    assert.deepEqual(config.rootfs.diff_ids, [baseLayer.diffId, top.diffId]);
    assert.deepEqual(config.config.Env, ['GREETING=child', 'KEEP=yes']);
    assert.deepEqual(config.config.Cmd, ['/app/bin/hello']);
    assert.equal(config.config.Labels.tier, 'base');
    assert.equal(config.config.Labels['org.opencontainers.image.revision'], revision);
    assert.equal(config.history.length, 2);
    assert.equal(readFileSync(join(root, 'etc', 'app.conf'), 'utf8'), 'x=1\n');
    assert.equal(execFileSync('sh', [join(root, 'app/bin/hello')], { env: { GREETING: 'child' } }).toString(), 'base says child\n');

    // From another registry: blobs are copied one by one.
    const other = await DistributionRegistry.start();
    try {
      const target = createRegistryClient({ registry: other.host });
      const copied = await buildImage(
        { base: parseReference(`${registry.host}/acme/child:2-main-fedcba98`), repository: 'copy/app', tag: '3', layers: [], revision, created },
        { client: target, baseClient: client },
      );
      assert.ok(await target.hasBlob('copy/app', baseLayer.digest));
      assert.ok(await target.hasBlob('copy/app', top.digest));
      const fetched = JSON.parse((await target.getManifest('copy/app', '3')).bytes.toString());
      assert.equal(fetched.layers.length, 2);
      assert.equal(copied.baseDigest, child.digest);
      assert.deepEqual(copied.baseLayers, { present: 0, mounted: 0, copied: 2 });
    } finally {
      await other.stop();
    }
  });

  it('resolves an image index to its linux/amd64 manifest', async () => {
    const amd64 = await client.headManifest('acme/base', '1');
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amd64!.digest, size: amd64!.size, platform: { architecture: 'amd64', os: 'linux' } },
        ],
      }),
    );
    await client.putManifest('acme/base', 'multi', index, 'application/vnd.oci.image.index.v1+json');
    const pushed = await buildImage(
      { base: parseReference(`${registry.host}/acme/base:multi`), repository: 'acme/base', tag: 'from-index', layers: [], revision: sha, created },
      { client },
    );
    assert.equal(pushed.baseDigest, amd64!.digest);
    assert.deepEqual(pushed.baseLayers, { present: 1, mounted: 0, copied: 0 });
    await assert.rejects(
      buildImage(
        { base: parseReference(`${registry.host}/acme/base:multi`), repository: 'acme/x', tag: 'arm', layers: [], revision: sha, created, platform: { architecture: 'arm64', os: 'linux' } },
        { client },
      ),
      /no linux\/arm64 manifest/,
    );
  });
});
