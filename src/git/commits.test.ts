import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from './cli.ts';
import { changedFiles, readCommit, readFileAt, resolveCommit, ZERO_SHA } from './commits.ts';
import { Mirror } from './mirror.ts';
import { NotFoundError, ExternalError } from '../core/index.ts';

const author = { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };

async function makeRepo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tl-git-'));
  await git(['init', '-q', '-b', 'main'], { cwd: dir });
  return dir;
}

async function commit(dir: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  await git(['add', '-A'], { cwd: dir });
  await git(['commit', '-q', '-m', message], { cwd: dir, env: author });
  return resolveCommit(dir, 'HEAD');
}

test('reads commits, files and changes', async (t) => {
  const dir = await makeRepo();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const first = await commit(dir, { 'a.txt': 'a', '.drone.yml': 'kind: pipeline\n' }, 'first\n\nbody line');
  const second = await commit(dir, { 'b.txt': 'b' }, 'second');

  assert.equal(await resolveCommit(dir, 'main'), second);
  await assert.rejects(resolveCommit(dir, 'no-such-branch'), NotFoundError);

  const info = await readCommit(dir, first);
  assert.equal(info.sha, first);
  assert.equal(info.authorName, 'Ada');
  assert.equal(info.authorEmail, 'ada@example.com');
  assert.equal(info.message, 'first\n\nbody line');

  assert.equal(await readFileAt(dir, first, '.drone.yml'), 'kind: pipeline\n');
  assert.equal(await readFileAt(dir, first, 'b.txt'), undefined);
  assert.deepEqual(await changedFiles(dir, first, second), ['b.txt']);
  assert.deepEqual((await changedFiles(dir, ZERO_SHA, first)).sort(), ['.drone.yml', 'a.txt']);
});

test('a mirror clones once, then follows new commits and deleted branches', async (t) => {
  const origin = await makeRepo();
  const cache = await mkdtemp(join(tmpdir(), 'tl-mirror-'));
  t.after(() => Promise.all([rm(origin, { recursive: true, force: true }), rm(cache, { recursive: true, force: true })]));
  await commit(origin, { 'a.txt': '1' }, 'one');
  await git(['branch', 'feature-x'], { cwd: origin });

  const mirror = new Mirror(origin, join(cache, 'repo.git'));
  await mirror.update();
  assert.ok(await resolveCommit(mirror.path, 'feature-x'));

  const next = await commit(origin, { 'a.txt': '2' }, 'two');
  await git(['branch', '-D', 'feature-x'], { cwd: origin });
  await Promise.all([mirror.update(), mirror.update()]);
  assert.equal(await resolveCommit(mirror.path, 'main'), next);
  await assert.rejects(resolveCommit(mirror.path, 'feature-x'), NotFoundError);
});

test('a failing git command is an ExternalError with git\'s message', async () => {
  await assert.rejects(git(['clone', '/nonexistent/repo', join(tmpdir(), 'never')]), (error: unknown) => {
    assert.ok(error instanceof ExternalError);
    assert.match(error.message, /does not exist|not a git repository|Could not read/i);
    return true;
  });
});
