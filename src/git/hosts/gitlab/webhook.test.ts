import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../core/index.ts';
import type { GitEvent } from '../../event.ts';
import { allDeliveries, loadDelivery } from '../test-support/fixtures.ts';
import { fuzzAdapter, fuzzVerify } from '../test-support/fuzz.ts';
import { gitlabWebhooks } from './webhook.ts';

const ZERO = '0000000000000000000000000000000000000000';
const repo = {
  namespace: 'mike',
  name: 'diaspora',
  cloneUrl: 'http://example.com/mike/diaspora.git',
  link: 'http://example.com/mike/diaspora',
  defaultBranch: 'master',
  private: true,
};
const headCommit = {
  message: 'fixed readme',
  authorName: 'GitLab dev user',
  authorEmail: 'gitlabdev@dv6700.(none)',
  link: 'http://example.com/mike/diaspora/commit/da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
};

function parse(name: string) {
  const { headers, body } = loadDelivery('gitlab', name);
  return gitlabWebhooks.parse(headers, body);
}

describe('gitlab webhooks: fixtures', () => {
  it('maps a push to a branch, with the changed files of its commits and no forced flag', () => {
    assert.deepEqual(parse('push'), [
      {
        provider: 'gitlab',
        deliveryId: 'idem-9cdd8f32-6c48-4ad5-9f5d-8f2c1b7ad9e1',
        kind: 'push',
        repo,
        ref: 'refs/heads/master',
        branch: 'master',
        before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
        after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        commit: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        headCommit,
        changedFiles: ['CHANGELOG', 'README', 'app/controller/application.rb'],
        sender: 'jsmith',
      },
    ] satisfies GitEvent[]);
  });

  it('leaves the files to git when GitLab cut the commit list at 20', () => {
    const { headers, body } = loadDelivery('gitlab', 'push');
    const events = gitlabWebhooks.parse(headers, { ...(body as object), total_commits_count: 21 });
    assert.ok(Array.isArray(events));
    assert.equal(events[0]?.changedFiles, undefined);
  });

  it('maps a created branch (from all zeros)', () => {
    assert.deepEqual(parse('branch-create'), [
      {
        provider: 'gitlab',
        deliveryId: 'idem-0a1b2c3d-6c48-4ad5-9f5d-8f2c1b7ad9e1',
        kind: 'create',
        repo,
        ref: 'refs/heads/feature/cart',
        branch: 'feature/cart',
        before: ZERO,
        after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        commit: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        headCommit,
        sender: 'jsmith',
      },
    ] satisfies GitEvent[]);
  });

  it('maps a deleted branch (to all zeros) with its last commit', () => {
    assert.deepEqual(parse('branch-delete'), [
      {
        provider: 'gitlab',
        deliveryId: 'idem-1b2c3d4e-6c48-4ad5-9f5d-8f2c1b7ad9e1',
        kind: 'delete',
        repo,
        ref: 'refs/heads/feature/cart',
        branch: 'feature/cart',
        before: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        after: ZERO,
        commit: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        sender: 'jsmith',
      },
    ] satisfies GitEvent[]);
  });

  it('maps a pushed tag to its checkout commit, and ignores a deleted tag', () => {
    assert.deepEqual(parse('tag'), [
      {
        provider: 'gitlab',
        deliveryId: 'idem-2c3d4e5f-6c48-4ad5-9f5d-8f2c1b7ad9e1',
        kind: 'tag',
        repo,
        ref: 'refs/tags/v1.0.0',
        branch: '',
        tag: 'v1.0.0',
        before: ZERO,
        after: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7',
        commit: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        sender: 'jsmith',
      },
    ] satisfies GitEvent[]);
    assert.deepEqual(parse('tag-delete'), { ignored: 'tag v1.0.0 deleted' });
  });

  const mrRepo = {
    namespace: 'gitlabhq',
    name: 'gitlab-test',
    cloneUrl: 'http://example.com/gitlabhq/gitlab-test.git',
    link: 'http://example.com/gitlabhq/gitlab-test',
    defaultBranch: 'master',
    private: false,
  };
  const opened: GitEvent = {
    provider: 'gitlab',
    deliveryId: 'idem-4e5f6071-6c48-4ad5-9f5d-8f2c1b7ad9e1',
    kind: 'pull_request',
    action: 'opened',
    repo: mrRepo,
    ref: 'refs/merge-requests/1/head',
    branch: 'master',
    before: ZERO,
    after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    commit: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    pullRequest: { number: 1, title: 'MS-Viewport', sourceBranch: 'ms-viewport', targetBranch: 'master', link: 'http://example.com/diaspora/merge_requests/1' },
    headCommit,
    sender: 'root',
  };

  it('maps opened, updated-with-code and merged merge requests', () => {
    assert.deepEqual(parse('merge-request-opened'), [opened]);
    assert.deepEqual(parse('merge-request-updated'), [
      { ...opened, deliveryId: 'idem-5f607182-6c48-4ad5-9f5d-8f2c1b7ad9e1', action: 'synchronized', before: '95790bf891e76fee5e1747ab589903a6a1f80f22' },
    ]);
    assert.deepEqual(parse('merge-request-merged'), [{ ...opened, deliveryId: 'idem-60718293-6c48-4ad5-9f5d-8f2c1b7ad9e1', action: 'merged' }]);
  });

  it('maps updates without code, closes and reopens; ignores approvals and other hooks', () => {
    const { headers, body } = loadDelivery('gitlab', 'merge-request-opened');
    const withAction = (action: string) => {
      const copy = structuredClone(body) as { object_attributes: { action: string } };
      copy.object_attributes.action = action;
      return gitlabWebhooks.parse(headers, copy);
    };
    assert.deepEqual(withAction('update'), [{ ...opened, action: 'edited' }]);
    assert.deepEqual(withAction('close'), [{ ...opened, action: 'closed' }]);
    assert.deepEqual(withAction('reopen'), [{ ...opened, action: 'reopened' }]);
    assert.deepEqual(withAction('approved'), { ignored: 'merge request action "approved" does not start builds' });
    assert.deepEqual(gitlabWebhooks.parse({ ...headers, 'x-gitlab-event': 'Issue Hook' }, body), { ignored: 'GitLab event "Issue Hook" does not start builds' });
    assert.deepEqual(gitlabWebhooks.parse({}, body), { ignored: 'no X-Gitlab-Event header' });
  });

  it('reads the repository and the delivery id before verifying', () => {
    const { headers, body } = loadDelivery('gitlab', 'push');
    assert.equal(gitlabWebhooks.repository(body), 'mike/diaspora');
    assert.equal(gitlabWebhooks.repository({ project: { path_with_namespace: 'group/sub/project' } }), 'group/sub/project');
    assert.equal(gitlabWebhooks.repository({ project: [] }), undefined);
    assert.equal(gitlabWebhooks.deliveryId(headers), 'idem-9cdd8f32-6c48-4ad5-9f5d-8f2c1b7ad9e1');
    assert.equal(gitlabWebhooks.deliveryId({ 'x-gitlab-event-uuid': 'abc' }), 'abc');
  });

  it('splits nested namespaces at the last slash', () => {
    const { headers, body } = loadDelivery('gitlab', 'push');
    const nested = structuredClone(body) as { project: { path_with_namespace: string } };
    nested.project.path_with_namespace = 'acme/platform/api';
    const events = gitlabWebhooks.parse(headers, nested);
    assert.ok(Array.isArray(events));
    assert.equal(events[0]?.repo.namespace, 'acme/platform');
    assert.equal(events[0]?.repo.name, 'api');
  });
});

describe('gitlab webhooks: malformed payloads', () => {
  const { headers, body } = loadDelivery('gitlab', 'push');

  it('names the field that is wrong', () => {
    const wrong = structuredClone(body) as { project: { path_with_namespace: unknown } };
    wrong.project.path_with_namespace = 15;
    assert.throws(() => gitlabWebhooks.parse(headers, wrong), {
      name: 'ConfigError',
      message: 'gitlab push payload: project.path_with_namespace: expected a string',
    });
    const { project: _project, ...withoutProject } = body as Record<string, unknown>;
    assert.throws(() => gitlabWebhooks.parse(headers, withoutProject), { message: 'gitlab push payload: project: expected an object' });
    const mr = loadDelivery('gitlab', 'merge-request-opened');
    const badIid = structuredClone(mr.body) as { object_attributes: { iid: unknown } };
    badIid.object_attributes.iid = '1';
    assert.throws(() => gitlabWebhooks.parse(mr.headers, badIid), { message: 'gitlab merge request payload: object_attributes.iid: expected a number' });
  });

  it('refuses bodies that are not objects', () => {
    for (const value of [null, 'Push Hook', 1.5, [], true]) {
      assert.throws(() => gitlabWebhooks.parse(headers, value), (error: unknown) => error instanceof ConfigError && error.message === 'gitlab push payload: expected an object');
    }
  });

  it('never throws anything but ConfigError on random bodies and mutated fixtures', () => {
    fuzzAdapter(gitlabWebhooks, allDeliveries('gitlab'));
  });
});

describe('gitlab webhooks: tokens', () => {
  const raw = Buffer.from('{}');

  it('accepts the secret itself in X-Gitlab-Token', () => {
    assert.equal(gitlabWebhooks.verify({ 'x-gitlab-token': 's3cret' }, raw, 's3cret'), true);
    assert.equal(gitlabWebhooks.verify({ 'x-gitlab-token': ['s3cret'] }, raw, 's3cret'), true);
  });

  it('rejects missing, wrong, truncated and longer tokens, and an empty secret', () => {
    assert.equal(gitlabWebhooks.verify({}, raw, 's3cret'), false);
    assert.equal(gitlabWebhooks.verify({ 'x-gitlab-token': 's3creT' }, raw, 's3cret'), false);
    assert.equal(gitlabWebhooks.verify({ 'x-gitlab-token': 's3cre' }, raw, 's3cret'), false);
    assert.equal(gitlabWebhooks.verify({ 'x-gitlab-token': 's3cret!' }, raw, 's3cret'), false);
    assert.equal(gitlabWebhooks.verify({ 'x-gitlab-token': '' }, raw, ''), false);
    assert.equal(gitlabWebhooks.verify({ 'x-gitlab-token': 'é' }, raw, 'e'), false);
  });

  it('never throws and agrees with the rule on random signatures, bodies and secrets', () => {
    fuzzVerify(gitlabWebhooks, 'x-gitlab-token', (header, _body, secret) => header === secret);
  });
});
