import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DistributionRegistry } from '../../../../test/helpers/distribution.ts';
import { createRegistryClient } from '../../oci/client/index.ts';
import type { RegistryClient } from '../../oci/types.ts';
import { buildImage } from '../build.ts';
import { buildLayer } from '../layer.ts';
import { buildFromDockerfile, type DockerfileBuildOptions } from './build.ts';
import { findContainerBuilder } from './container-builder.ts';

const created = new Date('2024-06-01T08:00:00Z');
const revision = 'abcdef0123456789abcdef0123456789abcdef01';

let registry: DistributionRegistry;
let client: RegistryClient;
let work: string;
let counter = 0;

before(async () => {
  registry = await DistributionRegistry.start();
  client = createRegistryClient({ registry: registry.host });
  work = mkdtempSync(join(tmpdir(), 'tl-dockerfile-test-'));
});
after(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

function context(files: Record<string, string>): string {
  const dir = join(work, `ctx-${counter++}`);
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

function options(dir: string, extra: Partial<DockerfileBuildOptions> = {}): DockerfileBuildOptions {
  return { context: dir, repository: 'acme/df', tag: `t${counter++}`, revision, created, client, containerBuilder: undefined, ...extra };
}

async function configOf(tag: string, repository = 'acme/df') {
  const manifest = JSON.parse((await client.getManifest(repository, tag)).bytes.toString());
  return { manifest, config: JSON.parse((await client.getBlob(repository, manifest.config.digest)).toString()) };
}

describe('buildFromDockerfile', () => {
  it('builds the supported subset daemonlessly, honouring .dockerignore', async () => {
    const dir = context({
      Dockerfile: [
        'ARG BASE=scratch',
        'FROM $BASE',
        'ARG GREETING=hi',
        'ENV GREETING=$GREETING',
        'WORKDIR /app',
        'COPY --chown=1000:1000 src/ ./',
        'ADD notes.txt /doc/',
        'EXPOSE 8080',
        'LABEL team=core',
        'ENTRYPOINT ["/app/run.sh"]',
      ].join('\n'),
      '.dockerignore': 'src/secret*\n**/*.log\n',
      'src/run.sh': '#!/bin/sh\necho "$GREETING from dockerfile"\n',
      'src/secret.key': 'nope',
      'src/debug.log': 'nope',
      'notes.txt': 'notes',
    });
    chmodSync(join(dir, 'src/run.sh'), 0o755);
    const result = await buildFromDockerfile(options(dir, { buildArgs: { GREETING: 'hello' }, extraTags: ['latest'] }));
    assert.equal(result.builder, 'daemonless');
    assert.deepEqual(result.tags.slice(1), ['latest']);
    const { manifest, config } = await configOf(result.tags[0]!);
    assert.equal(manifest.layers.length, 2);
    assert.deepEqual(config.config.Entrypoint, ['/app/run.sh']);
    assert.deepEqual(config.config.Env, ['GREETING=hello']);
    assert.equal(config.config.WorkingDir, '/app');
    assert.equal(config.config.Labels.team, 'core');
    assert.equal(config.config.Labels['org.opencontainers.image.revision'], revision);
    assert.equal(config.history.length, 8);

    const layout = join(work, 'df-layout');
    execFileSync('skopeo', ['copy', '--src-tls-verify=false', `docker://${result.reference}`, `oci:${layout}`], { stdio: 'pipe' });
    const listing = execFileSync('tar', ['-tvzf', join(layout, 'blobs', ...manifest.layers[0].digest.split(':'))]).toString();
    assert.match(listing, /-rwxr-xr-x 1000\/1000 .* app\/run\.sh/);
    assert.doesNotMatch(listing, /secret|debug\.log/);
    const root = join(work, 'df-root');
    mkdirSync(root);
    for (const layer of manifest.layers) execFileSync('tar', ['-xzf', join(layout, 'blobs', ...layer.digest.split(':')), '-C', root]);
    assert.equal(readFileSync(join(root, 'doc/notes.txt'), 'utf8'), 'notes');
    assert.equal(execFileSync('sh', [join(root, 'app/run.sh')], { env: { GREETING: 'hello' } }).toString(), 'hello from dockerfile\n');

    // Rebuilding the same inputs gives the same image.
    const again = await buildFromDockerfile(options(dir, { buildArgs: { GREETING: 'hello' } }));
    assert.equal(again.digest, result.digest);
  });

  it('refuses sources outside the context, ignored sources, archives for ADD and RUN without a builder', async () => {
    const outside = join(work, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'x'), 'x');
    const cases: [Record<string, string>, RegExp][] = [
      [{ Dockerfile: 'FROM scratch\nCOPY ../outside/x /x' }, /Dockerfile:2: COPY source \.\.\/outside\/x is outside the build context/],
      [{ Dockerfile: 'FROM scratch\nCOPY secret /x', secret: 's', '.dockerignore': 'secret' }, /Dockerfile:2: COPY source secret is excluded by \.dockerignore/],
      [{ Dockerfile: 'FROM scratch\nCOPY missing /x' }, /Dockerfile:2: COPY source missing not found/],
      [{ Dockerfile: 'FROM scratch\nCOPY *.none /x/' }, /Dockerfile:2: COPY source \*\.none matches no file/],
      [{ Dockerfile: 'FROM scratch\n\nRUN make' }, /Dockerfile:3: RUN is not supported by the daemonless builder/],
    ];
    for (const [files, expected] of cases) await assert.rejects(buildFromDockerfile(options(context(files))), expected);

    const linked = context({ Dockerfile: 'FROM scratch\nCOPY link/x /x' });
    symlinkSync(outside, join(linked, 'link'));
    await assert.rejects(buildFromDockerfile(options(linked)), /Dockerfile:2: COPY source link\/x resolves outside the build context/);

    const archive = context({ Dockerfile: 'FROM scratch\nADD app.tgz /app/' });
    writeFileSync(join(archive, 'app.tgz'), gzipSync('data'));
    await assert.rejects(buildFromDockerfile(options(archive)), /Dockerfile:2: ADD app\.tgz: the daemonless builder does not extract archives/);
  });

  it('builds FROM an image in the registry, inheriting its settings', async () => {
    const src = context({ 'bin/tool': '#!/bin/sh\necho tool\n' });
    const layer = await buildLayer([{ from: src, to: '/opt' }], { mtime: created, output: join(work, 'base.tar.gz') });
    await buildImage(
      { base: 'scratch', repository: 'acme/base', tag: '1', layers: [layer], settings: { env: { PATH: '/opt/bin' }, workingDir: '/opt' }, revision, created },
      { client },
    );
    const dir = context({ Dockerfile: `FROM ${registry.host}/acme/base:1\nENV PATH=$PATH:/app\nCOPY a.txt rel/\n`, 'a.txt': 'a' });
    const result = await buildFromDockerfile(options(dir));
    const { manifest, config } = await configOf(result.tags[0]!);
    assert.equal(manifest.layers[0].digest, layer.digest);
    assert.deepEqual(config.config.Env, ['PATH=/opt/bin:/app']);
    assert.equal(result.baseLayers?.mounted, 1);
    const listing = execFileSync('tar', ['-tzf', '-'], { input: await client.getBlob('acme/df', manifest.layers[1].digest) }).toString();
    assert.match(listing, /^opt\/rel\/a\.txt$/m);
  });

  it('builds a Dockerfile with RUN through buildah when it is installed', async (t) => {
    const builder = await findContainerBuilder();
    if (builder?.name !== 'buildah') {
      t.skip('buildah is not installed');
      return;
    }
    // No internet: the base image is the host's /bin/sh and the libraries it loads, pushed to the local registry.
    const libs = execFileSync('ldd', ['/bin/sh']).toString().match(/\/\S+/g) ?? [];
    const entries = ['/bin/sh', ...libs].map((path) => ({ from: realpathSync(path), to: path }));
    const layer = await buildLayer(entries, { mtime: created, output: join(work, 'sh.tar.gz') });
    await buildImage({ base: 'scratch', repository: 'acme/sh', tag: '1', layers: [layer], revision, created }, { client });

    const dir = context({
      Dockerfile: `FROM ${registry.host}/acme/sh:1\nARG WHO=nobody\nRUN echo "built by $WHO" > /built.txt\nCMD ["/bin/sh", "-c", "read line < /built.txt; echo $line"]\n`,
    });
    const result = await buildFromDockerfile(options(dir, { containerBuilder: builder, buildArgs: { WHO: 'buildah' }, extraTags: ['run-latest'] }));
    assert.equal(result.builder, 'buildah');
    assert.equal((await client.headManifest('acme/df', 'run-latest'))?.digest, result.digest);
    const { manifest, config } = await configOf(result.digest);
    assert.equal(config.config.Labels['org.opencontainers.image.revision'], revision);
    assert.deepEqual(config.config.Cmd, ['/bin/sh', '-c', 'read line < /built.txt; echo $line']);
    const last = await client.getBlob('acme/df', manifest.layers.at(-1).digest);
    const root = join(work, 'run-root');
    mkdirSync(root);
    execFileSync('tar', ['-xzf', '-', '-C', root], { input: last });
    assert.equal(readFileSync(join(root, 'built.txt'), 'utf8'), 'built by buildah\n');
  });
});
