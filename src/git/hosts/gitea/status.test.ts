import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ExternalError } from '../../../core/index.ts';
import type { StatusTarget } from '../contract.ts';
import { StatusServer } from '../test-support/status-server.ts';
import { giteaStatus, giteaStatusReporter } from './status.ts';

const sha = 'bffeb74224043ba2feb48d137756c8a9331c449a';
const token = '6f2d6a5c0b1e4a7e9d3c2b1a0f9e8d7c6b5a4f3e';
const status = { state: 'success', context: 'trunkline/push', description: 'Build #3 passed', targetUrl: 'https://ci.example.com/gitea/webhooks/3' } as const;
const fast = { attempts: 3, backoffMs: 1, timeoutMs: 5000 };

function target(apiUrl: string): StatusTarget {
  return { apiUrl, token, namespace: 'gitea', name: 'webhooks', sha };
}

describe('gitea commit statuses', () => {
  const servers: StatusServer[] = [];
  const start = async (...answers: Array<{ status: number; body?: unknown }>) => {
    const server = await StatusServer.start(answers);
    servers.push(server);
    return server;
  };
  after(() => Promise.all(servers.map((server) => server.close())));

  it('POSTs the status as Gitea documents it', async () => {
    const server = await start({ status: 201, body: { id: 1, status: 'success' } });
    await giteaStatus.report(target(`${server.url}/api/v1`), status);
    const [request] = server.requests;
    assert.equal(server.requests.length, 1);
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, `/api/v1/repos/gitea/webhooks/statuses/${sha}`);
    assert.equal(request?.headers['authorization'], `token ${token}`);
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.deepEqual(request?.body, {
      state: 'success',
      target_url: 'https://ci.example.com/gitea/webhooks/3',
      description: 'Build #3 passed',
      context: 'trunkline/push',
    });
  });

  it('maps every state to Gitea’s vocabulary and cuts long descriptions', async () => {
    const server = await start({ status: 201 });
    for (const state of ['pending', 'running', 'success', 'failure', 'error'] as const) {
      await giteaStatus.report(target(server.url), { ...status, state, description: 'x'.repeat(400) });
    }
    const bodies = server.requests.map((request) => request.body as { state: string; description: string });
    assert.deepEqual(
      bodies.map((body) => body.state),
      ['pending', 'pending', 'success', 'failure', 'error'],
    );
    for (const body of bodies) assert.equal(Array.from(body.description).length, 255);
  });

  it('retries after a 502 and succeeds', async () => {
    const server = await start({ status: 502 }, { status: 201 });
    await giteaStatusReporter(fast).report(target(server.url), status);
    assert.equal(server.requests.length, 2);
  });

  it('carries Gitea’s message on a 422 without retrying, and never the token', async () => {
    const server = await start({ status: 422, body: { message: 'invalid state', url: 'https://gitea.example.com/api/swagger' } });
    await assert.rejects(giteaStatusReporter(fast).report(target(server.url), status), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.equal(error.message, 'gitea commit status for gitea/webhooks@bffeb742: HTTP 422: invalid state');
      assert.deepEqual(error.details, { status: 422, message: 'invalid state', attempts: 1 });
      assert.doesNotMatch(error.message, new RegExp(token));
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  it('carries Gitea’s message on a 401', async () => {
    const server = await start({ status: 401, body: { message: 'token is required' } });
    await assert.rejects(giteaStatus.report(target(server.url), status), { name: 'ExternalError', message: /HTTP 401: token is required$/ });
  });
});
