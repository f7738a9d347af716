import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer, type RunningServer } from '../src/server/index.ts';
import { api } from './helpers/api.ts';
import { GitClient, withCredentials } from './helpers/git-client.ts';
import { toolPath } from './helpers/tools.ts';
import { waitFor } from './helpers/wait.ts';

const run = promisify(execFile);
const trivyReport = readFileSync(new URL('../src/artifacts/scan/fixtures/trivy-image.json', import.meta.url), 'utf8');

const pipeline = `
kind: pipeline
type: exec
name: release
steps:
- name: image
  commands:
  - trunkline image build --extra-tag latest
- name: chart
  commands:
  - trunkline chart package deploy/values.yaml --push --output dist
- name: scan
  commands:
  - trunkline scan --report trivy.json --policy policy.yaml
`;

interface Artifact {
  kind: string;
  reference: string;
  digest: string;
  tags: string[];
}

describe('a trunk build ends in an image and a chart in the built-in registry, scanned', () => {
  const work = mkdtempSync(join(tmpdir(), 'tl-artifacts-'));
  let server: RunningServer;
  let call: ReturnType<typeof api>;
  let client: GitClient;
  let host: string;

  before(async () => {
    server = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0' }), silentLogger);
    host = new URL(server.url).host;
    call = api(server.url, server.adminToken);
    const { body } = await call<{ httpUrl: string }>('POST', '/api/repos', { namespace: 'acme', name: 'app' });
    client = await GitClient.init();
    await client.git('remote', 'add', 'origin', withCredentials(body.httpUrl, 'admin', server.adminToken!));
  });
  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
    if (client) rmSync(client.dir, { recursive: true, force: true });
  });

  const finished = (number: number) =>
    waitFor(async () => {
      const detail = (await call<{ build: { status: string; commitSha: string } }>('GET', `/api/repos/acme/app/builds/${number}`)).body;
      return ['success', 'failure', 'error'].includes(detail.build.status) && detail;
    }, `build #${number}`, 120_000);
  const log = async (number: number, step: number) =>
    (await call<{ out: string }[]>('GET', `/api/repos/acme/app/builds/${number}/logs/1/${step}`)).body.map((l) => l.out).join('\n');

  test('image, chart and a passing verdict are recorded; real clients read them back', async () => {
    const sha = await client.commit({
      '.drone.yml': pipeline,
      Dockerfile: 'FROM scratch\nCOPY app.sh /app/run.sh\nENV GREETING=hello\nENTRYPOINT ["/app/run.sh"]\n',
      'app.sh': '#!/bin/sh\necho "$GREETING from the image"\n',
      'deploy/values.yaml': `image:\n  repository: ${host}/acme/app\nports:\n  - name: http\n    containerPort: 8080\n`,
      'trivy.json': trivyReport,
      'policy.yaml': 'failOn: critical\nignoreUnfixed: true\nallow:\n  - id: CVE-2024-5535\n    reason: the service never loads OpenSSL\n    expires: 2099-01-01\n',
    });
    await client.git('push', '-q', 'origin', 'main');
    const done = await finished(1);
    assert.equal(done.build.status, 'success', `${await log(1, 2)}\n${await log(1, 3)}\n${await log(1, 4)}`);

    const artifacts = (await call<Artifact[]>('GET', '/api/repos/acme/app/builds/1/artifacts')).body;
    const image = artifacts.find((a) => a.kind === 'image')!;
    const chart = artifacts.find((a) => a.kind === 'chart')!;
    const tag = `1-main-${sha.slice(0, 8)}`;
    assert.equal(image.reference, `${host}/acme/app`);
    assert.deepEqual(image.tags, [tag, 'latest']);
    assert.equal(chart.reference, `${host}/charts/app`);
    assert.deepEqual(chart.tags, ['0.1.1']);

    const verdict = (await call<{ passed: boolean }>('GET', `/api/verdicts/${image.digest}`)).body;
    assert.equal(verdict.passed, true);
    assert.doesNotMatch(await log(1, 2), new RegExp(server.adminToken!));

    const creds = `admin:${server.adminToken}`;
    const { stdout: inspected } = await run('skopeo', ['inspect', '--tls-verify=false', '--creds', creds, `docker://${host}/acme/app:${tag}`]);
    const info = JSON.parse(inspected) as { Digest: string; Labels: Record<string, string> };
    assert.equal(info.Digest, image.digest);
    assert.equal(info.Labels['org.opencontainers.image.revision'], sha);

    // podman pulls it too (no container is run: storage only, in a folder of the test).
    const storage = ['--root', join(work, 'podman'), '--runroot', join(work, 'podman-run'), '--storage-driver', 'vfs'];
    await run('podman', [...storage, 'pull', '-q', '--tls-verify=false', '--creds', creds, `${host}/acme/app:${tag}`]);
    const { stdout: pulled } = await run('podman', [...storage, 'image', 'inspect', '--format', '{{.Digest}}', `${host}/acme/app:${tag}`]);
    assert.equal(pulled.trim(), image.digest);

    const helm = toolPath('helm');
    const helmHome = join(work, 'helm');
    const helmEnv = { ...process.env, HELM_CONFIG_HOME: helmHome, HELM_CACHE_HOME: helmHome, HELM_DATA_HOME: helmHome };
    await run(
      helm,
      ['pull', `oci://${host}/charts/app`, '--version', '0.1.1', '--plain-http', '--username', 'admin', '--password', server.adminToken!, '--destination', work],
      { env: helmEnv },
    );
    const { stdout: rendered } = await run(helm, ['template', 'app', join(work, 'app-0.1.1.tgz')], { env: helmEnv });
    assert.match(rendered, new RegExp(`image: "?${host}/acme/app:${tag}"?`));
  });

  test('a report above the policy fails the build and records a failing verdict', async () => {
    await client.commit({ 'policy.yaml': 'failOn: low\n' }, 'stricter policy');
    await client.git('push', '-q', 'origin', 'main');
    const done = await finished(2);
    assert.equal(done.build.status, 'failure');
    assert.match(await log(2, 4), /block/i);
    const image = (await call<Artifact[]>('GET', '/api/repos/acme/app/builds/2/artifacts')).body.find((a) => a.kind === 'image')!;
    assert.equal((await call<{ passed: boolean }>('GET', `/api/verdicts/${image.digest}`)).body.passed, false);
  });
});
