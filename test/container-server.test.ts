import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer, type RunningServer } from '../src/server/index.ts';
import { api } from './helpers/api.ts';
import { BUSYBOX_IMAGE, ensureBusyboxImage, hasCli } from './helpers/busybox-image.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { waitFor } from './helpers/wait.ts';

interface Detail {
  build: { status: string; error?: string };
  stages: { status: string; error?: string; steps: { name: string; status: string; exitCode?: number }[] }[];
}

const skip = hasCli('podman') ? false : 'podman is not installed (apt-get install podman)';

const pipeline = `kind: pipeline
type: docker
name: default
clone: {disable: true}
services:
- name: cache
  image: ${BUSYBOX_IMAGE}
  pull: never
  commands: [mkdir -p /srv, echo "from the service" > /srv/index.html, httpd -f -p 8080 -h /srv]
steps:
- name: fetch
  image: ${BUSYBOX_IMAGE}
  pull: never
  commands:
  - for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://cache:8080/ && break; sleep 1; done
- name: privileged
  image: ${BUSYBOX_IMAGE}
  pull: never
  privileged: true
  commands: [grep CapEff /proc/self/status]
`;

describe('server: a type: docker pipeline through the container backend', { skip }, () => {
  const work = mkdtempSync(join(tmpdir(), 'tl-container-server-'));
  const repo = new TestRepo();
  let server: RunningServer;
  let call: ReturnType<typeof api>;

  before(async () => {
    ensureBusyboxImage();
    repo.commit({ '.drone.yml': pipeline }, 'docker pipeline');
    const env = { TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0', TRUNKLINE_CONTAINER_CONFIG: '{"engine": "podman", "stopGraceMs": 0}' };
    server = await startServer(loadConfig(env), silentLogger);
    call = api(server.url, server.adminToken!);
    assert.equal((await call('POST', '/api/repos', { namespace: 'acme', name: 'svc', cloneUrl: repo.dir })).status, 201);
  });
  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(repo.dir, { recursive: true, force: true });
  });

  const finished = (number: number) =>
    waitFor(async () => {
      const d = (await call<Detail>('GET', `/api/repos/acme/svc/builds/${number}`)).body;
      return ['success', 'failure', 'error', 'killed'].includes(d.build.status) && d;
    }, `build #${number} to finish`);

  test('privileged steps are refused until an admin trusts the repository; then the pipeline and its service run', async () => {
    await call('POST', '/api/repos/acme/svc/builds', { event: 'push', branch: 'main' });
    const refused = await finished(1);
    assert.equal(refused.stages[0]?.status, 'error');
    assert.match(refused.stages[0]?.error ?? '', /step "privileged" asks for privileged mode, which only trusted repositories may use/);

    assert.equal((await call('PATCH', '/api/repos/acme/svc', { trusted: true })).status, 200);
    await call('POST', '/api/repos/acme/svc/builds', { event: 'push', branch: 'main' });
    const done = await finished(2);
    assert.equal(done.build.status, 'success', JSON.stringify(done));
    assert.deepEqual(done.stages[0]?.steps.map((s) => [s.name, s.status]), [
      ['cache', 'success'],
      ['fetch', 'success'],
      ['privileged', 'success'],
    ]);
    const log = await call<{ out: string }[]>('GET', '/api/repos/acme/svc/builds/2/logs/1/2');
    assert.ok(log.body.some((line) => line.out === 'from the service'), JSON.stringify(log.body));
  });
});
