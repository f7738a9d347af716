/** The applications and clusters API over the GitOps controller, against the fake API server. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../src/core/index.ts';
import { Applications, GitopsController } from '../src/gitops/index.ts';
import { errorHandler } from '../src/server/errors.ts';
import type { AppContext } from '../src/server/context.ts';
import { applicationRoutes } from '../src/server/routes/applications.ts';
import { openStore } from '../src/store/index.ts';
import type { Store } from '../src/store/index.ts';
import { startFakeApiServer } from './kube-fake/index.ts';
import type { FakeApiServer } from './kube-fake/index.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { waitFor } from './helpers/wait.ts';

/** The fields the assertions read from answers. */
interface Body {
  id: string;
  hasKubeconfig: boolean;
  status: { syncStatus: string };
  resources: { kind: string; state: string; diff: string }[];
  sync: { id: string };
  commit: string;
  syncPolicy: { automated: boolean };
}

describe('applications API', () => {
  let fake: FakeApiServer;
  let store: Store;
  let controller: GitopsController;
  let app: FastifyInstance;
  let dataDir: string;
  let work: TestRepo;
  const tokens: Record<string, string> = {};

  const call = async <T = Body>(role: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
    const response = await app.inject({ method, url, headers: { authorization: `Bearer ${tokens[role] ?? ''}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, body: (response.body ? JSON.parse(response.body) : {}) as T };
  };

  before(async () => {
    fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'tl-gitops-api-'));
    store = await openStore({ path: join(dataDir, 'store.db'), secretKey: randomBytes(32) });
    for (const role of ['viewer', 'developer', 'admin'] as const) {
      const user = await store.users.create({ login: role, role });
      tokens[role] = (await store.tokens.create(user.id, 'test')).token;
    }
    const bare = join(dataDir, 'config.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    work = new TestRepo();
    work.git('remote', 'add', 'origin', bare);
    work.commit({ 'web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  colour: blue\n' }, 'web v1');
    work.git('push', '-q', 'origin', 'main');
    controller = new GitopsController({ store, dataDir, resyncIntervalMs: 0, retryDelayMs: 50, resolveRepo: (name) => (name === 'acme/config' ? bare : undefined) });
    await controller.start();
    app = Fastify();
    app.setErrorHandler(errorHandler(silentLogger));
    // These applications belong to no environment: the environments' check lets them through.
    applicationRoutes(app, { store, applications: new Applications({ store, controller }), environments: { checkApplication: () => Promise.resolve() } } as unknown as AppContext);
    await app.ready();
  });

  after(async () => {
    await controller.stop();
    await app.close();
    await store.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work.dir, { recursive: true, force: true });
  });

  it('manages clusters and applications with roles, keeps kubeconfigs write-only, syncs, lists history and rolls back', async () => {
    assert.equal((await call('developer', 'POST', '/api/clusters', { name: 'prod', kubeconfig: fake.kubeconfig })).status, 403);
    assert.equal((await call('admin', 'POST', '/api/clusters', { name: 'prod', kubeconfig: 'not: [a kubeconfig' })).status, 400);
    const cluster = await call('admin', 'POST', '/api/clusters', { name: 'prod', kubeconfig: fake.kubeconfig });
    assert.equal(cluster.status, 201);
    assert.equal(cluster.body.hasKubeconfig, true);
    assert.doesNotMatch(JSON.stringify((await call('viewer', 'GET', '/api/clusters')).body), /token|certificate-authority/);

    const invalid = await call('admin', 'POST', '/api/applications', { name: 'Web!', source: { repoUrl: 'acme/config', path: '../x' }, destination: { cluster: 'prod', namespace: 'default' } });
    assert.equal(invalid.status, 400);
    assert.match(JSON.stringify(invalid.body), /name/);
    assert.match(JSON.stringify(invalid.body), /source\.path/);
    assert.equal((await call('admin', 'POST', '/api/applications', { name: 'web', source: { repoUrl: 'acme/missing' }, destination: { cluster: 'prod', namespace: 'default' } })).status, 400);
    const created = await call('admin', 'POST', '/api/applications', { name: 'web', source: { repoUrl: 'acme/config', path: 'web' }, destination: { cluster: 'prod', namespace: 'default' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    const outOfSync = await call('viewer', 'GET', '/api/applications/web');
    assert.equal(outOfSync.body.status.syncStatus, 'OutOfSync');
    assert.deepEqual(outOfSync.body.resources.map((r) => [r.kind, r.state]), [['ConfigMap', 'missing']]);

    assert.equal((await call('viewer', 'POST', '/api/applications/web/sync', {})).status, 403);
    const started = await call('developer', 'POST', '/api/applications/web/sync', {});
    assert.equal(started.status, 202);
    const done = await controller.waitForSync(started.body.id);
    assert.equal(done.status, 'Succeeded', done.message);
    await waitFor(async () => (await call('viewer', 'GET', '/api/applications/web')).body.status.syncStatus === 'Synced', 'web synced');
    const first = work.git('rev-parse', 'HEAD');

    work.commit({ 'web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  colour: red\n' }, 'web v2');
    work.git('push', '-q', 'origin', 'main');
    await controller.configChanged('acme/config');
    const differs = await call('viewer', 'GET', '/api/applications/web');
    assert.equal(differs.body.status.syncStatus, 'OutOfSync');
    assert.match(differs.body.resources[0]?.diff ?? '', /-\s+colour: blue[\s\S]*\+\s+colour: red/);
    // The exact prediction asks the API server (dry run) and changes nothing.
    const predicted = await call<{ kind: string; action: string; diff?: string }[]>('viewer', 'GET', '/api/applications/web/prediction');
    assert.equal(predicted.status, 200, JSON.stringify(predicted.body));
    assert.deepEqual(predicted.body.map((p) => [p.kind, p.action]), [['ConfigMap', 'update']]);
    assert.match(predicted.body[0]?.diff ?? '', /-\s*colour: blue\n\+\s*colour: red/);
    assert.equal((await call('viewer', 'GET', '/api/applications/web/prediction?force=maybe')).status, 400);
    assert.equal((await call('viewer', 'GET', '/api/applications/web')).body.status.syncStatus, 'OutOfSync', 'a prediction applies nothing');
    await controller.waitForSync((await call('developer', 'POST', '/api/applications/web/sync', {})).body.id);

    const rollback = await call('developer', 'POST', '/api/applications/web/rollback', { revision: first });
    assert.equal(rollback.status, 202, JSON.stringify(rollback.body));
    assert.equal((await controller.waitForSync(rollback.body.sync.id)).status, 'Succeeded');
    assert.equal(((await fake.object({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'web' })) as { data: { colour: string } }).data.colour, 'blue');

    const history = await call<{ number: number; triggeredBy: string; revision: string }[]>('viewer', 'GET', '/api/applications/web/syncs');
    assert.deepEqual(history.body.map((s) => [s.number, s.triggeredBy]), [[3, 'developer'], [2, 'developer'], [1, 'developer']]);
    assert.equal(history.body[0]?.revision, rollback.body.commit);

    assert.equal((await call('admin', 'DELETE', '/api/clusters/prod')).status, 409);
    assert.equal((await call('admin', 'PATCH', '/api/applications/web', { syncPolicy: { automated: true } })).body.syncPolicy.automated, true);
    assert.equal((await call('admin', 'DELETE', '/api/applications/web')).status, 204);
    assert.equal((await call('viewer', 'GET', '/api/applications/web')).status, 404);
    assert.equal((await call('admin', 'DELETE', '/api/clusters/prod')).status, 204);
  });
});
