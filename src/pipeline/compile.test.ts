import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/index.ts';
import { compilePlan } from './compile.ts';
import type { BuildContext } from './context.ts';
import type { Diagnostic } from './diagnostic.ts';
import { parsePipelineFile } from './parse.ts';

const sha = '3c8ac2ecec5fa547650488ea7c94f2a92c2d9c43';
function context(event: BuildContext['build']['event'] = 'push', over: Partial<BuildContext['commit']> = {}, changedFiles?: string[]): BuildContext {
  return {
    repo: { namespace: 'acme', name: 'shop', link: 'http://git/acme/shop', cloneUrl: 'http://git/acme/shop.git', defaultBranch: 'main', visibility: 'private', private: true },
    build: { number: 12, event, trigger: '@hook', created: 1700000000, link: 'http://ci/acme/shop/12', params: { EXTRA: 'param' } },
    commit: {
      sha, before: '0'.repeat(40), ref: 'refs/heads/main', branch: 'main', sourceBranch: 'main', targetBranch: 'main', message: 'msg', link: '',
      author: { name: 'Alice', email: 'alice@example.com', username: 'alice', avatar: '' }, ...over,
    },
    changedFiles,
    system: { proto: 'http', host: 'ci.local', version: '0.1.0' },
  };
}
const compile = (text: string, ctx = context()) => compilePlan(parsePipelineFile(text, '.drone.yml'), ctx);

const realistic = `# A service with tests, an image, a chart and deployments.
kind: pipeline
type: docker
name: test

environment:
  NODE_ENV: test
  LOG_LEVEL: info

services:
- name: postgres
  image: postgres:16
  environment:
    POSTGRES_PASSWORD: {from_secret: db_password}

steps:
- name: install
  image: node:24
  commands: [npm ci]
- name: lint
  image: node:24
  commands: [npm run lint]
  depends_on: [install]
- name: unit
  image: node:24
  environment:
    LOG_LEVEL: debug
    DATABASE_URL: postgres://postgres@postgres/test
  commands: [npm test]
  depends_on: [install]
- name: coverage
  image: node:24
  commands: [npm run coverage]
  depends_on: [lint, unit]
  when:
    paths: {include: [src/**]}

trigger:
  event: [push, pull_request]

---
kind: pipeline
type: docker
name: image
depends_on: [test]

steps:
- name: publish
  image: plugins/docker
  settings:
    repo: registry.local/acme/shop
    tags: ["\${TRUNKLINE_IMAGE_TAG}", latest]
    build_args:
      VERSION: \${DRONE_COMMIT_SHA:0:8}
    password: {from_secret: registry_password}
- name: notify
  image: plugins/webhook
  settings:
    urls: https://chat.example.com/hook
  when:
    status: [failure]

trigger:
  branch: [main, release/*]
  event: [push, tag]

---
kind: pipeline
type: exec
name: deploy-test
depends_on: [image]
clone:
  disable: true
platform:
  os: linux
  arch: arm64
steps:
- name: rollout
  commands:
  - trunkline deploy --env test --tag \${TRUNKLINE_IMAGE_TAG}
  - echo "$$HOME \${DRONE_BRANCH^^}"
trigger:
  branch: main
  event: push

---
kind: secret
name: registry_password
get: {path: ci/registry, name: password}
`;

describe('compilePlan', () => {
  it('compiles a realistic multi-pipeline file end to end', () => {
    const plan = compile(realistic, context('push', {}, ['README.md']));
    assert.deepEqual(plan.pipelines.map((p) => [p.name, p.type, p.runPolicy, p.dependsOn]), [
      ['test', 'docker', 'on-success', []],
      ['image', 'docker', 'on-success', ['test']],
      ['deploy-test', 'exec', 'on-success', ['image']],
    ]);
    const [test, image, deploy] = plan.pipelines;
    assert.ok(test && image && deploy);

    // Graph mode: steps without depends_on hang off the clone step.
    assert.deepEqual(test.steps.map((s) => [s.name, s.kind, s.dependsOn, s.runPolicy]), [
      ['clone', 'clone', [], 'always'],
      ['install', 'step', ['clone'], 'on-success'],
      ['lint', 'step', ['install'], 'on-success'],
      ['unit', 'step', ['install'], 'on-success'],
      ['coverage', 'step', ['lint', 'unit'], 'never'],
    ]);
    assert.equal(test.steps[4]?.skipReason, 'when.paths: no changed file matches include [src/**]');
    const unit = test.steps[3];
    assert.equal(unit?.environment.LOG_LEVEL, 'debug');
    assert.equal(unit?.environment.NODE_ENV, 'test');
    assert.equal(unit?.environment.DRONE_STEP_NAME, 'unit');
    assert.equal(unit?.environment.DRONE_STEP_NUMBER, '4');
    assert.equal(unit?.environment.DRONE_STAGE_NAME, 'test');
    assert.equal(unit?.environment.DRONE_STAGE_NUMBER, '1');
    assert.equal(unit?.environment.EXTRA, 'param');
    assert.equal(unit?.image, 'node:24');
    assert.deepEqual(test.workspace, { base: '/drone', path: 'src' });
    assert.deepEqual(test.platform, { os: 'linux', arch: 'amd64' });
    assert.deepEqual(test.services.map((s) => [s.name, s.kind, s.detach, s.image, s.secrets]), [
      ['postgres', 'service', true, 'postgres:16', [{ env: 'POSTGRES_PASSWORD', secret: 'db_password' }]],
    ]);
    assert.equal(test.services[0]?.environment.POSTGRES_PASSWORD, undefined);

    // Serial mode: each step after the previous one; settings become PLUGIN_*.
    assert.deepEqual(image.steps.map((s) => [s.name, s.dependsOn, s.runPolicy]), [
      ['clone', [], 'always'],
      ['publish', ['clone'], 'on-success'],
      ['notify', ['publish'], 'on-failure'],
    ]);
    const publish = image.steps[1];
    assert.equal(publish?.environment.PLUGIN_REPO, 'registry.local/acme/shop');
    assert.equal(publish?.environment.PLUGIN_TAGS, '12-main-3c8ac2ec,latest');
    assert.equal(publish?.environment.PLUGIN_BUILD_ARGS, '{"VERSION":"3c8ac2ec"}');
    assert.deepEqual(publish?.secrets, [{ env: 'PLUGIN_PASSWORD', secret: 'registry_password' }]);

    // Exec pipeline: no clone step, no image, substitution with $$ escaping.
    assert.deepEqual(deploy.steps.map((s) => [s.name, s.image, s.dependsOn]), [['rollout', '', []]]);
    assert.deepEqual(deploy.steps[0]?.commands, ['trunkline deploy --env test --tag 12-main-3c8ac2ec', 'echo "$HOME MAIN"']);
    assert.deepEqual(deploy.platform, { os: 'linux', arch: 'arm64' });
    assert.deepEqual(deploy.workspace, { base: '', path: 'src' });
    assert.equal(deploy.clone.disable, true);
    assert.equal(deploy.steps[0]?.environment.DRONE_STAGE_ARCH, 'arm64');
  });

  it('skips pipelines whose trigger does not match, with the reason', () => {
    const plan = compile(realistic, context('pull_request', { branch: 'main', ref: 'refs/pull/3/head', sourceBranch: 'feature/x' }));
    assert.deepEqual(plan.pipelines.map((p) => [p.name, p.runPolicy, p.skipReason]), [
      ['test', 'on-success', undefined],
      ['image', 'never', 'trigger.event: "pull_request" does not match include [push, tag]'],
      ['deploy-test', 'never', 'trigger.event: "pull_request" does not match include [push]'],
    ]);
  });

  it('orders pipelines after their dependencies, otherwise in file order', () => {
    const plan = compile('kind: pipeline\nname: c\ndepends_on: [b]\n---\nkind: pipeline\nname: a\n---\nkind: pipeline\nname: b\ndepends_on: [a]\n---\nkind: pipeline\nname: d\n');
    assert.deepEqual(plan.pipelines.map((p) => p.name), ['a', 'b', 'c', 'd']);
  });

  it('applies environment precedence: build < pipeline < step < settings', () => {
    const plan = compile(`kind: pipeline
name: p
environment: {DRONE_BRANCH: pipeline, A: pipeline, B: pipeline, S: {from_secret: s1}}
steps:
- name: x
  image: i
  environment: {B: step, PLUGIN_K: step, S: plain, T: {from_secret: s2}}
  settings: {k: setting}
`);
    const env = plan.pipelines[0]?.steps[1]?.environment ?? {};
    assert.equal(env.DRONE_BRANCH, 'pipeline');
    assert.equal(env.A, 'pipeline');
    assert.equal(env.B, 'step');
    assert.equal(env.PLUGIN_K, 'setting');
    assert.equal(env.S, 'plain');
    assert.deepEqual(plan.pipelines[0]?.steps[1]?.secrets, [{ env: 'T', secret: 's2' }]);
  });

  it('makes serial steps depend on the previous one, without clone when disabled', () => {
    const plan = compile('kind: pipeline\nname: p\nclone: {disable: true}\nsteps:\n- {name: a, image: i}\n- {name: b, image: i}\n- {name: c, image: i}\n');
    assert.deepEqual(plan.pipelines[0]?.steps.map((s) => [s.name, s.dependsOn]), [['a', []], ['b', ['a']], ['c', ['b']]]);
  });

  it('leaves graph steps without dependencies free when clone is disabled', () => {
    const plan = compile('kind: pipeline\nname: p\nclone: {disable: true}\nsteps:\n- {name: a, image: i}\n- {name: b, image: i, depends_on: [a]}\n- {name: c, image: i}\n');
    assert.deepEqual(plan.pipelines[0]?.steps.map((s) => [s.name, s.dependsOn]), [['a', []], ['b', ['a']], ['c', []]]);
  });

  it('copies step options and pipeline settings into the plan', () => {
    const plan = compile(`kind: pipeline
name: p
node: {zone: eu}
concurrency: {limit: 1}
image_pull_secrets: [dockerconfig]
workspace: {path: /go/src/app}
clone: {depth: 10, skip_verify: true, retries: 2}
volumes:
- {name: cache, temp: {}}
- {name: sock, host: {path: /var/run/docker.sock}}
steps:
- name: build
  image: golang
  entrypoint: [/bin/sh]
  command: [-c, make]
  privileged: true
  failure: ignore
  detach: true
  pull: if-not-exists
  user: root
  working_dir: sub
  volumes: [{name: cache, path: /cache}]
  resources: {requests: {cpu: 500m}}
`);
    const p = plan.pipelines[0];
    assert.ok(p);
    assert.deepEqual(p.node, { zone: 'eu' });
    assert.equal(p.concurrencyLimit, 1);
    assert.deepEqual(p.imagePullSecrets, ['dockerconfig']);
    assert.deepEqual(p.workspace, { base: '/go/src/app', path: '' });
    assert.deepEqual(p.clone, { disable: false, skipVerify: true, depth: 10, retries: 2 });
    assert.deepEqual(p.volumes, [{ name: 'cache', temp: {} }, { name: 'sock', host: { path: '/var/run/docker.sock' } }]);
    assert.equal(p.steps[0]?.environment.GIT_SSL_NO_VERIFY, 'true');
    assert.ok(p.steps[0]?.commands.some((c) => c.includes('--depth=10')));
    const s = p.steps[1];
    assert.deepEqual(
      s && [s.entrypoint, s.command, s.privileged, s.errorPolicy, s.detach, s.pull, s.user, s.workingDir, s.volumes, s.resources],
      [['/bin/sh'], ['-c', 'make'], true, 'ignore', true, 'if-not-exists', 'root', 'sub', [{ name: 'cache', path: '/cache' }], { requests: { cpu: '500m' } }],
    );
  });

  it('copies the pod settings of a kubernetes pipeline', () => {
    const plan = compile(`kind: pipeline
type: kubernetes
name: p
metadata: {namespace: ci, labels: {team: a}, annotations: {note: b}}
node_selector: {disktype: ssd}
tolerations:
- {key: gpu, operator: Exists, effect: NoSchedule, toleration_seconds: 60}
service_account_name: builder
steps:
- {name: a, image: i}
`);
    assert.deepEqual(plan.pipelines[0]?.kubernetes, {
      namespace: 'ci',
      labels: { team: 'a' },
      annotations: { note: 'b' },
      nodeSelector: { disktype: 'ssd' },
      tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }],
      serviceAccountName: 'builder',
    });
    assert.equal(compile('kind: pipeline\nname: p\nsteps:\n- {name: a, image: i}\n').pipelines[0]?.kubernetes, undefined);
  });

  it('throws a ConfigError carrying the error diagnostics', () => {
    let thrown: unknown;
    try {
      compile('kind: pipeline\nname: p\nsteps:\n- name: a\n  commands: [x]\n- name: b\n  image: i\n  depends_on: [nope]\n');
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof ConfigError);
    const details = thrown.details as Diagnostic[];
    assert.deepEqual(details.map((d) => [d.line, d.severity]), [[4, 'error'], [8, 'error']]);
    assert.match(thrown.message, /\.drone\.yml:4:3: error: missing required key "image"/);
  });

  it('rejects names that become duplicates after substitution', () => {
    assert.throws(
      () => compile('kind: pipeline\nname: p\nsteps:\n- {name: "${DRONE_BRANCH}", image: i}\n- {name: main, image: i}\n'),
      (e: unknown) => e instanceof ConfigError && /duplicate step name "main"/.test(e.message),
    );
  });
});
