import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BuildContext } from './context.ts';
import { buildEnvironment, stageEnvironment, stepEnvironment } from './environment.ts';
import { imageTag } from './image-tag.ts';
import { semverVariables } from './semver.ts';
import { encodeSetting, settingsVariables } from './settings.ts';

const sha = '3c8ac2ecec5fa547650488ea7c94f2a92c2d9c43';
function context(build: Partial<BuildContext['build']> = {}, commit: Partial<BuildContext['commit']> = {}): BuildContext {
  return {
    repo: { namespace: 'acme', name: 'app', link: 'http://git/acme/app', cloneUrl: 'http://git/acme/app.git', defaultBranch: 'main', visibility: 'private', private: true },
    build: { number: 42, event: 'push', trigger: 'alice', created: 1700000000, link: 'http://ci/acme/app/42', params: { GREETING: 'hi', DRONE_BUILD_NUMBER: 'spoofed' }, ...build },
    commit: {
      sha, before: '0'.repeat(40), ref: 'refs/heads/feature/login', branch: 'feature/login', sourceBranch: 'feature/login', targetBranch: 'feature/login',
      message: 'Add login', link: 'http://git/acme/app/commit/3c8a', author: { name: 'Alice', email: 'alice@example.com', username: 'alice', avatar: 'http://a/alice.png' },
      ...commit,
    },
    system: { proto: 'https', host: 'ci.example.com', version: '0.1.0' },
  };
}

describe('buildEnvironment', () => {
  it('sets Drone and CI variables for a push', () => {
    const env = buildEnvironment(context());
    const expected: Record<string, string> = {
      CI: 'true', DRONE: 'true', GREETING: 'hi',
      DRONE_BUILD_NUMBER: '42', DRONE_BUILD_PARENT: '0', DRONE_BUILD_EVENT: 'push', DRONE_BUILD_ACTION: '', DRONE_BUILD_CREATED: '1700000000',
      DRONE_BUILD_LINK: 'http://ci/acme/app/42', DRONE_BUILD_TRIGGER: 'alice',
      DRONE_BRANCH: 'feature/login', DRONE_SOURCE_BRANCH: 'feature/login', DRONE_TARGET_BRANCH: 'feature/login',
      DRONE_COMMIT: sha, DRONE_COMMIT_SHA: sha, DRONE_COMMIT_AFTER: sha, DRONE_COMMIT_BEFORE: '0'.repeat(40), DRONE_COMMIT_REF: 'refs/heads/feature/login',
      DRONE_COMMIT_BRANCH: 'feature/login', DRONE_COMMIT_LINK: 'http://git/acme/app/commit/3c8a', DRONE_COMMIT_MESSAGE: 'Add login',
      DRONE_COMMIT_AUTHOR: 'alice', DRONE_COMMIT_AUTHOR_NAME: 'Alice', DRONE_COMMIT_AUTHOR_EMAIL: 'alice@example.com', DRONE_COMMIT_AUTHOR_AVATAR: 'http://a/alice.png',
      DRONE_REPO: 'acme/app', DRONE_REPO_NAMESPACE: 'acme', DRONE_REPO_OWNER: 'acme', DRONE_REPO_NAME: 'app', DRONE_REPO_LINK: 'http://git/acme/app',
      DRONE_REPO_BRANCH: 'main', DRONE_REPO_PRIVATE: 'true', DRONE_REPO_VISIBILITY: 'private', DRONE_REPO_SCM: 'git',
      DRONE_GIT_HTTP_URL: 'http://git/acme/app.git', DRONE_REMOTE_URL: 'http://git/acme/app.git',
      DRONE_SYSTEM_HOST: 'ci.example.com', DRONE_SYSTEM_HOSTNAME: 'ci.example.com', DRONE_SYSTEM_PROTO: 'https', DRONE_SYSTEM_VERSION: '0.1.0',
      DRONE_DEPLOY_TO: '',
      CI_BUILD_NUMBER: '42', CI_COMMIT_SHA: sha, CI_REPO: 'acme/app', CI_COMMIT_BRANCH: 'feature/login', CI_BUILD_EVENT: 'push',
      TRUNKLINE_SHA8: '3c8ac2ec', TRUNKLINE_IMAGE_TAG: '42-feature-login-3c8ac2ec',
    };
    for (const [k, v] of Object.entries(expected)) assert.equal(env[k], v, k);
    for (const absent of ['DRONE_TAG', 'DRONE_PULL_REQUEST', 'DRONE_CRON', 'DRONE_SEMVER', 'DRONE_BUILD_STATUS', 'DRONE_WORKSPACE']) assert.equal(env[absent], undefined, absent);
  });

  it('adds the tag, semver and tag-based image tag for tag events', () => {
    const env = buildEnvironment(context({ event: 'tag' }, { ref: 'refs/tags/v1.2.3-rc.1+build.5', branch: 'main' }));
    assert.equal(env.DRONE_TAG, 'v1.2.3-rc.1+build.5');
    assert.equal(env.DRONE_SEMVER, '1.2.3-rc.1+build.5');
    assert.equal(env.DRONE_SEMVER_SHORT, '1.2.3');
    assert.equal(env.DRONE_SEMVER_MAJOR, '1');
    assert.equal(env.DRONE_SEMVER_PRERELEASE, 'rc.1');
    assert.equal(env.DRONE_SEMVER_BUILD, 'build.5');
    assert.equal(env.TRUNKLINE_IMAGE_TAG, '42-v1.2.3-rc.1-build.5-3c8ac2ec');
  });

  it('sets the pull request number, cron, parent and deploy target', () => {
    const pr = buildEnvironment(context({ event: 'pull_request', action: 'opened', parent: 41 }, { ref: 'refs/pull/17/head', branch: 'main', targetBranch: 'main' }));
    assert.equal(pr.DRONE_PULL_REQUEST, '17');
    assert.equal(pr.DRONE_BUILD_ACTION, 'opened');
    assert.equal(pr.DRONE_BUILD_PARENT, '41');
    assert.equal(pr.DRONE_BRANCH, 'main');
    assert.equal(buildEnvironment(context({ event: 'cron', cron: 'nightly' })).DRONE_CRON, 'nightly');
    assert.equal(buildEnvironment(context({ event: 'promote', deployTo: 'production' })).DRONE_DEPLOY_TO, 'production');
  });

  it('lets built-in names win over build parameters', () => {
    assert.equal(buildEnvironment(context()).DRONE_BUILD_NUMBER, '42');
  });

  it('gives stage and step variables', () => {
    assert.deepEqual(stageEnvironment({ name: 'build', type: 'docker', platform: { os: 'linux', arch: 'arm64', variant: 'v8' }, dependsOn: ['a', 'b'] }, 2), {
      DRONE_STAGE_KIND: 'pipeline', DRONE_STAGE_TYPE: 'docker', DRONE_STAGE_NAME: 'build', DRONE_STAGE_NUMBER: '2',
      DRONE_STAGE_OS: 'linux', DRONE_STAGE_ARCH: 'arm64', DRONE_STAGE_DEPENDS_ON: 'a,b', DRONE_STAGE_VARIANT: 'v8',
    });
    assert.deepEqual(stepEnvironment('test', 3), { DRONE_STEP_NAME: 'test', DRONE_STEP_NUMBER: '3' });
  });
});

describe('semverVariables', () => {
  it('reports tags that are not semantic versions', () => {
    assert.deepEqual(semverVariables('release-1'), { DRONE_SEMVER_ERROR: 'release-1 is not in dotted-tri format' });
    assert.deepEqual(semverVariables('1.2'), { DRONE_SEMVER_ERROR: '1.2 is not in dotted-tri format' });
    assert.equal(semverVariables('2.0.10').DRONE_SEMVER, '2.0.10');
  });
});

describe('imageTag', () => {
  const valid = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
  it('is {build}-{branch}-{sha8} with unsafe characters replaced', () => {
    assert.equal(imageTag(7, 'main', sha), '7-main-3c8ac2ec');
    assert.equal(imageTag(7, 'feature/Ünïcode branch+x', sha), '7-feature--n-code-branch-x-3c8ac2ec');
    assert.match(imageTag(7, 'feature/Ünïcode branch+x', sha), valid);
  });
  it('truncates the branch to fit 128 characters', () => {
    const tag = imageTag(123456, 'b'.repeat(300), sha);
    assert.equal(tag.length, 128);
    assert.match(tag, valid);
    assert.ok(tag.startsWith('123456-bbb'));
    assert.ok(tag.endsWith('-3c8ac2ec'));
  });
});

describe('settings', () => {
  it('encodes settings the way Drone plugins read them', () => {
    assert.equal(encodeSetting('x'), 'x');
    assert.equal(encodeSetting(3), '3');
    assert.equal(encodeSetting(1.5), '1.5');
    assert.equal(encodeSetting(true), 'true');
    assert.equal(encodeSetting(['a', 1, false]), 'a,1,false');
    assert.equal(encodeSetting([{ a: 1 }, 'b']), '[{"a":1},"b"]');
    assert.equal(encodeSetting({ a: [1, 2], b: { c: 'd' } }), '{"a":[1,2],"b":{"c":"d"}}');
  });
  it('upper-cases keys, drops nulls and turns from_secret into secret references', () => {
    assert.deepEqual(
      settingsVariables({ repo: { value: 'acme/app' }, tags: { value: ['latest', '1.0'] }, empty: { value: null }, password: { fromSecret: 'docker_password' }, 'dry-run': { value: true } }),
      { env: { PLUGIN_REPO: 'acme/app', PLUGIN_TAGS: 'latest,1.0', 'PLUGIN_DRY-RUN': 'true' }, secrets: [{ env: 'PLUGIN_PASSWORD', secret: 'docker_password' }] },
    );
  });
});
