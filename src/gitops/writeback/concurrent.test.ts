import { test } from 'node:test';
import assert from 'node:assert/strict';
import { git } from '../../git/index.ts';
import { ConfigRepository } from './config-repository.ts';
import { parseRelease } from './release-file.ts';
import { setVersion } from './set-version.ts';
import { refUpdates, sandbox } from './test-support/repos.ts';

test('20 concurrent writers on one config repository: 20 commits land, none lost, history only grows', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  const seeded = await box.seed({ 'README.md': 'config\n' }, 'seed');

  // 10 services × 2 environments: pairs of writers edit the same service (and its folders) at once.
  // Each writer has its own local copy, as separate pipeline processes would, so their pushes really race.
  const writers = Array.from({ length: 20 }, (_, i) => {
    const service = `svc-${i % 10}`;
    const environment = i < 10 ? 'staging' : 'production';
    const tag = `${i + 1}-main-${String(i).padStart(8, '0')}`;
    return { service, environment, tag, repo: new ConfigRepository({ remote: box.remote, workdir: box.workdir(`w${i}`), retry: { attempts: 60 } }) };
  });
  const results = await Promise.all(
    writers.map((w) => setVersion({ repo: w.repo, service: w.service, environments: [w.environment], image: { tag: w.tag, repository: `registry.example.com/acme/${w.service}` } })),
  );

  for (const [i, result] of results.entries()) assert.deepEqual(result.changed, [`environments/${writers[i]?.environment}/${writers[i]?.service}/release.yaml`]);
  // Racing is the point: with 20 writers, someone must have lost at least once and redone the change.
  assert.ok(results.some((r) => r.attempts > 1), 'no push race happened');

  const { stdout } = await git(['rev-list', '--first-parent', `${seeded}..main`], { cwd: box.remote });
  const commits = stdout.split('\n').filter((l) => l !== '');
  assert.equal(commits.length, 20);
  assert.deepEqual(new Set(commits), new Set(results.map((r) => r.commit)));
  const merges = (await git(['rev-list', '--merges', 'main'], { cwd: box.remote })).stdout.trim();
  assert.equal(merges, '', 'history is linear');

  for (const w of writers) {
    const release = parseRelease(await box.show('main', `environments/${w.environment}/${w.service}/release.yaml`), w.service);
    assert.equal(release.image.tag, w.tag, `${w.environment}/${w.service} lost its version`);
  }

  // Every update of the remote's branch was a fast-forward of the previous tip (the remote also denies non-fast-forwards).
  const updates = await refUpdates(box.remote);
  assert.equal(updates.length, 21);
  for (const [i, [old, next]] of updates.entries()) {
    if (i === 0) continue;
    assert.equal(old, updates[i - 1]?.[1]);
    assert.equal((await git(['rev-parse', `${next}^`], { cwd: box.remote })).stdout.trim(), old, 'each pushed commit sits on the previous tip');
  }
});

test('writers sharing one local copy run one at a time and never race each other', async (t) => {
  const box = await sandbox();
  t.after(() => box.cleanup());
  await box.seed({ 'README.md': 'config\n' }, 'seed');
  const repo = new ConfigRepository({ remote: box.remote, workdir: box.workdir('shared'), retry: { attempts: 1 } });
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      setVersion({ repo, service: 'api', environments: [`env-${i}`], image: { tag: `${i}-main-00000000`, repository: 'registry.example.com/acme/api' } }),
    ),
  );
  assert.deepEqual(
    results.map((r) => r.attempts),
    [1, 1, 1, 1, 1, 1],
  );
  for (let i = 0; i < 6; i++) {
    assert.equal(parseRelease(await box.show('main', `environments/env-${i}/api/release.yaml`), 'x').image.tag, `${i}-main-00000000`);
  }
});
