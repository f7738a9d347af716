import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ConflictError } from '../../core/index.ts';
import { git, readCommit } from '../../git/index.ts';
import { ConfigRepository } from './config-repository.ts';
import { parseRelease } from './release-file.ts';
import { setVersion } from './set-version.ts';
import { refUpdates, sandbox } from './test-support/repos.ts';

const stagingRelease = `# api in staging: bumped by the release pipeline
chart:
  repository: oci://registry.example.com/charts/api
  version: 0.1.41
image:
  repository: registry.example.com/acme/api # moved in May
  tag: 41-main-0a0b0c0d
`;

test('sets a version in two environments with one commit as the configured identity', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  const seeded = await box.seed(
    {
      'environments/staging/api/release.yaml': stagingRelease,
      'environments/staging/api/values.yaml': 'replicas: 2\n',
      'environments/production/api/values.yaml': 'replicas: 3\n',
      'environments/staging/web/release.yaml': 'image:\n  repository: registry.example.com/acme/web\n  tag: 7-main-aaaaaaaa\n',
    },
    'seed',
  );
  const repo = new ConfigRepository({ remote: box.remote, workdir: box.workdir('one') });

  const result = await setVersion({
    repo,
    service: 'api',
    environments: ['staging', 'production'],
    image: { tag: '42-main-1a2b3c4d', repository: 'registry.example.com/acme/api' },
    chart: { version: '0.1.42', repository: 'oci://registry.example.com/charts/api' },
    build: { url: 'https://trunkline.example.com/acme/api/builds/42' },
    source: { repo: 'acme/api', commit: '1a2b3c4d5e6f70819293a4b5c6d7e8f901234567' },
    identity: { name: 'Release Bot', email: 'release@example.com' },
  });

  assert.equal(result.attempts, 1);
  assert.deepEqual(result.changed, ['environments/production/api/release.yaml', 'environments/staging/api/release.yaml']);
  assert.ok(result.commit);
  assert.equal(await box.tip(), result.commit);
  const info = await readCommit(box.remote, result.commit);
  assert.equal(info.authorName, 'Release Bot');
  assert.equal(info.authorEmail, 'release@example.com');
  const committer = (await git(['show', '-s', '--format=%cn <%ce>', result.commit], { cwd: box.remote })).stdout.trim();
  assert.equal(committer, 'Release Bot <release@example.com>');
  assert.equal(
    info.message,
    'api: 42-main-1a2b3c4d to staging, production\n\nChart: 0.1.42\nBuild: https://trunkline.example.com/acme/api/builds/42\nSource: acme/api@1a2b3c4d5e6f70819293a4b5c6d7e8f901234567',
  );
  assert.equal((await git(['rev-parse', `${result.commit}^`], { cwd: box.remote })).stdout.trim(), seeded);

  // The edited file keeps its comments; the new one is complete.
  const staging = await box.show('main', 'environments/staging/api/release.yaml');
  assert.match(staging, /^# api in staging: bumped by the release pipeline/);
  assert.match(staging, /# moved in May/);
  assert.deepEqual(parseRelease(staging, 'staging'), {
    chart: { repository: 'oci://registry.example.com/charts/api', version: '0.1.42' },
    image: { repository: 'registry.example.com/acme/api', tag: '42-main-1a2b3c4d' },
  });
  const production = parseRelease(await box.show('main', 'environments/production/api/release.yaml'), 'production');
  assert.deepEqual(production, {
    chart: { repository: 'oci://registry.example.com/charts/api', version: '0.1.42' },
    image: { repository: 'registry.example.com/acme/api', tag: '42-main-1a2b3c4d' },
  });
  assert.equal(await box.show('main', 'environments/staging/api/values.yaml'), 'replicas: 2\n');
});

test('the same version again makes no commit; the default identity is Trunkline', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  await box.seed({ 'README.md': 'config\n' }, 'seed');
  const repo = new ConfigRepository({ remote: box.remote, workdir: box.workdir('one') });
  const options = { repo, service: 'api', environments: ['staging'], image: { tag: '42-main-1a2b3c4d', repository: 'registry.example.com/acme/api' } };

  const first = await setVersion(options);
  assert.ok(first.commit);
  const info = await readCommit(box.remote, first.commit);
  assert.equal(`${info.authorName} <${info.authorEmail}>`, 'Trunkline <trunkline@localhost>');
  assert.equal(info.message, 'api: 42-main-1a2b3c4d to staging');

  const again = await setVersion(options);
  assert.deepEqual(again, { commit: first.commit, changed: [], attempts: 1 });
  // Without a repository, the tag alone is enough once the file exists; still a no-op.
  const tagOnly = await setVersion({ repo, service: 'api', environments: ['staging'], image: { tag: '42-main-1a2b3c4d' } });
  assert.deepEqual(tagOnly.changed, []);
  assert.equal(await box.tip(), first.commit);
  assert.equal((await refUpdates(box.remote)).length, 2);

  // Only the environments that change are named and committed.
  const next = await setVersion({ repo, service: 'api', environments: ['staging', 'production'], image: { tag: '43-main-2b3c4d5e', repository: 'registry.example.com/acme/api' } });
  assert.deepEqual(next.changed, ['environments/production/api/release.yaml', 'environments/staging/api/release.yaml']);
  const partial = await setVersion({ repo, service: 'api', environments: ['staging', 'test'], image: { tag: '43-main-2b3c4d5e', repository: 'registry.example.com/acme/api' } });
  assert.deepEqual(partial.changed, ['environments/test/api/release.yaml']);
  assert.ok(partial.commit);
  assert.equal((await readCommit(box.remote, partial.commit)).message, 'api: 43-main-2b3c4d5e to test');
});

test('writes the first commit of an empty config repository', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  const repo = new ConfigRepository({ remote: box.remote, workdir: box.workdir('one') });
  const result = await setVersion({ repo, service: 'api', environments: ['staging'], image: { tag: '1-main-00000000', repository: 'registry.example.com/acme/api' } });
  assert.deepEqual(result.changed, ['environments/staging/api/release.yaml']);
  assert.equal(await box.tip(), result.commit);
});

test('refuses bad input before any commit, and a malformed version file names file:line:col', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  const seeded = await box.seed({ 'environments/staging/api/release.yaml': 'image:\n  repository: registry.example.com/acme/api\n  tag: [oops]\n' }, 'seed');
  const repo = new ConfigRepository({ remote: box.remote, workdir: box.workdir('one') });

  await assert.rejects(setVersion({ repo, service: 'api', environments: ['staging'], image: { tag: '2-main-11111111' } }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /^environments\/staging\/api\/release\.yaml:3:8: image\.tag: expected string, got a list$/);
    return true;
  });
  await assert.rejects(setVersion({ repo, service: '../etc', environments: ['staging'], image: { tag: 'x' } }), ConfigError);
  await assert.rejects(setVersion({ repo, service: 'api', environments: ['Staging/..'], image: { tag: 'x' } }), ConfigError);
  await assert.rejects(setVersion({ repo, service: 'api', environments: [], image: { tag: 'x' } }), ConfigError);
  await assert.rejects(setVersion({ repo, service: 'api', environments: ['prod'], image: { tag: 'bad tag' } }), ConfigError);
  await assert.rejects(setVersion({ repo, service: 'web', environments: ['prod'], image: { tag: '1-main-00000000' } }), /does not exist yet: give the image repository/);
  await assert.rejects(
    setVersion({ repo, service: 'web', environments: ['prod'], image: { tag: '1', repository: 'r.example.com/web' }, chart: { version: '0.1' , repository: 'oci://r.example.com/charts/web' } }),
    /chart\.version: expected a SemVer chart version/,
  );
  assert.equal(await box.tip(), seeded);
});

test('a push the remote refuses for good is a ConflictError, not retried', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  const seeded = await box.seed({ 'README.md': 'config\n' }, 'seed');
  const { writeFile, chmod } = await import('node:fs/promises');
  const hook = `${box.remote}/hooks/pre-receive`;
  await writeFile(hook, '#!/bin/sh\necho "main is frozen" >&2\nexit 1\n');
  await chmod(hook, 0o755);
  const repo = new ConfigRepository({ remote: box.remote, workdir: box.workdir('one') });
  await assert.rejects(
    setVersion({ repo, service: 'api', environments: ['staging'], image: { tag: '1-main-00000000', repository: 'registry.example.com/acme/api' } }),
    (error: unknown) => error instanceof ConflictError && /refused the push to main: \[remote rejected\]/.test(error.message),
  );
  assert.equal(await box.tip(), seeded);
});
