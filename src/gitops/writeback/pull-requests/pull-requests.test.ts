import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExternalError } from '../../../core/index.ts';
import { api } from '../test-support/api-server.ts';
import { giteaPullRequests, githubPullRequests, gitlabMergeRequests } from './index.ts';

const request = { title: 'api: 42-main-1a2b3c4d to production', body: 'Build: https://ci/42', head: 'trunkline/api-42-main-1a2b3c4d', base: 'main' };

test('Gitea: POST /repos/{owner}/{repo}/pulls with a token header', async (t) => {
  const server = await api(() => ({ status: 201, body: { number: 7, html_url: 'https://gitea.example.com/acme/config/pulls/7', state: 'open' } }));
  t.after(server.close);
  const pr = await giteaPullRequests({ apiUrl: `${server.url}/api/v1/`, token: 's3cret', namespace: 'acme', name: 'config' }).open(request);
  assert.deepEqual(pr, { number: 7, url: 'https://gitea.example.com/acme/config/pulls/7' });
  const [r] = server.received;
  assert.equal(r?.method, 'POST');
  assert.equal(r?.url, '/api/v1/repos/acme/config/pulls');
  assert.equal(r?.headers.authorization, 'token s3cret');
  assert.equal(r?.headers['content-type'], 'application/json');
  assert.deepEqual(r?.body, { title: request.title, body: request.body, head: request.head, base: 'main' });
});

test('GitHub: POST /repos/{owner}/{repo}/pulls with a bearer token and the API version', async (t) => {
  const server = await api(() => ({ status: 201, body: { number: 12, html_url: 'https://github.com/acme/config/pull/12' } }));
  t.after(server.close);
  const pr = await githubPullRequests({ apiUrl: server.url, token: 'ghp_x', namespace: 'acme', name: 'config' }).open(request);
  assert.deepEqual(pr, { number: 12, url: 'https://github.com/acme/config/pull/12' });
  const [r] = server.received;
  assert.equal(r?.url, '/repos/acme/config/pulls');
  assert.equal(r?.headers.authorization, 'Bearer ghp_x');
  assert.equal(r?.headers.accept, 'application/vnd.github+json');
  assert.equal(r?.headers['x-github-api-version'], '2022-11-28');
  assert.deepEqual(r?.body, { title: request.title, body: request.body, head: request.head, base: 'main' });
});

test('GitLab: POST /projects/{url-encoded path}/merge_requests with PRIVATE-TOKEN', async (t) => {
  const server = await api(() => ({ status: 201, body: { id: 999, iid: 3, web_url: 'https://gitlab.example.com/acme/platform/config/-/merge_requests/3' } }));
  t.after(server.close);
  const pr = await gitlabMergeRequests({ apiUrl: `${server.url}/api/v4`, token: 'glpat-x', namespace: 'acme/platform', name: 'config' }).open(request);
  assert.deepEqual(pr, { number: 3, url: 'https://gitlab.example.com/acme/platform/config/-/merge_requests/3' });
  const [r] = server.received;
  assert.equal(r?.url, '/api/v4/projects/acme%2Fplatform%2Fconfig/merge_requests');
  assert.equal(r?.headers['private-token'], 'glpat-x');
  assert.deepEqual(r?.body, {
    source_branch: request.head,
    target_branch: 'main',
    title: request.title,
    description: request.body,
    remove_source_branch: true,
  });
});

test('a refusal is an ExternalError with the status and the host message, never the token, and is not retried', async (t) => {
  const server = await api(() => ({ status: 422, body: { message: 'A pull request already exists for acme:trunkline/api; token s3cret' } }));
  t.after(server.close);
  await assert.rejects(giteaPullRequests({ apiUrl: server.url, token: 's3cret', namespace: 'acme', name: 'config' }).open(request), (error: unknown) => {
    assert.ok(error instanceof ExternalError);
    assert.match(error.message, /HTTP 422: .*already exists/);
    assert.doesNotMatch(error.message, /s3cret/);
    return true;
  });
  assert.equal(server.received.length, 1);
});

test('an answer without the expected fields is an ExternalError', async (t) => {
  const server = await api(() => ({ status: 201, body: { ok: true } }));
  t.after(server.close);
  await assert.rejects(githubPullRequests({ apiUrl: server.url, token: 't', namespace: 'acme', name: 'config' }).open(request), /unexpected answer/);
});
