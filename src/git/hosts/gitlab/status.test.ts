import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ExternalError } from '../../../core/index.ts';
import type { StatusTarget } from '../contract.ts';
import { StatusServer } from '../test-support/status-server.ts';
import { gitlabStatus, gitlabStatusReporter } from './status.ts';

const sha = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';
const token = 'glpat-xxxxxxxxxxxxxxxxxxxx';
const status = { state: 'failure', context: 'trunkline/push', description: 'Build #8 failed at test', targetUrl: 'https://ci.example.com/mike/diaspora/8' } as const;
const fast = { attempts: 3, backoffMs: 1, timeoutMs: 5000 };

function target(apiUrl: string): StatusTarget {
  return { apiUrl, token, namespace: 'acme/platform', name: 'api', sha, ref: 'refs/heads/main' };
}

describe('gitlab commit statuses', () => {
  const servers: StatusServer[] = [];
  const start = async (...answers: Array<{ status: number; body?: unknown }>) => {
    const server = await StatusServer.start(answers);
    servers.push(server);
    return server;
  };
  after(() => Promise.all(servers.map((server) => server.close())));

  it('POSTs the status as GitLab documents it, with the project path URL-encoded', async () => {
    const server = await start({ status: 201, body: { id: 93, status: 'failed' } });
    await gitlabStatus.report(target(`${server.url}/api/v4`), status);
    const [request] = server.requests;
    assert.equal(server.requests.length, 1);
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, `/api/v4/projects/acme%2Fplatform%2Fapi/statuses/${sha}`);
    assert.equal(request?.headers['private-token'], token);
    assert.equal(request?.headers['authorization'], undefined);
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.deepEqual(request?.body, {
      state: 'failed',
      ref: 'main',
      name: 'trunkline/push',
      target_url: 'https://ci.example.com/mike/diaspora/8',
      description: 'Build #8 failed at test',
    });
  });

  it('maps every state to GitLab’s vocabulary (error is failed) and cuts long descriptions', async () => {
    const server = await start({ status: 201 });
    for (const state of ['pending', 'running', 'success', 'failure', 'error'] as const) {
      await gitlabStatus.report({ ...target(server.url), ref: undefined }, { ...status, state, description: 'y'.repeat(300) });
    }
    const bodies = server.requests.map((request) => request.body as { state: string; description: string; ref?: string });
    assert.deepEqual(
      bodies.map((body) => body.state),
      ['pending', 'running', 'success', 'failed', 'failed'],
    );
    for (const body of bodies) {
      assert.equal(Array.from(body.description).length, 255);
      assert.equal('ref' in body, false);
    }
  });

  it('retries after a 502 and succeeds', async () => {
    const server = await start({ status: 502 }, { status: 201 });
    await gitlabStatusReporter(fast).report(target(server.url), status);
    assert.equal(server.requests.length, 2);
  });

  it('carries GitLab’s message on a 401 and a 400, never the token', async () => {
    const unauthorized = await start({ status: 401, body: { message: '401 Unauthorized' } });
    await assert.rejects(gitlabStatusReporter(fast).report(target(unauthorized.url), status), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.equal(error.message, 'gitlab commit status for acme/platform/api@da156088: HTTP 401: 401 Unauthorized');
      assert.doesNotMatch(JSON.stringify(error.details), new RegExp(token));
      return true;
    });
    const invalid = await start({ status: 400, body: { error: 'state does not have a valid value' } });
    await assert.rejects(gitlabStatusReporter(fast).report(target(invalid.url), status), {
      message: 'gitlab commit status for acme/platform/api@da156088: HTTP 400: state does not have a valid value',
    });
    assert.equal(invalid.requests.length, 1);
  });
});
