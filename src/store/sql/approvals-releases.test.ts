import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, ConflictError, NotFoundError } from '../../core/index.ts';
import { openTestStore } from '../test-store.test-helper.ts';
import type { ReleaseInput } from '../index.ts';

let time = 1_000;
const clock = { now: () => time };
const secretKey = Buffer.alloc(32, 7).toString('hex');

function release(overrides: Partial<ReleaseInput> = {}): ReleaseInput {
  return {
    service: 'api',
    environment: 'production',
    kind: 'deploy',
    version: { imageTag: '3-main-abcdef12', imageDigest: `sha256:${'a'.repeat(64)}`, chartVersion: '0.1.3' },
    commits: [{ sha: 'b'.repeat(40), message: 'feat: x', author: 'Dev <dev@example.com>', committedAt: 500 }],
    build: { repo: 'acme/api', number: 3, url: 'http://x/acme/api/3' },
    approvers: [{ login: 'rm', comment: 'ok', at: 900 }],
    deployedBy: 'rm',
    configRevision: 'c'.repeat(40),
    rollbackTarget: null,
    healthy: true,
    syncId: null,
    ...overrides,
  };
}

test('approvals: one per login and version, a comment is required, listed oldest first', async () => {
  const store = await openTestStore({ path: ':memory:', secretKey, clock });
  const key = { environment: 'production', service: 'api', version: '3-main-abcdef12' };
  await store.approvals.add({ ...key, login: 'alice', role: 'release-manager', comment: 'looks good' });
  time += 1;
  await store.approvals.add({ ...key, login: 'bob', role: 'admin', comment: 'yes' });
  await assert.rejects(store.approvals.add({ ...key, login: 'alice', role: 'release-manager', comment: 'again' }), ConflictError);
  await assert.rejects(store.approvals.add({ ...key, login: 'carol', role: 'release-manager', comment: '  ' }), ConfigError);
  await store.approvals.add({ ...key, version: '4-main-00000000', login: 'alice', role: 'release-manager', comment: 'next' });
  assert.deepEqual((await store.approvals.list(key)).map((a) => [a.login, a.role, a.comment]), [
    ['alice', 'release-manager', 'looks good'],
    ['bob', 'admin', 'yes'],
  ]);
  await store.close();
});

test('releases: stored whole, listed newest first with filters and a limit', async () => {
  const store = await openTestStore({ path: ':memory:', secretKey, clock });
  const first = await store.releases.create(release());
  const second = await store.releases.create(release({ kind: 'rollback', rollbackTarget: { releaseId: first.id, configRevision: first.configRevision }, healthy: false, build: null, syncId: 's1' }));
  await store.releases.create(release({ environment: 'staging' }));
  assert.deepEqual(await store.releases.get(first.id), first);
  assert.equal(first.deployedAt, time);
  assert.deepEqual(first.commits, release().commits);
  assert.equal(second.build, null);
  assert.deepEqual(second.rollbackTarget, { releaseId: first.id, configRevision: 'c'.repeat(40) });
  assert.equal(second.healthy, false);
  assert.deepEqual((await store.releases.list({ service: 'api', environment: 'production' })).map((r) => r.id), [second.id, first.id]);
  assert.equal((await store.releases.list({ limit: 1 }))[0]!.environment, 'staging');
  await assert.rejects(store.releases.get('nope'), NotFoundError);
  await store.close();
});
