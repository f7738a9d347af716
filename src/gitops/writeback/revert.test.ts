import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../core/index.ts';
import { git, readCommit } from '../../git/index.ts';
import { ConfigRepository } from './config-repository.ts';
import { revertTo } from './revert.ts';
import { setVersion } from './set-version.ts';
import { refUpdates, sandbox } from './test-support/repos.ts';

const image = (tag: string) => ({ tag, repository: 'registry.example.com/acme/api' });

test('reverts a path to an earlier revision with a new commit, keeping history and other paths', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  await box.seed({ 'environments/production/api/values.yaml': 'replicas: 2\n' }, 'seed');
  const repo = new ConfigRepository({ remote: box.remote, workdir: box.workdir('one') });
  const good = await setVersion({ repo, service: 'api', environments: ['production', 'staging'], image: image('41-main-aaaaaaaa') });
  const goodState = await box.show(good.commit ?? '', 'environments/production/api/release.yaml');
  const bad = await setVersion({ repo, service: 'api', environments: ['production', 'staging'], image: image('42-main-bbbbbbbb') });
  // A person also adds a file and changes the values in production after the good release.
  await box.seed({ 'environments/production/api/extra.yaml': 'kind: ConfigMap\n', 'environments/production/api/values.yaml': 'replicas: 5\n' }, 'tune production');
  const before = await box.tip();

  const result = await revertTo({ repo, revision: good.commit ?? '', path: 'environments/production/api', reason: 'INC-7: 42 crashes on start', identity: { name: 'Ops', email: 'ops@example.com' } });

  assert.ok(result.commit);
  assert.equal(await box.tip(), result.commit);
  assert.equal((await git(['rev-parse', `${result.commit}^`], { cwd: box.remote })).stdout.trim(), before, 'a new commit on top: history kept');
  assert.deepEqual(result.changed, [
    'environments/production/api/extra.yaml',
    'environments/production/api/release.yaml',
    'environments/production/api/values.yaml',
  ]);
  assert.equal(result.reverted.length, 2);
  assert.equal(result.reverted[1], bad.commit);
  assert.equal(await box.show('main', 'environments/production/api/release.yaml'), goodState);
  assert.equal(await box.show('main', 'environments/production/api/values.yaml'), 'replicas: 2\n');
  await assert.rejects(box.show('main', 'environments/production/api/extra.yaml'));
  // Staging is outside the path: still on the newer version.
  assert.match(await box.show('main', 'environments/staging/api/release.yaml'), /tag: 42-main-bbbbbbbb/);

  const info = await readCommit(box.remote, result.commit);
  assert.equal(`${info.authorName} <${info.authorEmail}>`, 'Ops <ops@example.com>');
  assert.match(info.message, new RegExp(`^Revert environments/production/api to ${(good.commit ?? '').slice(0, 8)}\n`));
  assert.match(info.message, new RegExp(`- ${(bad.commit ?? '').slice(0, 8)} api: 42-main-bbbbbbbb to production, staging`));
  assert.match(info.message, /Reason: INC-7: 42 crashes on start$/);

  // Already there: no commit.
  const again = await revertTo({ repo, revision: good.commit ?? '', path: 'environments/production/api' });
  assert.deepEqual(again, { commit: result.commit, changed: [], attempts: 1, reverted: [] });
  // Every update of main was a fast-forward.
  const updates = await refUpdates(box.remote);
  for (const [i, [old]] of updates.entries()) if (i > 0) assert.equal(old, updates[i - 1]?.[1]);
});

test('reverts the whole repository, and refuses a revision that is not an earlier one', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  const first = await box.seed({ 'a.yaml': 'a: 1\n' }, 'one');
  await box.seed({ 'a.yaml': 'a: 2\n', 'b.yaml': 'b: 1\n' }, 'two');
  const repo = new ConfigRepository({ remote: box.remote, workdir: box.workdir('one') });

  const result = await revertTo({ repo, revision: first });
  assert.deepEqual(result.changed, ['a.yaml', 'b.yaml']);
  assert.equal(await box.show('main', 'a.yaml'), 'a: 1\n');
  const tree = async (rev: string) => (await git(['rev-parse', `${rev}^{tree}`], { cwd: box.remote })).stdout.trim();
  assert.equal(await tree('main'), await tree(first));
  assert.equal((await git(['rev-list', '--count', 'main'], { cwd: box.remote })).stdout.trim(), '3');

  await box.seed({ 'c.yaml': 'c: 1\n' }, 'three');
  const side = (await git(['commit-tree', `${first}^{tree}`, '-m', 'elsewhere'], { cwd: box.remote, env: { GIT_AUTHOR_NAME: 'x', GIT_AUTHOR_EMAIL: 'x@x', GIT_COMMITTER_NAME: 'x', GIT_COMMITTER_EMAIL: 'x@x' } })).stdout.trim();
  await git(['update-ref', 'refs/heads/side', side], { cwd: box.remote });
  await git(['fetch', '-q', box.remote, 'side'], { cwd: repo.workdir });
  await assert.rejects(revertTo({ repo, revision: side }), ConfigError);
  await assert.rejects(revertTo({ repo, revision: first, path: '../x' }), ConfigError);
});

test('a revert racing a release is redone on the new tip', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  await box.seed({ 'README.md': 'config\n' }, 'seed');
  const one = new ConfigRepository({ remote: box.remote, workdir: box.workdir('one'), retry: { attempts: 30 } });
  const two = new ConfigRepository({ remote: box.remote, workdir: box.workdir('two'), retry: { attempts: 30 } });
  const good = await setVersion({ repo: one, service: 'api', environments: ['production'], image: image('1-main-aaaaaaaa') });
  await setVersion({ repo: one, service: 'api', environments: ['production'], image: image('2-main-bbbbbbbb') });

  const [reverted, released] = await Promise.all([
    revertTo({ repo: one, revision: good.commit ?? '', path: 'environments/production/api' }),
    setVersion({ repo: two, service: 'web', environments: ['production'], image: { tag: '9-main-cccccccc', repository: 'registry.example.com/acme/web' } }),
  ]);
  assert.ok(reverted.commit && released.commit);
  assert.match(await box.show('main', 'environments/production/api/release.yaml'), /tag: 1-main-aaaaaaaa/);
  assert.match(await box.show('main', 'environments/production/web/release.yaml'), /tag: 9-main-cccccccc/);
});
