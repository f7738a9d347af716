/**
 * A `type: kubernetes` pipeline end to end through a server configured with
 * `TRUNKLINE_KUBERNETES_*`: pushed, cloned and built in one pod of the fake
 * cluster, the image assembled by `trunkline image build` (no daemon, no
 * privileges) and pushed to the built-in registry. The fake kubelet runs the
 * containers' commands on this machine, so the step finds `trunkline` through
 * a PATH the pipeline sets; on a real cluster the step would use the
 * Trunkline image instead — this test needs the fake (the server's URL and
 * its mirror must be reachable by the step).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer, type RunningServer } from '../src/server/index.ts';
import { api } from './helpers/api.ts';
import { GitClient, withCredentials } from './helpers/git-client.ts';
import { waitFor } from './helpers/wait.ts';
import { startFakeApiServer, startFakeKubelet } from './kube-fake/index.ts';
import type { FakeApiServer, FakeKubelet, JsonObject } from './kube-fake/index.ts';

const PLACEHOLDER = 'docker.io/drone/placeholder:1';

describe('a type: kubernetes pipeline on a server with a cluster builds and pushes an image', () => {
  const work = mkdtempSync(join(tmpdir(), 'tl-kube-server-'));
  let fake: FakeApiServer;
  let kubelet: FakeKubelet;
  let server: RunningServer;
  let call: ReturnType<typeof api>;
  let client: GitClient;
  const pods: JsonObject[] = [];

  before(async () => {
    fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    kubelet = startFakeKubelet(fake, { placeholderImage: PLACEHOLDER });
    fake.onChange(({ type, object }) => {
      if (type === 'ADDED' && object.kind === 'Pod') pods.push(structuredClone(object));
    });
    writeFileSync(join(work, 'kubeconfig'), fake.kubeconfig);
    server = await startServer(
      loadConfig({
        TRUNKLINE_DATA_DIR: join(work, 'data'),
        TRUNKLINE_PORT: '0',
        TRUNKLINE_KUBERNETES_KUBECONFIG: join(work, 'kubeconfig'),
        TRUNKLINE_KUBERNETES_PLACEHOLDER_IMAGE: PLACEHOLDER,
      }),
      silentLogger,
    );
    call = api(server.url, server.adminToken);
    const { body } = await call<{ httpUrl: string }>('POST', '/api/repos', { namespace: 'acme', name: 'app' });
    client = await GitClient.init();
    await client.git('remote', 'add', 'origin', withCredentials(body.httpUrl, 'admin', server.adminToken!));
  });

  after(async () => {
    await server?.close();
    await kubelet?.stop();
    await fake?.close();
    rmSync(work, { recursive: true, force: true });
    if (client) rmSync(client.dir, { recursive: true, force: true });
  });

  test('clone and image build run in the pod; the image is in the registry; nothing is left', async () => {
    const shim = join(work, 'data', 'bin');
    await client.commit({
      '.drone.yml': `kind: pipeline
type: kubernetes
name: release
clone: {disable: true}
steps:
- name: checkout
  image: docker.io/alpine/git:2.45.2
  commands:
  - git clone -q "$DRONE_REMOTE_URL" .
  - git checkout -q "$DRONE_COMMIT_SHA"
- name: image
  image: ghcr.io/trunkline/trunkline:latest
  environment: {PATH: "${shim}:${process.env.PATH}"}
  commands:
  - trunkline image build
`,
      Dockerfile: 'FROM scratch\nCOPY app.sh /app/run.sh\nENTRYPOINT ["/app/run.sh"]\n',
      'app.sh': '#!/bin/sh\necho hello\n',
    });
    await client.git('push', '-q', 'origin', 'main');
    const detail = await waitFor(async () => {
      const body = (await call<{ build: { status: string } }>('GET', '/api/repos/acme/app/builds/1')).body;
      return ['success', 'failure', 'error'].includes(body.build.status) && body;
    }, 'build #1', 120_000);
    const log = async (step: number) => (await call<{ out: string }[]>('GET', `/api/repos/acme/app/builds/1/logs/1/${step}`)).body.map((l) => l.out).join('\n');
    assert.equal(detail.build.status, 'success', `${await log(1)}\n${await log(2)}`);

    const artifacts = (await call<{ kind: string; reference: string; tags: string[] }[]>('GET', '/api/repos/acme/app/builds/1/artifacts')).body;
    const image = artifacts.find((a) => a.kind === 'image');
    assert.equal(image?.reference, `${new URL(server.url).host}/acme/app`);

    const pod = pods.find((p) => String((p.metadata as JsonObject).name).startsWith('trunkline-')) as { spec: { containers: { securityContext: Record<string, unknown> }[] } } | undefined;
    assert.ok(pod, 'the stage ran as a pod');
    for (const container of pod.spec.containers) assert.deepEqual(container.securityContext, { privileged: false, allowPrivilegeEscalation: false });
    assert.ok(!JSON.stringify(pod).includes(server.adminToken!));
    await waitFor(() => fake.objects({ kind: 'Pod' }).length === 0 && fake.objects({ kind: 'Secret' }).length === 0, 'the pod and secret are gone');
  });
});
