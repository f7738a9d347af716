/**
 * The lifecycle's guards and restart safety with a real store, real git
 * config repository and the fake API server; applications are a small
 * in-memory stand-in (the end-to-end test runs the real controller).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ForbiddenError, NotFoundError, silentLogger } from '../../core/index.ts';
import type { GitEvent } from '../../git/index.ts';
import { ConfigRepository } from '../../gitops/index.ts';
import { createKubeClient } from '../../kube/index.ts';
import { openStore } from '../../store/index.ts';
import type { Store } from '../../store/index.ts';
import { startFakeApiServer } from '../../../test/kube-fake/index.ts';
import type { FakeApiServer } from '../../../test/kube-fake/index.ts';
import { parseEnvironments } from '../config/index.ts';
import type { PreviewDeps } from './deps.ts';
import type { PreviewEvent } from './events.ts';
import { PreviewService } from './service.ts';

const environments = parseEnvironments(`environments:
  - { name: staging, kind: staging, cluster: default }
  - { name: production, kind: production, cluster: default, namespace: preview-prod }
  - { name: preview, kind: preview, cluster: default, accepts: { branches: "*" }, preview: { maxConcurrent: 2, ttl: 1h } }
`);

function event(kind: GitEvent['kind'], branch: string, repo = 'api'): GitEvent {
  const sha = kind === 'delete' ? '0'.repeat(40) : 'a'.repeat(40);
  return { provider: 'builtin', kind, repo: { namespace: 'acme', name: repo }, ref: `refs/heads/${branch}`, branch, before: '0'.repeat(40), after: sha, commit: 'a'.repeat(40), sender: 'ada' };
}

describe('preview service', () => {
  let fake: FakeApiServer;
  let store: Store;
  let dir: string;
  let events: PreviewEvent[];
  let deps: PreviewDeps;
  let time = 1_000_000;
  const apps = new Map<string, unknown>();

  before(async () => {
    fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    dir = mkdtempSync(join(tmpdir(), 'tl-previews-service-'));
    store = await openStore({ path: join(dir, 'db.sqlite'), secretKey: Buffer.alloc(32, 3).toString('hex'), clock: { now: () => time } });
    await store.clusters.create({ name: 'default', kubeconfig: fake.kubeconfig });
    const bare = join(dir, 'config.git');
    const seed = join(dir, 'seed');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    execFileSync('git', ['init', '-q', '-b', 'main', seed]);
    mkdirSync(join(seed, 'environments/staging/api'), { recursive: true });
    writeFileSync(join(seed, 'environments/staging/api/values.yaml'), 'image:\n  repository: r/api\n');
    const env = { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@x' };
    execFileSync('git', ['add', '-A'], { cwd: seed });
    execFileSync('git', ['commit', '-q', '-m', 'seed'], { cwd: seed, env });
    execFileSync('git', ['push', '-q', bare, 'main'], { cwd: seed });
    deps = {
      store,
      environments: { list: async () => environments },
      configRepo: new ConfigRepository({ remote: bare, workdir: join(dir, 'work.git') }),
      configRepoUrl: 'platform/config',
      configChanged: async () => {},
      applications: {
        create: async (body: unknown) => {
          apps.set((body as { name: string }).name, body);
          return body as never;
        },
        get: async (name: string) => {
          if (!apps.has(name)) throw new NotFoundError(`no application "${name}"`);
          return { name, cluster: 'default', resources: [], status: { syncStatus: 'Synced', health: 'Healthy' } } as never;
        },
        delete: async (name: string) => void apps.delete(name),
      },
      connect: (kubeconfig) => createKubeClient({ kubeconfig }),
      events: { emit: (e) => events.push(e) },
      logger: silentLogger,
      clock: { now: () => time },
      workDir: join(dir, 'previews'),
      provisionerTimeoutMs: 10_000,
    };
  });

  beforeEach(() => {
    events = [];
  });

  after(async () => {
    await store.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const namespace = (name: string) => fake.object({ apiVersion: 'v1', kind: 'Namespace', name });

  it('caps concurrent previews: the next branch is refused with an event', async () => {
    const service = new PreviewService(deps);
    await service.handleGitEvent(event('create', 'one'));
    await service.handleGitEvent(event('create', 'two'));
    await service.handleGitEvent(event('create', 'three'));
    assert.deepEqual((await service.list()).map((p) => p.name), ['preview-one', 'preview-two']);
    assert.equal(namespace('preview-three'), undefined);
    const refused = events.find((e) => e.type === 'preview.refused');
    assert.equal(refused?.preview, 'preview-three');
    assert.match(refused?.message ?? '', /maxConcurrent 2/);
    await service.remove('preview-one', 'ada');
    await service.remove('preview-two', 'ada');
    assert.deepEqual(events.filter((e) => e.type === 'preview.removed').map((e) => [e.preview, e.reason, e.actor]), [
      ['preview-one', 'manual', 'ada'],
      ['preview-two', 'manual', 'ada'],
    ]);
  });

  it('never takes over a namespace it did not create, and never deletes one', async () => {
    const client = createKubeClient({ kubeconfig: fake.kubeconfig });
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'preview-theirs', labels: { team: 'x' } } }, { fieldManager: 'someone' });
    await client.close();
    const service = new PreviewService(deps);
    await service.handleGitEvent(event('create', 'theirs'));
    const failed = (await service.list()).find((p) => p.name === 'preview-theirs');
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.message ?? '', /not Trunkline's preview/);
    assert.equal((await store.previews.findActive('preview-theirs'))?.createdNamespace, false);
    await service.handleGitEvent(event('delete', 'theirs'));
    assert.ok(namespace('preview-theirs'), 'the foreign namespace is still there');
    assert.equal(events.at(-1)?.type, 'preview.removed');
  });

  it('refuses a branch whose preview would be a production namespace, and a manual teardown of it', async () => {
    const service = new PreviewService(deps);
    await service.handleGitEvent(event('create', 'prod'));
    assert.equal(await store.previews.findActive('preview-prod'), undefined);
    assert.equal(events.at(-1)?.type, 'preview.refused');
    await assert.rejects(service.remove('preview-prod', 'ada'), NotFoundError);
  });

  it('refuses to tear down a recorded preview whose name does not fit the pattern', async () => {
    const record = await store.previews.create({ name: 'kube-system', environment: 'preview', repo: 'acme/api', branch: 'x', service: 'api', namespace: 'kube-system' });
    const service = new PreviewService(deps);
    await assert.rejects(service.remove('kube-system', 'ada'), ForbiddenError);
    assert.equal((await store.previews.get(record.id)).status, 'creating');
    assert.equal(events.at(-1)?.type, 'preview.refused');
    await store.previews.update(record.id, { status: 'removed' });
  });

  it('provisions at start a preview a crash left creating, and fails a release with nothing to clone', async () => {
    const record = await store.previews.create({ name: 'preview-resume', environment: 'preview', repo: 'acme/api', branch: 'resume', service: 'api', namespace: 'preview-resume' });
    const service = new PreviewService(deps);
    await service.start(0);
    const resumed = await store.previews.get(record.id);
    assert.equal(resumed.cluster, 'default');
    assert.equal(resumed.createdNamespace, true);
    assert.ok(namespace('preview-resume'));

    await assert.rejects(service.release({ repo: 'acme/web', branch: 'resume', service: 'web', image: { tag: '1-resume-aaaaaaaa' }, by: 'ci' }), /environments\/staging\/web\/ does not exist/);
    assert.equal((await store.previews.get(record.id)).status, 'failed');
    assert.equal(events.at(-1)?.type, 'preview.failed');

    const released = await service.release({ repo: 'acme/api', branch: 'resume', service: 'api', image: { tag: '2-resume-bbbbbbbb', repository: 'r/api' }, by: 'ci' });
    assert.equal(released?.preview, 'preview-resume');
    assert.ok(released?.changed.includes('environments/preview-resume/api/release.yaml'));
    assert.ok(apps.has('api-preview-resume'));
    assert.equal((await store.previews.get(record.id)).status, 'ready', 'the stand-in applications are Synced and Healthy at once');
    assert.equal(events.at(-1)?.type, 'preview.ready');
    await service.remove('preview-resume', 'ada');
    assert.equal(apps.has('api-preview-resume'), false);
    assert.equal(namespace('preview-resume'), undefined);
  });

  it('resumes a teardown a crash interrupted, and tears down previews idle past the TTL', async () => {
    const first = new PreviewService(deps);
    await first.handleGitEvent(event('create', 'crash'));
    await first.handleGitEvent(event('create', 'idle'));
    assert.ok(namespace('preview-crash'));
    const crashed = (await store.previews.findActive('preview-crash'))!;
    await store.previews.update(crashed.id, { status: 'removing', removalReason: 'branch-deleted' });

    const restarted = new PreviewService(deps);
    await restarted.start(0);
    assert.equal((await store.previews.get(crashed.id)).status, 'removed');
    assert.equal(namespace('preview-crash'), undefined);

    time += 30 * 60_000;
    await restarted.handleGitEvent(event('push', 'idle'));
    time += 45 * 60_000;
    await restarted.tick();
    assert.ok(await store.previews.findActive('preview-idle'), 'a push keeps it alive');
    time += 20 * 60_000;
    await restarted.tick();
    assert.equal(await store.previews.findActive('preview-idle'), undefined);
    assert.equal(namespace('preview-idle'), undefined);
    assert.deepEqual(events.filter((e) => e.type === 'preview.removed').map((e) => [e.preview, e.reason]), [
      ['preview-crash', 'branch-deleted'],
      ['preview-idle', 'ttl'],
    ]);
    await restarted.stop();
  });
});
