import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic } from './diagnostic.ts';
import { parsePipelineFile } from './parse.ts';

const only = (text: string) => parsePipelineFile(text, '.drone.yml');

describe('parsePipelineFile', () => {
  it('reads pipelines, steps and defaults from several documents', () => {
    const f = only(`kind: pipeline
name: build
steps:
- name: test
  image: node:24
  commands: [npm ci, npm test]
  environment:
    PORT: 8080
    DEBUG: true
    EMPTY:
    TOKEN: {from_secret: npm_token}
  settings:
    repo: acme/app
  failure: ignore
  detach: true
  pull: always
  user: 1000
  working_dir: app
  resources: {limits: {cpu: 2, memory: 1Gi}}
---
kind: pipeline
type: exec
name: deploy
depends_on: [build]
clone: {depth: 5, skip_verify: true}
steps:
- name: go
  commands: [echo hi]
---
kind: secret
name: npm_token
get: {path: ci/npm, name: token}
---
kind: signature
hmac: abc
`);
    assert.deepEqual(f.diagnostics, []);
    assert.equal(f.pipelines.length, 2);
    const [build, deploy] = f.pipelines;
    assert.equal(build?.type, 'docker');
    const step = build?.steps[0];
    assert.equal(step?.image, 'node:24');
    assert.deepEqual(step?.commands, ['npm ci', 'npm test']);
    assert.deepEqual(step?.environment, { PORT: { value: '8080' }, DEBUG: { value: 'true' }, EMPTY: { value: '' }, TOKEN: { fromSecret: 'npm_token' } });
    assert.deepEqual(step?.settings, { repo: { value: 'acme/app' } });
    assert.equal(step?.failure, 'ignore');
    assert.equal(step?.detach, true);
    assert.equal(step?.pull, 'always');
    assert.equal(step?.user, '1000');
    assert.equal(step?.workingDir, 'app');
    assert.deepEqual(step?.resources, { limits: { cpu: '2', memory: '1Gi' }, requests: undefined });
    assert.equal(step?.dependsOn, undefined);
    assert.equal(deploy?.type, 'exec');
    assert.deepEqual(deploy?.dependsOn, ['build']);
    assert.deepEqual(deploy?.clone, { disable: false, depth: 5, skipVerify: true, retries: undefined });
    assert.deepEqual(deploy?.at, { doc: 1, path: [] });
    assert.deepEqual(f.secrets, [{ at: { doc: 2, path: [] }, name: 'npm_token', get: { path: 'ci/npm', name: 'token' } }]);
  });

  it('names an unnamed pipeline "default" and defaults its type to docker', () => {
    const f = only('kind: pipeline\nsteps:\n- name: a\n  image: alpine\n  commands: [true]\n');
    assert.equal(f.pipelines[0]?.name, 'default');
    assert.equal(f.pipelines[0]?.type, 'docker');
  });

  it('normalises every condition form', () => {
    const f = only(`kind: pipeline
name: p
trigger:
  branch: main
  event: [push, tag]
  ref: {include: refs/tags/*, exclude: [refs/tags/old-*]}
  cron:
steps:
- name: a
  image: alpine
  when: {status: [success, failure], paths: {exclude: [docs/**]}}
`);
    assert.deepEqual(f.diagnostics, []);
    assert.deepEqual(f.pipelines[0]?.trigger, {
      branch: { include: ['main'], exclude: [] },
      event: { include: ['push', 'tag'], exclude: [] },
      ref: { include: ['refs/tags/*'], exclude: ['refs/tags/old-*'] },
      cron: { include: [], exclude: [] },
    });
    assert.deepEqual(f.pipelines[0]?.steps[0]?.when.paths, { include: [], exclude: ['docs/**'] });
  });

  it('expands anchors and merge keys', () => {
    const f = only(`kind: pipeline
name: p
steps:
- &base
  name: a
  image: alpine
  commands: [echo a]
- <<: *base
  name: b
`);
    assert.deepEqual(f.diagnostics, []);
    assert.deepEqual(f.pipelines[0]?.steps.map((s) => [s.name, s.image]), [['a', 'alpine'], ['b', 'alpine']]);
  });
});

describe('parse diagnostics', () => {
  const diag = (text: string) => only(text).diagnostics.map((d) => ({ ...d, file: undefined }));

  it('gives a wrong type with its position, field path and what was found', () => {
    const [d, ...rest] = only(`kind: pipeline
name: build
steps:
- name: a
  image: alpine
- name: test
  image: node
  when:
    branch: {include: 3}
`).diagnostics;
    assert.equal(rest.length, 0);
    assert.deepEqual(d, {
      severity: 'error',
      file: '.drone.yml',
      line: 9,
      column: 23,
      field: 'pipeline "build" > steps[1] "test" > when.branch.include',
      message: 'expected a string or a list of strings, got the number 3',
    });
    assert.equal(formatDiagnostic(d), '.drone.yml:9:23: error: expected a string or a list of strings, got the number 3 [pipeline "build" > steps[1] "test" > when.branch.include]');
  });

  it('describes lists with a bad item and mappings where a string was expected', () => {
    const ds = diag('kind: pipeline\nname: p\nsteps:\n- name: a\n  image: {x: 1}\n  commands: [ok, [no]]\n');
    assert.deepEqual(
      ds.map((d) => [d.line, d.column, d.message]),
      [
        [5, 10, 'expected a string, got a mapping'],
        [6, 13, 'expected a list of strings, got a list whose item [1] is a list'],
      ],
    );
  });

  it('reports unknown keys on the key, with a suggestion when one is close', () => {
    const ds = diag('kind: pipeline\nname: p\nstesp: []\nsteps:\n- name: a\n  image: alpine\n  enviroment: {}\n  frobnicate: 1\n');
    assert.deepEqual(
      ds.map((d) => [d.severity, d.line, d.column, d.field, d.message]),
      [
        ['warning', 3, 1, 'pipeline "p" > stesp', 'unknown key "stesp"; did you mean "steps"?'],
        ['warning', 7, 3, 'pipeline "p" > steps[0] "a" > enviroment', 'unknown key "enviroment"; did you mean "environment"?'],
        ['warning', 8, 3, 'pipeline "p" > steps[0] "a" > frobnicate', 'unknown key "frobnicate"'],
      ],
    );
  });

  it('reports a missing key on the mapping that should hold it', () => {
    const ds = diag('kind: pipeline\nname: p\nsteps:\n- image: alpine\n  commands: [x]\n');
    assert.deepEqual(ds.map((d) => [d.line, d.column, d.field, d.message]), [
      [4, 3, 'pipeline "p" > steps[0] > name', 'missing required key "name": every step needs a name'],
    ]);
  });

  it('reports YAML syntax errors with their position and still reads the other documents', () => {
    const f = only('kind: pipeline\nname: ok\nsteps: []\n---\nkind: pipeline\nname: [broken\n');
    const errors = f.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length >= 1);
    assert.ok(errors.every((d) => d.line >= 5), JSON.stringify(errors));
    assert.deepEqual(f.pipelines.map((p) => p.name), ['ok']);
  });

  it('reports duplicate keys as errors', () => {
    const ds = diag('kind: pipeline\nname: a\nname: b\n');
    assert.equal(ds[0]?.severity, 'error');
    assert.equal(ds[0]?.line, 3);
  });

  it('warns about unknown kinds and fails documents without kind or not a mapping', () => {
    const ds = diag('kind: template\n---\nname: x\n---\n- a list\n');
    assert.deepEqual(ds.map((d) => [d.severity, d.line, d.message]), [
      ['warning', 1, 'unknown kind "template"; the document is ignored'],
      ['error', 3, 'missing required key "kind": pipeline, secret or signature'],
      ['error', 5, 'expected a mapping with a kind (pipeline, secret or signature)'],
    ]);
  });

  it('checks secrets, clone depth, environment values and enums', () => {
    const ds = diag(`kind: secret
name: s
---
kind: pipeline
name: p
clone: {depth: 0}
environment: {A: [1]}
steps:
- name: a
  image: alpine
  pull: sometimes
`);
    assert.deepEqual(ds.map((d) => [d.line, d.message]), [
      [1, 'expected a secret with get or data'],
      [6, 'expected a positive integer, got the number 0'],
      [7, 'expected a string, a number, a boolean or a mapping with from_secret, got a list whose item [0] is the number 1'],
      [11, 'expected "always", "never" or "if-not-exists", got the string "sometimes"'],
    ]);
  });

  it('keeps the valid rest of a step whose fields are partly wrong', () => {
    const f = only('kind: pipeline\nname: p\nsteps:\n- name: a\n  image: alpine\n  commands: [x]\n  detach: maybe\n');
    assert.equal(f.diagnostics.length, 1);
    assert.deepEqual(f.pipelines[0]?.steps[0]?.commands, ['x']);
    assert.equal(f.pipelines[0]?.steps[0]?.detach, false);
  });

  it('reports nothing for an empty file and for empty documents', () => {
    assert.deepEqual(only('').diagnostics, []);
    assert.deepEqual(only('---\n---\n').pipelines, []);
  });
});
