import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TestRepo } from './helpers/git-repo.ts';

const cli = new URL('../bin/trunkline.js', import.meta.url).pathname;

/** A typical exec pipeline: tests, a build, parallel checks, a secret, a step on failure. */
const pipeline = (testCommand: string) => `
kind: pipeline
type: exec
name: ci

platform:
  os: linux
  arch: amd64

steps:
- name: test
  commands:
  - ${testCommand}

- name: build
  depends_on: [test]
  commands:
  - mkdir -p dist
  - echo "app $TRUNKLINE_IMAGE_TAG" > dist/app.txt

- name: lint
  depends_on: [build]
  commands:
  - grep -q app dist/app.txt

- name: size
  depends_on: [build]
  commands:
  - wc -c dist/app.txt

- name: publish
  depends_on: [lint, size]
  environment:
    REGISTRY_TOKEN:
      from_secret: registry_token
  commands:
  - echo "publishing with $REGISTRY_TOKEN"
  - test "$REGISTRY_TOKEN" = "$EXPECTED"

- name: notify-failure
  depends_on: [publish]
  commands:
  - echo "the build failed" > failure-notified
  when:
    status: [failure]
`;

function exec(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [cli, 'exec', '--secret', 'registry_token=s3cr3t-registry-token', '--env', 'EXPECTED=s3cr3t-registry-token', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

test('trunkline exec runs a typical pipeline in the current folder', (t) => {
  const repo = new TestRepo();
  t.after(() => rmSync(repo.dir, { recursive: true, force: true }));
  const sha = repo.commit({ '.drone.yml': pipeline('echo "tests pass"'), 'README': 'demo\n' });

  const result = exec(repo.dir, '--branch', 'feature/login');
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^── test$/m);
  assert.match(result.stdout, /^\[test\] tests pass$/m);
  assert.match(result.stdout, /^\[publish\] publishing with \*{8}$/m);
  assert.doesNotMatch(result.stdout, /s3cr3t-registry-token/);
  assert.match(result.stdout, /^Result: success$/m);
  assert.match(result.stdout, /^ {2}✔ lint +\d+\.\d\ds$/m);
  assert.match(result.stdout, /^ {2}– notify-failure +skipped/m);
  assert.equal(readFileSync(join(repo.dir, 'dist/app.txt'), 'utf8'), `app 1-feature-login-${sha.slice(0, 8)}\n`);
  assert.equal(existsSync(join(repo.dir, 'failure-notified')), false);
});

test('trunkline exec fails with the failing step, runs the failure step, skips the rest', (t) => {
  const repo = new TestRepo();
  t.after(() => rmSync(repo.dir, { recursive: true, force: true }));
  repo.commit({ '.drone.yml': pipeline('exit 4') });

  const result = exec(repo.dir);
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /^Result: failure$/m);
  assert.match(result.stdout, /✖ test .*exit 4/);
  assert.match(result.stdout, /– build +skipped/);
  assert.equal(readFileSync(join(repo.dir, 'failure-notified'), 'utf8'), 'the build failed\n');
});

test('trunkline exec refuses a broken file with positioned diagnostics', (t) => {
  const repo = new TestRepo();
  t.after(() => rmSync(repo.dir, { recursive: true, force: true }));
  repo.commit({ '.drone.yml': 'kind: pipeline\ntype: exec\nname: x\nsteps:\n- name: a\n  commands: [echo hi]\n  depends_on: [a]\n' });
  const result = exec(repo.dir);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /\.drone\.yml:\d+:\d+: error: .*cycle|\.drone\.yml:\d+:\d+: error: .*depends on itself/i);
});

test('trunkline lint prints JSON diagnostics', (t) => {
  const repo = new TestRepo();
  t.after(() => rmSync(repo.dir, { recursive: true, force: true }));
  repo.commit({ '.drone.yml': 'kind: pipeline\ntype: exec\nname: x\nsteps:\n- name: a\n  comands: [true]\n' });
  const result = spawnSync(process.execPath, [cli, 'lint', '--format', 'json'], { cwd: repo.dir, encoding: 'utf8' });
  const diagnostics = JSON.parse(result.stdout) as { severity: string; line: number; column: number; message: string }[];
  const unknown = diagnostics.find((d) => /comands/.test(d.message));
  assert.ok(unknown, result.stdout);
  assert.equal(unknown.severity, 'warning');
  assert.equal(unknown.line, 6);
  assert.match(unknown.message, /commands/);
});
