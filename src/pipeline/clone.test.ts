import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cloneCommands } from './clone.ts';
import type { CloneOptions } from './clone.ts';

// Runs the generated script with real git against a local repository.
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();

describe('clone script', () => {
  let root: string;
  let origin: string;
  const sha: Record<string, string> = {};

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'trunkline-clone-'));
    origin = join(root, 'origin');
    git(root, 'init', '--quiet', '--initial-branch=main', origin);
    for (const n of ['one', 'two', 'three']) {
      git(origin, 'commit', '--quiet', '--allow-empty', '-m', n);
      sha[n] = git(origin, 'rev-parse', 'HEAD');
    }
    git(origin, 'tag', '-a', 'v1.0.0', '-m', 'release', sha.two ?? '');
    git(origin, 'checkout', '--quiet', '-b', 'feature/x', sha.one ?? '');
    git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'pr');
    sha.pr = git(origin, 'rev-parse', 'HEAD');
    git(origin, 'update-ref', 'refs/pull/1/head', sha.pr);
    git(origin, 'checkout', '--quiet', 'main');
    git(origin, 'branch', '--quiet', '-D', 'feature/x');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  let n = 0;
  function run(options: CloneOptions, env: { ref: string; branch: string; sha: string }): string {
    const dir = join(root, `ws${n++}`);
    execFileSync('git', ['init', '--quiet', dir]); // only to create the folder; the script re-inits
    rmSync(join(dir, '.git'), { recursive: true });
    const script = ['set -e', ...cloneCommands(options)].join('\n');
    execFileSync('sh', ['-c', script], {
      cwd: dir,
      env: { ...gitEnv, DRONE_REMOTE_URL: `file://${origin}`, DRONE_COMMIT_REF: env.ref, DRONE_COMMIT_BRANCH: env.branch, DRONE_COMMIT_SHA: env.sha },
      stdio: 'pipe',
    });
    return dir;
  }

  it('checks out a push on its branch', () => {
    const dir = run({ onBranch: true, refGone: false }, { ref: 'refs/heads/main', branch: 'main', sha: sha.three ?? '' });
    assert.equal(git(dir, 'rev-parse', 'HEAD'), sha.three);
    assert.equal(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main');
  });

  it('checks out an older commit of a branch even with a shallow fetch', () => {
    const dir = run({ onBranch: true, refGone: false, depth: 1 }, { ref: 'refs/heads/main', branch: 'main', sha: sha.one ?? '' });
    assert.equal(git(dir, 'rev-parse', 'HEAD'), sha.one);
  });

  it('checks out a tag and a pull request head, detached', () => {
    const tag = run({ onBranch: false, refGone: false }, { ref: 'refs/tags/v1.0.0', branch: 'main', sha: sha.two ?? '' });
    assert.equal(git(tag, 'rev-parse', 'HEAD'), sha.two);
    const pr = run({ onBranch: false, refGone: false, depth: 5 }, { ref: 'refs/pull/1/head', branch: 'main', sha: sha.pr ?? '' });
    assert.equal(git(pr, 'rev-parse', 'HEAD'), sha.pr);
  });

  it('fetches the commit directly when the branch was deleted', () => {
    const dir = run({ onBranch: false, refGone: true }, { ref: 'refs/heads/feature/x', branch: 'feature/x', sha: sha.pr ?? '' });
    assert.equal(git(dir, 'rev-parse', 'HEAD'), sha.pr);
  });

  it('fails when the commit does not exist', () => {
    assert.throws(() => run({ onBranch: true, refGone: false }, { ref: 'refs/heads/main', branch: 'main', sha: 'f'.repeat(40) }));
  });
});
