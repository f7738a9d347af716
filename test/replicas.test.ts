/**
 * Two `trunkline server` processes on one Postgres database and one data
 * folder: they share the build queue without running anything twice, one
 * leads the GitOps controller, and when it is killed the other takes over.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { api } from './helpers/api.ts';
import { GitClient, withCredentials } from './helpers/git-client.ts';
import { ServerProcess } from './helpers/server-process.ts';
import { waitFor } from './helpers/wait.ts';
import { startFakeApiServer } from './kube-fake/index.ts';

const adminUrl = process.env['TRUNKLINE_TEST_DATABASE_URL'];
const BUILDS = 16;

interface Detail {
  build: { number: number; status: string };
  stages: { status: string; machine?: string; steps: { status: string }[] }[];
}

test('two servers share one queue without running a build twice, and the GitOps controller fails over', { skip: adminUrl ? false : 'TRUNKLINE_TEST_DATABASE_URL is not set' }, async (t) => {
  // A database of its own, so the replicas start from an empty schema.
  const database = `trunkline_replicas_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(adminUrl!);
  url.pathname = `/${database}`;

  const work = mkdtempSync(join(tmpdir(), 'tl-replicas-'));
  const dataDir = join(work, 'data');
  const markers = join(work, 'runs');
  const fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
  const secretKey = randomBytes(32).toString('hex');
  const env = (name: string) => ({
    TRUNKLINE_DATABASE_URL: url.href,
    TRUNKLINE_SECRET_KEY: secretKey,
    TRUNKLINE_RUNNER_NAME: name,
    TRUNKLINE_CAPACITY: '2',
    TRUNKLINE_LEADER_RETRY_SECONDS: '0.2',
    TRUNKLINE_PREVIEW_INTERVAL_SECONDS: '0',
  });
  // Started together, as a Deployment's pods are: one migrates, one creates the admin, both serve.
  const first = new ServerProcess(dataDir, env('replica-a'));
  const second = new ServerProcess(dataDir, env('replica-b'));
  const [firstUrl, secondUrl] = await Promise.all([first.url, second.url]);
  t.after(async () => {
    await Promise.all([first.stop(), second.stop()]);
    await fake.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  });
  const token = ServerProcess.token(dataDir);
  const viaFirst = api(firstUrl, token);
  const viaSecond = api(secondUrl, token);

  const health = async (call: typeof viaFirst) => (await call<{ leader: boolean }>('GET', '/healthz')).body.leader;
  await waitFor(async () => (await health(viaFirst)) !== (await health(viaSecond)), 'exactly one server to lead');
  const leader = (await health(viaFirst)) ? first : second;
  const viaFollower = leader === first ? viaSecond : viaFirst;
  const followerUrl = leader === first ? secondUrl : firstUrl;

  // ── the shared queue ──────────────────────────────────────────────────
  const created = await viaFirst<{ httpUrl: string }>('POST', '/api/repos', { namespace: 'acme', name: 'app' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const app = await GitClient.init();
  await app.commit({
    '.drone.yml': [
      'kind: pipeline',
      'type: exec',
      'name: default',
      'clone:',
      '  disable: true',
      'steps:',
      '- name: once',
      '  commands:',
      `  - mkdir -p ${markers}`,
      // noclobber: a second run of the same build fails here instead of passing unseen.
      `  - set -C; echo ran > ${markers}/build-$DRONE_BUILD_NUMBER`,
      '  - sleep 0.3',
      '',
    ].join('\n'),
  });
  await app.git('push', '-q', withCredentials(created.body.httpUrl, 'admin', token), 'HEAD:main');
  for (let i = 0; i < BUILDS; i++) {
    const call = i % 2 === 0 ? viaFirst : viaSecond;
    assert.equal((await call('POST', '/api/repos/acme/app/builds', { branch: 'main' })).status, 201);
  }
  // The push queued a build too: wait for all of them.
  const details = await waitFor(async () => {
    const builds = (await viaSecond<{ number: number; status: string }[]>('GET', '/api/repos/acme/app/builds?limit=100')).body;
    if (builds.length < BUILDS || !builds.every((b) => ['success', 'failure', 'error', 'killed'].includes(b.status))) return false;
    return Promise.all(builds.map(async (b) => (await viaFirst<Detail>('GET', `/api/repos/acme/app/builds/${b.number}`)).body));
  }, 'every build to finish', 120_000);
  assert.deepEqual(details.map((d) => d.build.status), Array(details.length).fill('success'), 'no build ran twice (a second run fails on its marker)');
  assert.equal(readdirSync(markers).length, details.length);
  const machines = details.map((d) => d.stages[0]?.machine);
  assert.deepEqual(new Set(machines), new Set(['replica-a', 'replica-b']), `both servers took work: ${machines.join(', ')}`);

  // ── the controller and its failover ───────────────────────────────────
  assert.equal((await viaFirst('POST', '/api/clusters', { name: 'fake', kubeconfig: fake.kubeconfig })).status, 201);
  const config = await viaFirst<{ httpUrl: string }>('POST', '/api/repos', { namespace: 'acme', name: 'config' });
  const remote = withCredentials(config.body.httpUrl, 'admin', token);
  const configMap = (colour: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  colour: ${colour}\n`;
  const repo = await GitClient.init();
  await repo.commit({ 'web/cm.yaml': configMap('blue') });
  await repo.git('push', '-q', remote, 'HEAD:main');
  // Created through the follower: the leader hears of it and syncs it.
  const application = await viaFollower('POST', '/api/applications', {
    name: 'web',
    source: { repoUrl: 'acme/config', path: 'web' },
    destination: { cluster: 'fake', namespace: 'default' },
    syncPolicy: { automated: true },
  });
  assert.equal(application.status, 201, JSON.stringify(application.body));
  const colour = () => (fake.object({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'web' }) as { data?: { colour?: string } } | undefined)?.data?.colour;
  await waitFor(() => colour() === 'blue', 'the leader to apply the application');

  await leader.kill();
  await waitFor(() => health(viaFollower), 'the other server to take the lead', 60_000);
  await repo.commit({ 'web/cm.yaml': configMap('green') });
  const viaFollowerRemote = new URL(new URL(config.body.httpUrl).pathname, followerUrl).href;
  await repo.git('push', '-q', withCredentials(viaFollowerRemote, 'admin', token), 'HEAD:main');
  await waitFor(() => colour() === 'green', 'the new leader to apply the next commit', 60_000);
});
