import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError } from '../../core/index.ts';
import { git } from '../../git/index.ts';
import { ConfigRepository } from './config-repository.ts';
import { giteaPullRequests } from './pull-requests/index.ts';
import { api } from './test-support/api-server.ts';
import { setVersion } from './set-version.ts';
import { sandbox } from './test-support/repos.ts';

const image = { tag: '42-main-1a2b3c4d', repository: 'registry.example.com/acme/api' };

test('review mode pushes a branch off the followed one and opens a pull request; main is untouched', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  const seeded = await box.seed({ 'README.md': 'config\n' }, 'seed');
  const repo = new ConfigRepository({ remote: box.remote, workdir: box.workdir('one') });
  const server = await api(() => ({ status: 201, body: { number: 5, html_url: 'https://gitea.example.com/acme/config/pulls/5' } }));
  t.after(server.close);
  const opener = giteaPullRequests({ apiUrl: `${server.url}/api/v1`, token: 'tok', namespace: 'acme', name: 'config' });

  const result = await setVersion({ repo, service: 'api', environments: ['production'], image, source: { repo: 'acme/api', commit: 'abc' }, review: { opener } });

  assert.equal(result.branch, 'trunkline/api-42-main-1a2b3c4d');
  assert.deepEqual(result.pullRequest, { number: 5, url: 'https://gitea.example.com/acme/config/pulls/5' });
  assert.equal(await box.tip(), seeded, 'the followed branch does not move');
  assert.equal(await box.tip('trunkline/api-42-main-1a2b3c4d'), result.commit);
  assert.equal((await git(['rev-parse', `${result.commit}^`], { cwd: box.remote })).stdout.trim(), seeded);
  assert.match(await box.show('trunkline/api-42-main-1a2b3c4d', 'environments/production/api/release.yaml'), /tag: 42-main-1a2b3c4d/);
  assert.equal(server.received.length, 1);
  assert.equal(server.received[0]?.url, '/api/v1/repos/acme/config/pulls');
  assert.deepEqual(server.received[0]?.body, { title: 'api: 42-main-1a2b3c4d to production', body: 'Source: acme/api@abc', head: 'trunkline/api-42-main-1a2b3c4d', base: 'main' });
});

test('review mode without an opener (the built-in host) records the branch only', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  await box.seed({ 'README.md': 'config\n' }, 'seed');
  const repo = new ConfigRepository({ remote: box.remote, workdir: box.workdir('one') });
  const result = await setVersion({ repo, service: 'api', environments: ['production'], image, review: {} });
  assert.equal(result.branch, 'trunkline/api-42-main-1a2b3c4d');
  assert.equal(result.pullRequest, undefined);
  assert.equal(await box.tip(result.branch), result.commit);

  // Main moved meanwhile: the same review branch cannot be pushed again without force.
  await box.seed({ 'README.md': 'changed\n' }, 'elsewhere');
  await assert.rejects(setVersion({ repo, service: 'api', environments: ['production'], image, review: {} }), ConflictError);
  assert.equal(await box.tip(result.branch), result.commit);
});
