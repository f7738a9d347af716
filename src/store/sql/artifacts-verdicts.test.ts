import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError, NotFoundError } from '../../core/index.ts';
import { openStore } from '../index.ts';
import { openTestStore, sqliteOnly } from '../test-store.test-helper.ts';
import type { ArtifactInput, BuildRecord, Store } from '../index.ts';
import { SqliteDatabase as Database } from '../sqlite/database.ts';
import { migrate, migrations } from '../sql/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-artifacts-'));
const path = join(dir, 'db.sqlite');
const secretKey = Buffer.alloc(32, 7);
let time = 1_000;
const clock = { now: () => time };
let store: Store;
let build1: BuildRecord;
let build2: BuildRecord;

const imageDigest = `sha256:${'a'.repeat(64)}`;
const chartDigest = `sha256:${'c'.repeat(64)}`;

function image(buildId: string, overrides: Partial<ArtifactInput> = {}): ArtifactInput {
  return {
    buildId,
    kind: 'image',
    reference: '127.0.0.1:5000/acme/api',
    digest: imageDigest,
    tags: ['1-main-0123abcd'],
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 18_403_328,
    ...overrides,
  };
}

before(async () => {
  store = await openTestStore({ path, secretKey, clock });
  const repo = await store.repos.create({ namespace: 'acme', name: 'api', cloneUrl: 'x' });
  build1 = await store.builds.create({ repoId: repo.id, event: 'push', ref: 'refs/heads/main', branch: 'main', commitSha: '0123abcd'.repeat(5) });
  build2 = await store.builds.create({ repoId: repo.id, event: 'push', ref: 'refs/heads/main', branch: 'main', commitSha: '4567ef01'.repeat(5) });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('artifacts of a build are recorded and listed oldest first', async () => {
  time = 2_000;
  const recorded = await store.artifacts.record(image(build1.id));
  assert.deepEqual({ ...recorded, id: 'x' }, {
    id: 'x',
    buildId: build1.id,
    kind: 'image',
    reference: '127.0.0.1:5000/acme/api',
    digest: imageDigest,
    tags: ['1-main-0123abcd'],
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 18_403_328,
    createdAt: 2_000,
    updatedAt: 2_000,
  });
  time = 3_000;
  await store.artifacts.record({
    buildId: build1.id,
    kind: 'chart',
    reference: '127.0.0.1:5000/acme/charts/api',
    digest: chartDigest,
    tags: ['0.1.1'],
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 2_113,
  });
  const list = await store.artifacts.listByBuild(build1.id);
  assert.deepEqual(list.map((a) => [a.kind, a.digest, a.tags]), [
    ['image', imageDigest, ['1-main-0123abcd']],
    ['chart', chartDigest, ['0.1.1']],
  ]);
  assert.deepEqual(await store.artifacts.listByBuild(build2.id), []);
});

test('recording the same artifact again replaces its tags and keeps its identity', async () => {
  time = 4_000;
  const before = (await store.artifacts.listByBuild(build1.id))[0];
  const again = await store.artifacts.record(image(build1.id, { tags: ['1-main-0123abcd', 'latest'] }));
  assert.equal(again.id, before?.id);
  assert.deepEqual(again.tags, ['1-main-0123abcd', 'latest']);
  assert.equal(again.createdAt, 2_000);
  assert.equal(again.updatedAt, 4_000);
  assert.equal((await store.artifacts.listByBuild(build1.id)).length, 2);
});

test('findByDigest gives every build that produced the digest', async () => {
  time = 5_000;
  await store.artifacts.record(image(build2.id, { tags: ['2-main-4567ef01'] }));
  const found = await store.artifacts.findByDigest(imageDigest);
  assert.deepEqual(found.map((a) => [a.buildId, a.tags]), [
    [build1.id, ['1-main-0123abcd', 'latest']],
    [build2.id, ['2-main-4567ef01']],
  ]);
  assert.deepEqual(await store.artifacts.findByDigest(`sha256:${'f'.repeat(64)}`), []);
});

test('bad artifacts are refused', async () => {
  await assert.rejects(store.artifacts.record(image('no-such-build')), NotFoundError);
  await assert.rejects(store.artifacts.record(image(build1.id, { digest: 'latest' })), ConfigError);
  await assert.rejects(store.artifacts.record(image(build1.id, { size: -1 })), ConfigError);
  await assert.rejects(store.artifacts.record(image(build1.id, { size: 1.5 })), ConfigError);
  await assert.rejects(store.artifacts.record(image(build1.id, { kind: 'wasm' as 'image' })), /kind: expected one of image, chart/);
});

const policy = 'failOn: high\nignoreUnfixed: true\n';

test('verdicts: the latest decision on a digest wins', async () => {
  assert.equal(await store.verdicts.latest(imageDigest), undefined);
  time = 6_000;
  const failed = await store.verdicts.record({
    digest: imageDigest,
    passed: false,
    summary: 'Vulnerability gate failed: 1 finding at or above high.',
    counts: { critical: 1, high: 0, medium: 2, low: 0, negligible: 0, unknown: 0 },
    policy,
    reportDigest: `sha256:${'d'.repeat(64)}`,
  });
  assert.deepEqual({ ...failed, id: 'x' }, {
    id: 'x',
    digest: imageDigest,
    passed: false,
    summary: 'Vulnerability gate failed: 1 finding at or above high.',
    counts: { critical: 1, high: 0, medium: 2, low: 0, negligible: 0, unknown: 0 },
    policy,
    policyHash: `sha256:${createHash('sha256').update(policy).digest('hex')}`,
    reportDigest: `sha256:${'d'.repeat(64)}`,
    createdAt: 6_000,
  });
  assert.deepEqual(await store.verdicts.latest(imageDigest), failed);

  const passed = await store.verdicts.record({ digest: imageDigest, passed: true, summary: 'passed', counts: {}, policy, createdAt: 7_000 });
  assert.equal(passed.reportDigest, undefined);
  assert.ok(!('reportDigest' in passed));
  assert.equal((await store.verdicts.latest(imageDigest))?.id, passed.id);
  assert.equal(await store.verdicts.latest(chartDigest), undefined, 'verdicts are per digest');
});

test('verdicts: an older createdAt recorded later does not win; same time, the later record wins', async () => {
  const older = await store.verdicts.record({ digest: imageDigest, passed: false, summary: 'late report', counts: {}, policy, createdAt: 6_500 });
  assert.notEqual((await store.verdicts.latest(imageDigest))?.id, older.id);
  const tieA = await store.verdicts.record({ digest: chartDigest, passed: true, summary: 'a', counts: {}, policy, createdAt: 8_000 });
  const tieB = await store.verdicts.record({ digest: chartDigest, passed: false, summary: 'b', counts: {}, policy, createdAt: 8_000 });
  assert.notEqual(tieA.id, tieB.id);
  assert.equal((await store.verdicts.latest(chartDigest))?.summary, 'b');
});

test('bad verdicts are refused', async () => {
  await assert.rejects(store.verdicts.record({ digest: 'nope', passed: true, summary: '', counts: {}, policy }), ConfigError);
  await assert.rejects(
    store.verdicts.record({ digest: imageDigest, passed: true, summary: '', counts: {}, policy, reportDigest: 'x' }),
    /reportDigest: expected a digest/,
  );
  await assert.rejects(store.verdicts.record({ digest: imageDigest, passed: true, summary: '', counts: { high: -1 }, policy }), /counts\.high/);
});

test('artifacts and verdicts survive reopening the file', async () => {
  await store.close();
  store = await openTestStore({ path, secretKey, clock });
  assert.deepEqual((await store.artifacts.listByBuild(build1.id)).map((a) => a.kind), ['image', 'chart']);
  assert.equal((await store.artifacts.findByDigest(imageDigest)).length, 2);
  const latest = await store.verdicts.latest(imageDigest);
  assert.equal(latest?.passed, true);
  assert.equal(latest?.createdAt, 7_000);
  assert.equal((await store.verdicts.latest(chartDigest))?.summary, 'b');
});

test('a database of schema version 2 gains both tables with its builds kept', sqliteOnly, async () => {
  const oldPath = join(dir, 'v2.sqlite');
  const old = new Database(oldPath, 1000);
  await migrate(old, migrations.filter((m) => m.version <= 2), 500);
  await old.run(
    `INSERT INTO repos (id, namespace, name, clone_url, default_branch, visibility, config_path, timeout_minutes, trusted, created_at, updated_at)
     VALUES ('r1', 'old', 'repo', 'x', 'main', 'private', '.drone.yml', 60, 0, 500, 500)`,
  );
  await old.run(
    `INSERT INTO builds (id, repo_id, number, status, event, action, ref, branch, source_branch, target_branch, commit_sha,
       before_sha, message, author_name, author_email, author_login, author_avatar, triggered_by, params, created_at, updated_at)
     VALUES ('b1', 'r1', 1, 'success', 'push', '', 'refs/heads/main', 'main', 'main', 'main', 'abc', '', '', '', '', '', '', '@hook', '{}', 500, 500)`,
  );
  await old.close();
  const upgraded = await openStore({ path: oldPath, secretKey, clock });
  try {
    await upgraded.artifacts.record(image('b1'));
    assert.deepEqual((await upgraded.artifacts.listByBuild('b1')).map((a) => a.digest), [imageDigest]);
    assert.equal(await upgraded.verdicts.latest(imageDigest), undefined);
  } finally {
    await upgraded.close();
  }
});
