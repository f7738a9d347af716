import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FolderExtractor } from './extract.ts';

let repo: string;
let commit: string;

before(() => {
  repo = mkdtempSync(join(tmpdir(), 'tl-extract-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  for (const app of ['a', 'b']) {
    mkdirSync(join(repo, 'apps', app), { recursive: true });
    writeFileSync(join(repo, 'apps', app, 'cm.yaml'), `name: ${app}\n`);
  }
  git('add', '-A');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-m', 'apps');
  commit = git('rev-parse', 'HEAD');
});

after(() => rmSync(repo, { recursive: true, force: true }));

test('folders asked for in one turn unpack together, and the tree is removed once every user is done', async () => {
  const extractor = new FolderExtractor();
  const roots: string[] = [];
  const read = (path: string) => extractor.with(repo, commit, path, async (root) => {
    roots.push(root);
    return readFileSync(join(root, path, 'cm.yaml'), 'utf8');
  });
  assert.deepEqual(await Promise.all([read('apps/a'), read('apps/b')]), ['name: a\n', 'name: b\n']);
  assert.equal(roots[0], roots[1], 'one unpacked tree for both');
  assert.equal(existsSync(roots[0]!), false, 'removed after use');
  // A later turn gets a tree of its own.
  await read('apps/a');
  assert.notEqual(roots[2], roots[0]);
});

test('a path that does not exist fails alone; the rest of its batch still unpacks', async () => {
  const extractor = new FolderExtractor();
  const read = (path: string) => extractor.with(repo, commit, path, async (root) => readFileSync(join(root, path, 'cm.yaml'), 'utf8'));
  const [good, bad] = await Promise.allSettled([read('apps/a'), read('apps/missing')]);
  assert.deepEqual(good, { status: 'fulfilled', value: 'name: a\n' });
  assert.equal(bad?.status, 'rejected');
  assert.match(String((bad as PromiseRejectedResult).reason), /git archive failed/);
});

test("'' unpacks the whole tree", async () => {
  const extractor = new FolderExtractor();
  assert.equal(await extractor.with(repo, commit, '', async (root) => readFileSync(join(root, 'apps/b/cm.yaml'), 'utf8')), 'name: b\n');
});
