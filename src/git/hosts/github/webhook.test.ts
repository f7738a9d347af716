import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../core/index.ts';
import type { GitEvent } from '../../event.ts';
import { allDeliveries, hmacHex, loadDelivery } from '../test-support/fixtures.ts';
import { fuzzAdapter, fuzzVerify } from '../test-support/fuzz.ts';
import { githubWebhooks } from './webhook.ts';

const ZERO = '0000000000000000000000000000000000000000';
const repo = {
  namespace: 'Codertocat',
  name: 'Hello-World',
  cloneUrl: 'https://github.com/Codertocat/Hello-World.git',
  link: 'https://github.com/Codertocat/Hello-World',
  defaultBranch: 'master',
  private: false,
};
const c1 = {
  message: 'Test',
  authorName: 'Codertocat',
  authorEmail: '21031067+Codertocat@users.noreply.github.com',
  authorLogin: 'Codertocat',
  link: 'https://github.com/Codertocat/Hello-World/commit/c441029cf673f84c8b7db52d0a5944ee5c52ff89',
};
const c2 = { ...c1, message: 'Add the service', link: 'https://github.com/Codertocat/Hello-World/commit/36c5f2243ed24de58284a96f2a643bed8c028658' };

function parse(name: string) {
  const { headers, body } = loadDelivery('github', name);
  return githubWebhooks.parse(headers, body);
}

describe('github webhooks: fixtures', () => {
  it('maps a push to a branch, with the changed files of its commits', () => {
    assert.deepEqual(parse('push'), [
      {
        provider: 'github',
        deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
        kind: 'push',
        repo,
        ref: 'refs/heads/master',
        branch: 'master',
        before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        after: '36c5f2243ed24de58284a96f2a643bed8c028658',
        commit: '36c5f2243ed24de58284a96f2a643bed8c028658',
        forced: false,
        headCommit: c2,
        changedFiles: ['README.md', 'old.txt', 'src/app.ts', 'src/lib/util.ts'],
        sender: 'Codertocat',
      },
    ] satisfies GitEvent[]);
  });

  it('maps a forced push without commits, leaving the files to git', () => {
    assert.deepEqual(parse('push-forced'), [
      {
        provider: 'github',
        deliveryId: '8a1f0c9e-cc78-11e3-81ab-4c9367dc0958',
        kind: 'push',
        repo,
        ref: 'refs/heads/feature/login',
        branch: 'feature/login',
        before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        after: 'c441029cf673f84c8b7db52d0a5944ee5c52ff89',
        commit: 'c441029cf673f84c8b7db52d0a5944ee5c52ff89',
        forced: true,
        headCommit: c1,
        sender: 'Codertocat',
      },
    ] satisfies GitEvent[]);
  });

  it('takes a created branch from the push, and ignores the create event', () => {
    assert.deepEqual(parse('branch-create'), [
      {
        provider: 'github',
        deliveryId: '9b2e1d0f-cc78-11e3-81ab-4c9367dc0958',
        kind: 'create',
        repo,
        ref: 'refs/heads/feature/login',
        branch: 'feature/login',
        before: ZERO,
        after: 'c441029cf673f84c8b7db52d0a5944ee5c52ff89',
        commit: 'c441029cf673f84c8b7db52d0a5944ee5c52ff89',
        headCommit: c1,
        sender: 'Codertocat',
      },
    ] satisfies GitEvent[]);
    assert.deepEqual(parse('create-event'), { ignored: 'create event: branch and tag creation is taken from the push event' });
  });

  it('takes a deleted branch from the push (its last commit is `before`), and ignores the delete event', () => {
    assert.deepEqual(parse('branch-delete'), [
      {
        provider: 'github',
        deliveryId: 'a3c4e5f6-cc78-11e3-81ab-4c9367dc0958',
        kind: 'delete',
        repo,
        ref: 'refs/heads/feature/login',
        branch: 'feature/login',
        before: 'c441029cf673f84c8b7db52d0a5944ee5c52ff89',
        after: ZERO,
        commit: 'c441029cf673f84c8b7db52d0a5944ee5c52ff89',
        sender: 'Codertocat',
      },
    ] satisfies GitEvent[]);
    assert.deepEqual(parse('delete-event'), { ignored: 'delete event: branch and tag deletion is taken from the push event' });
  });

  it('maps a pushed tag to the commit it points at, and ignores a deleted tag', () => {
    assert.deepEqual(parse('tag'), [
      {
        provider: 'github',
        deliveryId: 'b4d5e6f7-cc78-11e3-81ab-4c9367dc0958',
        kind: 'tag',
        repo,
        ref: 'refs/tags/v1.2.0',
        branch: '',
        tag: 'v1.2.0',
        before: ZERO,
        after: '5f1e1c8a3b0f0c0c6a2f8e1e0f9d8c7b6a5f4e3d',
        commit: '36c5f2243ed24de58284a96f2a643bed8c028658',
        headCommit: c2,
        sender: 'Codertocat',
      },
    ] satisfies GitEvent[]);
    assert.deepEqual(parse('tag-delete'), { ignored: 'tag v1.2.0 deleted' });
  });

  const pullRequest = {
    number: 2,
    title: 'Update the README with new information.',
    sourceBranch: 'changes',
    targetBranch: 'master',
    link: 'https://github.com/Codertocat/Hello-World/pull/2',
  };

  it('maps an opened pull request', () => {
    assert.deepEqual(parse('pull-request-opened'), [
      {
        provider: 'github',
        deliveryId: 'c5e6f708-cc78-11e3-81ab-4c9367dc0958',
        kind: 'pull_request',
        action: 'opened',
        repo,
        ref: 'refs/pull/2/head',
        branch: 'master',
        before: ZERO,
        after: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        commit: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        pullRequest,
        sender: 'Codertocat',
      },
    ] satisfies GitEvent[]);
  });

  it('maps a synchronized pull request with its previous head', () => {
    assert.deepEqual(parse('pull-request-synchronize'), [
      {
        provider: 'github',
        deliveryId: 'c5e6f709-cc78-11e3-81ab-4c9367dc0958',
        kind: 'pull_request',
        action: 'synchronized',
        repo,
        ref: 'refs/pull/2/head',
        branch: 'master',
        before: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        after: '34c5c7793cb3b279e22454cb6750c80560547b3a',
        commit: '34c5c7793cb3b279e22454cb6750c80560547b3a',
        pullRequest,
        sender: 'Codertocat',
      },
    ] satisfies GitEvent[]);
  });

  it('maps a closed pull request to merged when it was merged, else closed', () => {
    const merged: GitEvent = {
      provider: 'github',
      deliveryId: 'c5e6f70a-cc78-11e3-81ab-4c9367dc0958',
      kind: 'pull_request',
      action: 'merged',
      repo,
      ref: 'refs/pull/2/head',
      branch: 'master',
      before: ZERO,
      after: '34c5c7793cb3b279e22454cb6750c80560547b3a',
      commit: '34c5c7793cb3b279e22454cb6750c80560547b3a',
      pullRequest,
      sender: 'Codertocat',
    };
    assert.deepEqual(parse('pull-request-merged'), [merged]);
    assert.deepEqual(parse('pull-request-closed'), [{ ...merged, deliveryId: 'c5e6f70b-cc78-11e3-81ab-4c9367dc0958', action: 'closed' }]);
  });

  it('ignores pings, other actions and other events, naming them', () => {
    assert.deepEqual(parse('ping'), { ignored: 'ping: GitHub checks that the webhook is reachable' });
    const { headers, body } = loadDelivery('github', 'pull-request-opened');
    assert.deepEqual(githubWebhooks.parse(headers, { ...(body as object), action: 'labeled' }), {
      ignored: 'pull_request action "labeled" does not start builds',
    });
    assert.deepEqual(githubWebhooks.parse({ ...headers, 'x-github-event': 'issues' }, body), { ignored: 'GitHub event "issues" does not start builds' });
    assert.deepEqual(githubWebhooks.parse({}, body), { ignored: 'no X-GitHub-Event header' });
  });

  it('leaves the changed files to git when the push lists 20 commits (GitHub cuts the list there)', () => {
    const { headers, body } = loadDelivery('github', 'push');
    const commit = (body as { commits: unknown[] }).commits[0];
    const events = githubWebhooks.parse(headers, { ...(body as object), commits: Array.from({ length: 20 }, () => commit) });
    assert.ok(Array.isArray(events));
    assert.equal(events[0]?.changedFiles, undefined);
    const fewer = githubWebhooks.parse(headers, { ...(body as object), commits: Array.from({ length: 19 }, () => commit) });
    assert.ok(Array.isArray(fewer));
    assert.deepEqual(fewer[0]?.changedFiles, ['README.md']);
  });

  it('reads the repository and the delivery id before verifying', () => {
    const { headers, body } = loadDelivery('github', 'push');
    assert.equal(githubWebhooks.repository(body), 'Codertocat/Hello-World');
    assert.equal(githubWebhooks.repository({ repository: { full_name: 42 } }), undefined);
    assert.equal(githubWebhooks.repository('push'), undefined);
    assert.equal(githubWebhooks.deliveryId(headers), '72d3162e-cc78-11e3-81ab-4c9367dc0958');
    assert.equal(githubWebhooks.deliveryId({}), undefined);
  });
});

describe('github webhooks: malformed payloads', () => {
  const { headers, body } = loadDelivery('github', 'push');

  it('names the field that is wrong', () => {
    const wrongType = { ...(body as object), repository: { full_name: 7 } };
    assert.throws(() => githubWebhooks.parse(headers, wrongType), {
      name: 'ConfigError',
      message: 'github push payload: repository.full_name: expected a string',
    });
    const { repository: _repository, ...withoutRepository } = body as Record<string, unknown>;
    assert.throws(() => githubWebhooks.parse(headers, withoutRepository), {
      name: 'ConfigError',
      message: 'github push payload: repository: expected an object',
    });
    const badFiles = structuredClone(body) as { commits: Array<{ added: unknown }> };
    (badFiles.commits[1] as { added: unknown }).added = 'src/app.ts';
    assert.throws(() => githubWebhooks.parse(headers, badFiles), {
      message: 'github push payload: commits[1].added: expected an array',
    });
  });

  it('refuses bodies that are not objects', () => {
    for (const value of [null, 'push', 42, [], true]) {
      assert.throws(() => githubWebhooks.parse(headers, value), (error: unknown) => error instanceof ConfigError && /^github push payload: expected an object/.test(error.message));
    }
  });

  it('never throws anything but ConfigError on random bodies and mutated fixtures', () => {
    fuzzAdapter(githubWebhooks, allDeliveries('github'));
  });
});

describe('github webhooks: signatures', () => {
  const secret = "It's a Secret to Everybody";
  const raw = Buffer.from('Hello, World!');

  it('accepts the example from GitHub’s documentation', () => {
    const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    assert.equal(githubWebhooks.verify({ 'x-hub-signature-256': signature }, raw, secret), true);
  });

  it('accepts a signed fixture and rejects missing, tampered, wrong-secret and truncated signatures', () => {
    const rawBody = Buffer.from(JSON.stringify(loadDelivery('github', 'push').body));
    const good = `sha256=${hmacHex('s3cret', rawBody)}`;
    assert.equal(githubWebhooks.verify({ 'x-hub-signature-256': good }, rawBody, 's3cret'), true);
    assert.equal(githubWebhooks.verify({ 'x-hub-signature-256': [good] }, rawBody, 's3cret'), true);
    assert.equal(githubWebhooks.verify({}, rawBody, 's3cret'), false);
    assert.equal(githubWebhooks.verify({ 'x-hub-signature-256': good }, Buffer.concat([rawBody, Buffer.from(' ')]), 's3cret'), false);
    assert.equal(githubWebhooks.verify({ 'x-hub-signature-256': good }, rawBody, 'other'), false);
    assert.equal(githubWebhooks.verify({ 'x-hub-signature-256': good.slice(0, -2) }, rawBody, 's3cret'), false);
    assert.equal(githubWebhooks.verify({ 'x-hub-signature-256': good.replace('sha256=', 'sha1=') }, rawBody, 's3cret'), false);
    assert.equal(githubWebhooks.verify({ 'x-hub-signature-256': `${good.slice(0, -1)}g` }, rawBody, 's3cret'), false);
    assert.equal(githubWebhooks.verify({ 'x-hub-signature-256': `sha256=${hmacHex('', rawBody)}` }, rawBody, ''), false);
  });

  it('never throws and agrees with the rule on random signatures, bodies and secrets', () => {
    fuzzVerify(githubWebhooks, 'x-hub-signature-256', (header, body, secret) => header.startsWith('sha256=') && header.slice(7).toLowerCase() === hmacHex(secret, body));
  });
});
