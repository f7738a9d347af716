/**
 * Environments end to end: a real server process, real git over HTTP, real
 * pipeline steps running `trunkline deploy` and `trunkline release`, and the
 * fake kube-apiserver registered as cluster `default` (a real cluster when
 * TRUNKLINE_TEST_KUBECONFIG is set would serve the same way).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKubeClient } from '../src/kube/index.ts';
import type { KubeClient } from '../src/kube/index.ts';
import { startFakeApiServer } from './kube-fake/index.ts';
import type { FakeApiServer } from './kube-fake/index.ts';
import { api } from './helpers/api.ts';
import { GitClient, withCredentials } from './helpers/git-client.ts';
import { finishRollouts } from './helpers/rollouts.ts';
import { ServerProcess } from './helpers/server-process.ts';
import { waitFor } from './helpers/wait.ts';

interface Release {
  id: string;
  kind: string;
  environment: string;
  version: { imageTag: string; imageDigest: string | null };
  commits: { sha: string; message: string; author: string }[];
  build: { repo: string; number: number } | null;
  approvers: { login: string; comment: string }[];
  deployedBy: string;
  configRevision: string;
  rollbackTarget: { releaseId: string; configRevision: string } | null;
  healthy: boolean;
}

interface Cell {
  version: { imageTag: string } | null;
  sync: string;
  health: string;
  pending: { imageTag: string; awaitingApproval: boolean; required: number } | null;
}

const environmentsYaml = `environments:
  - name: test
    kind: test
    cluster: default
    deploy: pipeline
    accepts: { trunk: true }
  - name: staging
    kind: staging
    cluster: default
    deploy: auto
    accepts: { trunk: true }
  - name: production
    kind: production
    cluster: default
    deploy: manual
    accepts: { trunk: true }
    approvals: { required: 1, roles: [release-manager], fourEyes: true }
    windows:
      - { kind: deny, schedule: "* * * * *", duration: 1h, timeZone: Europe/Berlin }
`;

const pipeline = `kind: pipeline
type: exec
name: deliver
clone:
  disable: true
steps:
- name: deploy
  commands:
  - trunkline deploy api --env test
- name: release
  commands:
  - trunkline release api
`;

describe('environments and promotion', () => {
  let fake: FakeApiServer;
  let kube: KubeClient;
  let stopRollouts: (() => void) | undefined;
  let server: ServerProcess;
  let work: string;
  let call: ReturnType<typeof api>;
  let source: GitClient;
  let config: GitClient;
  const tokens: Record<string, string> = {};
  const as = (login: string) => api(url, tokens[login]);
  let url = '';

  const build = async (number: number) => {
    const done = await waitFor(async () => {
      const { body } = await call<{ build: { status: string } }>('GET', `/api/repos/acme/api/builds/${number}`);
      return ['success', 'failure', 'error', 'killed'].includes(body.build.status) ? body.build : undefined;
    }, `build ${number}`, 240_000);
    const logs = [];
    for (const step of [1, 2]) logs.push(...(await call<{ out: string }[]>('GET', `/api/repos/acme/api/builds/${number}/logs/1/${step}`)).body.map((l) => l.out));
    return { ...done, logs };
  };
  const cell = async (env: string) => {
    const { body } = await call<{ services: { service: string; cells: Record<string, Cell | null> }[] }>('GET', '/api/environments/matrix');
    return body.services.find((s) => s.service === 'api')?.cells[env] ?? null;
  };

  before(async () => {
    fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    stopRollouts = finishRollouts(fake);
    kube = createKubeClient({ kubeconfig: fake.kubeconfig });
    for (const name of ['test', 'staging', 'production']) await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'test-admin' });

    work = mkdtempSync(join(tmpdir(), 'tl-environments-'));
    server = new ServerProcess(join(work, 'data'), process.env.DEBUG_ENVS ? { TRUNKLINE_LOG_LEVEL: 'info' } : {});
    if (process.env.DEBUG_ENVS) server.child.stdout!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    url = await server.url;
    tokens['admin'] = ServerProcess.token(join(work, 'data'));
    call = api(url, tokens['admin']);
    const people = [
      ['dev', 'developer', 'dev@example.com'],
      ['ada', 'release-manager', 'ada@example.com'],
      ['rm', 'release-manager', 'rm@example.com'],
      ['rm2', 'release-manager', 'rm2@example.com'],
    ] as const;
    for (const [login, role, email] of people) {
      assert.equal((await call('POST', '/api/users', { login, role, email })).status, 201);
      tokens[login] = (await call<{ token: string }>('POST', `/api/users/${login}/tokens`, { name: 'test' })).body.token;
    }
    assert.equal((await call('POST', '/api/clusters', { name: 'default', kubeconfig: fake.kubeconfig })).status, 201);

    // The config repository exists from the first start; people own environments.yaml and values.yaml.
    const { body: configRepo } = await call<{ httpUrl: string }>('GET', '/api/repos/platform/config');
    config = await GitClient.init();
    await config.git('remote', 'add', 'origin', withCredentials(configRepo.httpUrl, 'admin', tokens['admin']!));
    const values = 'image:\n  repository: registry.local/acme/api\n  tag: none\n';
    await config.commit({ 'environments.yaml': environmentsYaml, 'environments/test/api/values.yaml': values, 'environments/staging/api/values.yaml': values, 'environments/production/api/values.yaml': values }, 'environments');
    await config.git('push', '-q', 'origin', 'main');

    const { body: repo } = await call<{ httpUrl: string }>('POST', '/api/repos', { namespace: 'acme', name: 'api' });
    source = await GitClient.init();
    await source.git('remote', 'add', 'origin', withCredentials(repo.httpUrl, 'admin', tokens['admin']!));
  });

  after(async () => {
    stopRollouts?.();
    await server?.stop();
    await kube?.close();
    await fake?.close();
    for (const dir of [work, source?.dir, config?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the environments of the config repository with their cluster connected', async () => {
    const { body } = await call<{ configRepo: string; problems: unknown[]; environments: { name: string; clusterConnected: boolean; sync: string; windows: unknown[] }[] }>('GET', '/api/environments');
    assert.equal(body.configRepo, 'platform/config');
    // The push of the config repository is handled in the background: wait for its applications.
    await waitFor(async () => (await call<unknown[]>('GET', '/api/applications')).body.length === 3, 'generated applications');
    assert.deepEqual(body.problems, []);
    assert.deepEqual(body.environments.map((e) => [e.name, e.sync, e.clusterConnected]), [
      ['test', 'pipeline', true],
      ['staging', 'auto', true],
      ['production', 'manual', true],
    ]);
    const apps = (await call<{ name: string; environment: string; syncPolicy: { automated: boolean } }[]>('GET', '/api/applications')).body;
    assert.deepEqual(apps.map((a) => [a.name, a.environment, a.syncPolicy.automated]), [
      ['api-production', 'production', false],
      ['api-staging', 'staging', true],
      ['api-test', 'test', false],
    ]);
  });

  let firstTag = '';
  it('a trunk build deploys to test from its step, reaches staging automatically, and production waits OutOfSync', async () => {
    await source.commit({ '.drone.yml': pipeline, 'main.go': 'package main\n' }, 'feat: first version');
    await source.git('push', '-q', 'origin', 'main');
    const done = await build(1);
    assert.equal(done.status, 'success', JSON.stringify(done));
    const test = await waitFor(async () => {
      const c = await cell('test');
      return c?.version && c.health === 'Healthy' ? c : undefined;
    }, 'api in test');
    firstTag = test.version!.imageTag;
    assert.match(firstTag, /^1-main-[0-9a-f]{8}$/);
    await waitFor(async () => {
      const c = await cell('staging');
      return c?.version?.imageTag === firstTag && c.sync === 'Synced' && c.health === 'Healthy';
    }, 'api in staging');
    const production = await waitFor(async () => {
      const c = await cell('production');
      return c?.sync === 'OutOfSync' ? c : undefined;
    }, 'production out of sync');
    assert.equal(production.version, null);
    assert.deepEqual([production.pending?.imageTag, production.pending?.awaitingApproval, production.pending?.required], [firstTag, true, 1]);
    const deployed = fake.object({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'api-test' }) as { spec: { template: { spec: { containers: { image: string }[] } } } };
    assert.match(deployed.spec.template.spec.containers[0]!.image, new RegExp(`/acme/api:${firstTag}$`));
    assert.equal(fake.objects({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'production' }).length, 0);
  });

  it("refuses a developer's production sync with the reason, also through the applications API", async () => {
    const refused = await as('dev')<{ message: string }>('POST', '/api/environments/production/services/api/sync', {});
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /dev \(developer\) may not change production environment "production": it needs the release-manager role/);
    const around = await as('dev')<{ message: string }>('POST', '/api/applications/api-production/sync', {});
    assert.equal(around.status, 403);
    assert.match(around.body.message, /release-manager/);
    // Both refusals are in the audit log, with who and why.
    const denied = (await as('admin')<{ entries: { actor: string; action: string; outcome: string; details: { path?: string } }[] }>('GET', '/api/audit?actor=dev&action=access.denied')).body.entries;
    assert.ok(denied.some((e) => e.outcome === 'denied' && e.details.path === '/api/environments/production/services/api/sync'), JSON.stringify(denied));
    assert.ok(denied.some((e) => e.details.path === '/api/applications/api-production/sync'));
  });

  it('needs an approval, and the four-eyes rule refuses the author of the change', async () => {
    const unapproved = await as('rm')<{ message: string }>('POST', '/api/environments/production/services/api/sync', { override: { reason: 'release' } });
    assert.equal(unapproved.status, 409);
    assert.match(unapproved.body.message, /needs 1 approval/);
    const own = await as('ada')<{ message: string }>('POST', '/api/environments/production/services/api/approvals', { comment: 'mine' });
    assert.equal(own.status, 403);
    assert.match(own.body.message, /four-eyes rule: ada authored 1 commit/);
    const byDeveloper = await as('dev')('POST', '/api/environments/production/services/api/approvals', { comment: 'lgtm' });
    assert.equal(byDeveloper.status, 403);
    assert.equal((await as('rm')('POST', '/api/environments/production/services/api/approvals', { comment: '' })).status, 400);
  });

  let first: Release;
  it("a deny window refuses; a release manager's approval and sync with an override reason succeed and record the release", async () => {
    const approval = await as('rm')<{ login: string; approvals: number }>('POST', '/api/environments/production/services/api/approvals', { comment: 'checked in staging' });
    assert.equal(approval.status, 201);
    assert.equal(approval.body.approvals, 1);
    const closed = await as('rm')<{ message: string }>('POST', '/api/environments/production/services/api/sync', {});
    assert.equal(closed.status, 409);
    assert.match(closed.body.message, /inside the deny window/);
    const byDevOverride = await as('dev')('POST', '/api/environments/production/services/api/sync', { override: { reason: 'x' } });
    assert.equal(byDevOverride.status, 403);
    const synced = await as('rm')<{ syncId: string; release: Release }>('POST', '/api/environments/production/services/api/sync', { override: { reason: 'planned release' } });
    assert.equal(synced.status, 202, JSON.stringify(synced.body));
    first = synced.body.release;
    assert.equal(first.healthy, true);
    assert.equal(first.kind, 'deploy');
    assert.equal(first.version.imageTag, firstTag);
    assert.deepEqual(first.approvers.map((a) => [a.login, a.comment]), [['rm', 'checked in staging']]);
    assert.deepEqual(first.commits.map((c) => [c.message, c.author]), [['feat: first version', 'Ada Lovelace <ada@example.com>']]);
    assert.deepEqual(first.build && [first.build.repo, first.build.number], ['acme/api', 1]);
    assert.equal(first.deployedBy, 'rm');
    assert.equal(first.rollbackTarget, null);
    const production = await cell('production');
    assert.equal(production?.version?.imageTag, firstTag);
    assert.equal(production?.pending, null);
  });

  let second: Release;
  it('a failed vulnerability verdict refuses the sync; the next release records the commits since and its rollback target', async () => {
    const sha = await source.commit({ 'main.go': 'package main\n\nfunc main() {}\n' }, 'fix: second version');
    await source.git('push', '-q', 'origin', 'main');
    assert.equal((await build(2)).status, 'success');
    const pending = await waitFor(async () => (await cell('production'))?.pending ?? undefined, 'a second version waiting');
    const digest = `sha256:${'5'.repeat(64)}`;
    assert.equal((await call('POST', '/api/repos/acme/api/builds/2/artifacts', { kind: 'image', reference: 'registry.local/acme/api', digest, tags: [pending.imageTag], mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 100 })).status, 201);
    assert.equal((await call('POST', '/api/verdicts', { digest, passed: false, summary: '2 critical', counts: { critical: 2 }, policy: 'fail: high' })).status, 201);
    assert.equal((await as('rm2')('POST', '/api/environments/production/services/api/approvals', { comment: 'ok' })).status, 201);
    const gated = await as('rm')<{ message: string }>('POST', '/api/environments/production/services/api/sync', { override: { reason: 'release' } });
    assert.equal(gated.status, 409);
    assert.match(gated.body.message, /failed its vulnerability gate: 2 critical/);
    assert.equal((await call('POST', '/api/verdicts', { digest, passed: true, summary: 'fixed upstream', counts: {}, policy: 'fail: high' })).status, 201);
    const synced = await as('rm')<{ release: Release }>('POST', '/api/environments/production/services/api/sync', { override: { reason: 'release' } });
    assert.equal(synced.status, 202, JSON.stringify(synced.body));
    second = synced.body.release;
    assert.equal(second.version.imageDigest, digest);
    assert.deepEqual(second.commits.map((c) => c.sha), [sha]);
    assert.deepEqual(second.approvers.map((a) => a.login), ['rm2']);
    assert.deepEqual(second.rollbackTarget, { releaseId: first.id, configRevision: first.configRevision });
  });

  it('rollback restores the previous release with a revert commit and records it', async () => {
    assert.equal((await as('dev')('POST', '/api/environments/production/services/api/rollback', {})).status, 403);
    const rolled = await as('rm')<{ commit: string; release: Release }>('POST', '/api/environments/production/services/api/rollback', { comment: 'latency up' });
    assert.equal(rolled.status, 202, JSON.stringify(rolled.body));
    assert.match(rolled.body.commit, /^[0-9a-f]{40}$/);
    assert.equal(rolled.body.release.kind, 'rollback');
    assert.equal(rolled.body.release.version.imageTag, firstTag);
    assert.equal(rolled.body.release.healthy, true);
    await config.git('pull', '-q', 'origin', 'main');
    assert.match(await config.git('log', '-1', '--format=%s'), /^Revert environments\/production\/api to /);
    const listed = (await as('dev')<Release[]>('GET', '/api/releases?service=api&environment=production')).body;
    assert.deepEqual(listed.map((r) => r.kind), ['rollback', 'deploy', 'deploy']);
    assert.equal(listed[1]!.id, second.id);
    // The audit log and delivery metrics see the same history.
    const audited = (await as('admin')<{ entries: { action: string; environment: string | null }[] }>('GET', '/api/audit?environment=production&action=environment.')).body.entries.map((e) => e.action);
    for (const action of ['environment.approval.given', 'environment.window.override', 'environment.deployment.succeeded', 'environment.rollback']) assert.ok(audited.includes(action), `${action} in ${audited.join(', ')}`);
    const dora = (await as('dev')<{ summary: { deployments: number; reworkDeployments: number } }>('GET', '/api/metrics/dora?service=api&environment=production&days=7')).body.summary;
    assert.equal(dora.deployments, 3);
    assert.ok(dora.reworkDeployments >= 1, 'the rollback is rework');
  });

  it('a broken environments.yaml is reported at file:line:col and the last good environments stay', async () => {
    await config.commit({ 'environments.yaml': environmentsYaml.replace('kind: staging', 'kind: stagging') }, 'typo');
    await config.git('push', '-q', 'origin', 'main');
    const { body } = await call<{ problems: { file: string; line: number; column: number; field: string; message: string }[]; environments: { name: string }[] }>('GET', '/api/environments');
    assert.equal(body.problems.length, 1);
    assert.deepEqual([body.problems[0]!.file, body.problems[0]!.line, body.problems[0]!.column, body.problems[0]!.field], ['environments.yaml', 8, 11, 'environments[1].kind']);
    assert.deepEqual(body.environments.map((e) => e.name), ['test', 'staging', 'production']);
  });
});
