import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../core/index.ts';
import type { GitEvent } from '../../event.ts';
import { allDeliveries, hmacHex, loadDelivery } from '../test-support/fixtures.ts';
import { fuzzAdapter, fuzzVerify } from '../test-support/fuzz.ts';
import { giteaWebhooks } from './webhook.ts';

const ZERO = '0000000000000000000000000000000000000000';
const repo = {
  namespace: 'gitea',
  name: 'webhooks',
  cloneUrl: 'http://localhost:3000/gitea/webhooks.git',
  link: 'http://localhost:3000/gitea/webhooks',
  defaultBranch: 'master',
  private: false,
};
const headCommit = {
  message: 'Webhooks Yay!',
  authorName: 'Gitea',
  authorEmail: 'someone@gitea.io',
  authorLogin: 'gitea',
  link: 'http://localhost:3000/gitea/webhooks/commit/bffeb74224043ba2feb48d137756c8a9331c449a',
};

function parse(name: string) {
  const { headers, body } = loadDelivery('gitea', name);
  return giteaWebhooks.parse(headers, body);
}

describe('gitea webhooks: fixtures', () => {
  it('maps a push to a branch, with the changed files of its commits and no forced flag', () => {
    assert.deepEqual(parse('push'), [
      {
        provider: 'gitea',
        deliveryId: 'f6266f16-1bf3-46a5-9ea4-602e06ead473',
        kind: 'push',
        repo,
        ref: 'refs/heads/develop',
        branch: 'develop',
        before: '28e1879d029cb852e4844d9c718537df08844e03',
        after: 'bffeb74224043ba2feb48d137756c8a9331c449a',
        commit: 'bffeb74224043ba2feb48d137756c8a9331c449a',
        headCommit,
        changedFiles: ['README.md', 'hooks/deliver.go', 'hooks/old.go'],
        sender: 'gitea',
      },
    ] satisfies GitEvent[]);
  });

  it('leaves the files to git when Gitea cut the commit list', () => {
    const { headers, body } = loadDelivery('gitea', 'push');
    const events = giteaWebhooks.parse(headers, { ...(body as object), total_commits: 7 });
    assert.ok(Array.isArray(events));
    assert.equal(events[0]?.changedFiles, undefined);
    const { total_commits: _count, ...withoutCount } = body as Record<string, unknown>;
    const unknownCount = giteaWebhooks.parse(headers, withoutCount);
    assert.ok(Array.isArray(unknownCount));
    assert.equal(unknownCount[0]?.changedFiles, undefined);
  });

  it('takes a created branch from the push, and ignores the create event', () => {
    assert.deepEqual(parse('branch-create'), [
      {
        provider: 'gitea',
        deliveryId: '0c1d2e3f-1bf3-46a5-9ea4-602e06ead473',
        kind: 'create',
        repo,
        ref: 'refs/heads/feature/login',
        branch: 'feature/login',
        before: ZERO,
        after: 'bffeb74224043ba2feb48d137756c8a9331c449a',
        commit: 'bffeb74224043ba2feb48d137756c8a9331c449a',
        headCommit,
        sender: 'gitea',
      },
    ] satisfies GitEvent[]);
    assert.deepEqual(parse('create-event'), { ignored: 'create event: branch and tag creation is taken from the push event' });
  });

  it('takes a deleted branch from the delete event, which names no commit', () => {
    assert.deepEqual(parse('branch-delete'), [
      {
        provider: 'gitea',
        deliveryId: '1d2e3f40-1bf3-46a5-9ea4-602e06ead473',
        kind: 'delete',
        repo,
        ref: 'refs/heads/feature/login',
        branch: 'feature/login',
        before: ZERO,
        after: ZERO,
        commit: ZERO,
        sender: 'gitea',
      },
    ] satisfies GitEvent[]);
    const { headers, body } = loadDelivery('gitea', 'push');
    assert.deepEqual(giteaWebhooks.parse(headers, { ...(body as object), after: ZERO, commits: [], head_commit: null }), {
      ignored: 'branch develop deleted: taken from the delete event',
    });
  });

  it('maps a pushed tag to the commit it points at, and ignores a deleted tag', () => {
    assert.deepEqual(parse('tag'), [
      {
        provider: 'gitea',
        deliveryId: '2e3f4051-1bf3-46a5-9ea4-602e06ead473',
        kind: 'tag',
        repo,
        ref: 'refs/tags/v1.0.0',
        branch: '',
        tag: 'v1.0.0',
        before: ZERO,
        after: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d',
        commit: 'bffeb74224043ba2feb48d137756c8a9331c449a',
        headCommit,
        sender: 'gitea',
      },
    ] satisfies GitEvent[]);
    assert.deepEqual(parse('tag-delete'), { ignored: 'tag v1.0.0 deleted' });
    const { headers, body } = loadDelivery('gitea', 'tag');
    assert.deepEqual(giteaWebhooks.parse(headers, { ...(body as object), before: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d', after: ZERO }), {
      ignored: 'tag v1.0.0 deleted',
    });
  });

  const pullRequest = {
    number: 5,
    title: 'Deliver webhooks in order',
    sourceBranch: 'feature/ordered',
    targetBranch: 'master',
    link: 'http://localhost:3000/gitea/webhooks/pulls/5',
  };
  const opened: GitEvent = {
    provider: 'gitea',
    deliveryId: '4051627a-1bf3-46a5-9ea4-602e06ead473',
    kind: 'pull_request',
    action: 'opened',
    repo,
    ref: 'refs/pull/5/head',
    branch: 'master',
    before: ZERO,
    after: 'bffeb74224043ba2feb48d137756c8a9331c449a',
    commit: 'bffeb74224043ba2feb48d137756c8a9331c449a',
    pullRequest,
    sender: 'gitea',
  };

  it('maps opened, synchronized and merged pull requests', () => {
    assert.deepEqual(parse('pull-request-opened'), [opened]);
    const head = 'c0ffee0123456789abcdef0123456789abcdef01';
    assert.deepEqual(parse('pull-request-synchronized'), [
      { ...opened, deliveryId: '4051627b-1bf3-46a5-9ea4-602e06ead473', action: 'synchronized', after: head, commit: head },
    ]);
    assert.deepEqual(parse('pull-request-merged'), [{ ...opened, deliveryId: '4051627c-1bf3-46a5-9ea4-602e06ead473', action: 'merged', after: head, commit: head }]);
  });

  it('maps a closed, unmerged pull request and ignores other actions and events', () => {
    const { headers, body } = loadDelivery('gitea', 'pull-request-merged');
    const closed = structuredClone(body) as { pull_request: { merged: boolean } };
    closed.pull_request.merged = false;
    const events = giteaWebhooks.parse(headers, closed);
    assert.ok(Array.isArray(events));
    assert.equal(events[0]?.action, 'closed');
    assert.deepEqual(giteaWebhooks.parse(headers, { ...(body as object), action: 'label_updated' }), {
      ignored: 'pull_request action "label_updated" does not start builds',
    });
    assert.deepEqual(giteaWebhooks.parse({ ...headers, 'x-gitea-event': 'issues' }, body), { ignored: 'Gitea event "issues" does not start builds' });
    assert.deepEqual(giteaWebhooks.parse({ ...headers, 'x-gitea-event': 'ping' }, body), { ignored: 'ping: Gitea checks that the webhook is reachable' });
    assert.deepEqual(giteaWebhooks.parse({}, body), { ignored: 'no X-Gitea-Event header' });
  });

  it('reads the repository and the delivery id before verifying', () => {
    const { headers, body } = loadDelivery('gitea', 'push');
    assert.equal(giteaWebhooks.repository(body), 'gitea/webhooks');
    assert.equal(giteaWebhooks.repository({ repository: { full_name: 'no-slash' } }), undefined);
    assert.equal(giteaWebhooks.repository(null), undefined);
    assert.equal(giteaWebhooks.deliveryId(headers), 'f6266f16-1bf3-46a5-9ea4-602e06ead473');
  });
});

describe('gitea webhooks: malformed payloads', () => {
  const { headers, body } = loadDelivery('gitea', 'push');

  it('names the field that is wrong', () => {
    assert.throws(() => giteaWebhooks.parse(headers, { ...(body as object), repository: { full_name: ['gitea', 'webhooks'] } }), {
      name: 'ConfigError',
      message: 'gitea push payload: repository.full_name: expected a string',
    });
    assert.throws(() => giteaWebhooks.parse(headers, { ...(body as object), after: 'HEAD' }), {
      message: 'gitea push payload: after: expected a commit id (hex)',
    });
    const { repository: _repository, ...withoutRepository } = body as Record<string, unknown>;
    assert.throws(() => giteaWebhooks.parse(headers, withoutRepository), { message: 'gitea push payload: repository: expected an object' });
    const del = loadDelivery('gitea', 'branch-delete');
    assert.throws(() => giteaWebhooks.parse(del.headers, { ...(del.body as object), ref: 3 }), { message: 'gitea delete payload: ref: expected a string' });
  });

  it('refuses bodies that are not objects', () => {
    for (const value of [null, '', 0, [1], false]) {
      assert.throws(() => giteaWebhooks.parse(headers, value), (error: unknown) => error instanceof ConfigError && error.message === 'gitea push payload: expected an object');
    }
  });

  it('never throws anything but ConfigError on random bodies and mutated fixtures', () => {
    fuzzAdapter(giteaWebhooks, allDeliveries('gitea'));
  });
});

describe('gitea webhooks: signatures', () => {
  const rawBody = Buffer.from(JSON.stringify(loadDelivery('gitea', 'push').body));
  const good = hmacHex('s3cret', rawBody);

  it('accepts a valid X-Gitea-Signature', () => {
    assert.equal(giteaWebhooks.verify({ 'x-gitea-signature': good }, rawBody, 's3cret'), true);
    assert.equal(giteaWebhooks.verify({ 'x-gitea-signature': good.toUpperCase() }, rawBody, 's3cret'), true);
  });

  it('rejects missing, tampered, wrong-secret and truncated signatures', () => {
    assert.equal(giteaWebhooks.verify({}, rawBody, 's3cret'), false);
    assert.equal(giteaWebhooks.verify({ 'x-hub-signature-256': `sha256=${good}` }, rawBody, 's3cret'), false);
    assert.equal(giteaWebhooks.verify({ 'x-gitea-signature': good }, Buffer.from(rawBody.toString().replace('develop', 'main')), 's3cret'), false);
    assert.equal(giteaWebhooks.verify({ 'x-gitea-signature': good }, rawBody, 's3cret2'), false);
    assert.equal(giteaWebhooks.verify({ 'x-gitea-signature': good.slice(0, 63) }, rawBody, 's3cret'), false);
    assert.equal(giteaWebhooks.verify({ 'x-gitea-signature': `${good}00` }, rawBody, 's3cret'), false);
    assert.equal(giteaWebhooks.verify({ 'x-gitea-signature': `sha256=${good}` }, rawBody, 's3cret'), false);
  });

  it('never throws and agrees with the rule on random signatures, bodies and secrets', () => {
    fuzzVerify(giteaWebhooks, 'x-gitea-signature', (header, body, secret) => header.toLowerCase() === hmacHex(secret, body));
  });
});
