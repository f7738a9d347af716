import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ExternalError } from '../../../core/index.ts';
import type { StatusTarget } from '../contract.ts';
import { StatusServer, closedPortUrl } from '../test-support/status-server.ts';
import { githubStatus, githubStatusReporter } from './status.ts';

const sha = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const token = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
const status = { state: 'running', context: 'trunkline/push', description: 'Build #12 is running', targetUrl: 'https://ci.example.com/acme/api/12' } as const;

function target(apiUrl: string): StatusTarget {
  return { apiUrl, token, namespace: 'octo-org', name: 'hello world', sha, ref: 'refs/heads/main' };
}

describe('github commit statuses', () => {
  const servers: StatusServer[] = [];
  const start = async (...answers: Array<{ status: number; body?: unknown }>) => {
    const server = await StatusServer.start(answers);
    servers.push(server);
    return server;
  };
  after(() => Promise.all(servers.map((server) => server.close())));

  it('POSTs the status as GitHub documents it, running shown as pending', async () => {
    const server = await start({ status: 201, body: { id: 1, state: 'pending' } });
    await githubStatus.report(target(`${server.url}/api/v3/`), status);
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, `/api/v3/repos/octo-org/hello%20world/statuses/${sha}`);
    assert.equal(request?.headers['authorization'], `Bearer ${token}`);
    assert.equal(request?.headers['accept'], 'application/vnd.github+json');
    assert.equal(request?.headers['x-github-api-version'], '2022-11-28');
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.ok(request?.headers['user-agent']);
    assert.deepEqual(request?.body, {
      state: 'pending',
      target_url: 'https://ci.example.com/acme/api/12',
      description: 'Build #12 is running',
      context: 'trunkline/push',
    });
  });

  it('maps every state to GitHub’s vocabulary and cuts descriptions at 140 characters', async () => {
    const server = await start({ status: 201 });
    const states = ['pending', 'running', 'success', 'failure', 'error'] as const;
    for (const state of states) await githubStatus.report(target(server.url), { ...status, state, description: 'é'.repeat(300) });
    const bodies = server.requests.map((request) => request.body as { state: string; description: string });
    assert.deepEqual(
      bodies.map((body) => body.state),
      ['pending', 'pending', 'success', 'failure', 'error'],
    );
    for (const body of bodies) assert.equal(body.description, `${'é'.repeat(139)}…`);
  });

  it('retries after a 502 and succeeds', async () => {
    const server = await start({ status: 502, body: { message: 'Bad gateway' } }, { status: 201 });
    await githubStatusReporter({ attempts: 3, backoffMs: 1, timeoutMs: 5000 }).report(target(server.url), status);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(server.requests[0]?.body, server.requests[1]?.body);
  });

  it('gives up after three 5xx answers with the last status', async () => {
    const server = await start({ status: 503, body: { message: 'Service unavailable' } });
    await assert.rejects(githubStatusReporter({ attempts: 3, backoffMs: 1, timeoutMs: 5000 }).report(target(server.url), status), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.deepEqual(error.details, { status: 503, message: 'Service unavailable', attempts: 3 });
      return true;
    });
    assert.equal(server.requests.length, 3);
  });

  it('does not retry a 422 and carries GitHub’s message, never the token', async () => {
    const server = await start({ status: 422, body: { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest' } });
    await assert.rejects(githubStatus.report(target(server.url), status), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.equal(error.message, 'github commit status for octo-org/hello world@6dcb09b5: HTTP 422: Validation Failed');
      assert.doesNotMatch(JSON.stringify({ message: error.message, details: error.details }), new RegExp(token));
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  it('reports a refused token (401) with the host’s message, even if it echoes the token', async () => {
    const server = await start({ status: 401, body: { message: `Bad credentials: ${token}` } });
    await assert.rejects(githubStatus.report(target(server.url), status), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.equal(error.message, 'github commit status for octo-org/hello world@6dcb09b5: HTTP 401: Bad credentials: [token]');
      return true;
    });
  });

  it('retries network errors, then fails with ExternalError', async () => {
    const url = await closedPortUrl();
    await assert.rejects(githubStatusReporter({ attempts: 2, backoffMs: 1, timeoutMs: 5000 }).report(target(url), status), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.match(error.message, /^github commit status for octo-org\/hello world@6dcb09b5: host unreachable/);
      assert.doesNotMatch(error.message, new RegExp(token));
      return true;
    });
  });
});
