import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, ConflictError, ExternalError, NotFoundError } from '../core/index.ts';
import { ApplyConflictError, WatchExpiredError, createKubeClient } from './index.ts';
import type { KubeClient, WatchEvent } from './index.ts';
import { discoveryAnswer, sendJson, startScriptedServer } from './scripted-server.test-helper.ts';
import type { Handler, ScriptedServer } from './scripted-server.test-helper.ts';

const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

/** A server answering discovery, then `handler` for everything else. */
async function withServer(handler: Handler): Promise<{ server: ScriptedServer; client: KubeClient; calls: () => string[] }> {
  const server = await startScriptedServer((request, response) => {
    const answer = discoveryAnswer(new URL(request.url, 'http://x').pathname);
    if (answer) sendJson(response, 200, answer);
    else handler(request, response);
  });
  const client = createKubeClient({ kubeconfig: server.kubeconfig, retry: fastRetry });
  const calls = () => server.requests.filter((r) => !discoveryAnswer(new URL(r.url, 'http://x').pathname)).map((r) => `${r.method} ${r.url}`);
  return { server, client, calls };
}

describe('kube client against a scripted server', () => {
  test('kubeconfig problems are ConfigErrors', () => {
    assert.throws(() => createKubeClient({ kubeconfig: 'clusters: [' }), ConfigError);
    assert.throws(() => createKubeClient({ kubeconfig: 'apiVersion: v1\nkind: Config\n' }), ConfigError);
    assert.throws(() => createKubeClient({ kubeconfig: 'apiVersion: v1\nclusters: []\ncontexts: []\n', context: 'nope' }), /no context "nope"/);
  });

  describe('discovery', () => {
    let env: Awaited<ReturnType<typeof withServer>>;
    before(async () => {
      env = await withServer((_req, res) => sendJson(res, 404, { kind: 'Status', code: 404 }));
    });
    after(async () => {
      await env.client.close();
      await env.server.close();
    });

    test('resolves kinds to resources, skips subresources, caches', async () => {
      const catalog = await env.client.discover();
      assert.deepEqual(catalog.resolve({ apiVersion: 'apps/v1', kind: 'Deployment' }), {
        group: 'apps', version: 'v1', apiVersion: 'apps/v1', kind: 'Deployment', resource: 'deployments', namespaced: true, verbs: ['get', 'list'], shortNames: [],
      });
      assert.equal(catalog.resolve({ apiVersion: 'v1', kind: 'Namespace' }).namespaced, false);
      assert.equal(catalog.resources.filter((r) => r.kind === 'Namespace').length, 1);
      const before = env.server.requests.length;
      assert.equal(await env.client.discover(), catalog);
      assert.equal(env.server.requests.length, before);
      assert.equal(env.server.requests[0]?.headers.authorization, 'Bearer secret-token');
    });

    test('an unknown kind is a NotFoundError naming it', async () => {
      const catalog = await env.client.discover();
      assert.throws(() => catalog.resolve({ apiVersion: 'example.com/v1', kind: 'Widget' }), (error: unknown) => error instanceof NotFoundError && /Widget/.test(error.message) && /CustomResourceDefinition/.test(error.message));
      assert.throws(() => catalog.resolve({ apiVersion: 'apps/v1beta1', kind: 'Deployment' }), /served under other versions: apps\/v1/);
    });

    test('refresh discovers again', async () => {
      const before = env.server.requests.length;
      await env.client.refresh();
      assert.equal(env.server.requests.length, before + 4);
    });
  });

  test('apply sends a server-side apply patch with manager, force and dry-run', async () => {
    const env = await withServer((request, response) => {
      const sent = JSON.parse(request.body) as { metadata: object };
      sendJson(response, 200, { ...sent, metadata: { ...sent.metadata, resourceVersion: '7' } });
    });
    try {
      const applied = await env.client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a b' }, data: { k: 'v' } }, { fieldManager: 'trunkline', force: true, dryRun: true });
      const request = env.server.requests.at(-1);
      assert.equal(request?.method, 'PATCH');
      assert.equal(request?.url, '/api/v1/namespaces/default/configmaps/a%20b?fieldManager=trunkline&force=true&dryRun=All');
      assert.equal(request?.headers['content-type'], 'application/apply-patch+yaml');
      assert.equal(applied.metadata.namespace, 'default');
      assert.equal(applied.metadata.resourceVersion, '7');
      await env.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }, { fieldManager: 'trunkline' });
      assert.equal(env.server.requests.at(-1)?.url, '/api/v1/namespaces/team?fieldManager=trunkline');
      await assert.rejects(env.client.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, { fieldManager: 'trunkline' }), NotFoundError);
    } finally {
      await env.client.close();
      await env.server.close();
    }
  });

  test('status answers become typed errors', async () => {
    const env = await withServer((request, response) => {
      const name = new URL(request.url, 'http://x').pathname.split('/').at(-1);
      if (name === 'conflict') {
        sendJson(response, 409, {
          kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, message: 'Apply failed with 2 conflicts',
          details: { causes: [
            { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using v1', field: '.data.k' },
            { reason: 'FieldManagerConflict', message: 'conflict with "helm" using v1', field: '.data.j' },
          ] },
        });
      } else if (name === 'exists') sendJson(response, 409, { kind: 'Status', reason: 'AlreadyExists', code: 409, message: 'exists' });
      else if (name === 'invalid') sendJson(response, 422, { kind: 'Status', reason: 'Invalid', code: 422, message: 'bad spec' });
      else if (name === 'forbidden') sendJson(response, 403, { kind: 'Status', reason: 'Forbidden', code: 403, message: 'no' });
      else sendJson(response, 404, { kind: 'Status', reason: 'NotFound', code: 404, message: 'not found' });
    });
    const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' } });
    try {
      await assert.rejects(env.client.apply(cm('conflict'), { fieldManager: 'trunkline' }), (error: unknown) => {
        assert.ok(error instanceof ApplyConflictError);
        assert.ok(error instanceof ConflictError);
        assert.deepEqual(error.conflicts.map((c) => [c.field, c.manager]), [['.data.k', 'kubectl-edit'], ['.data.j', 'helm']]);
        return true;
      });
      await assert.rejects(env.client.apply(cm('exists'), { fieldManager: 'trunkline' }), (error: unknown) => error instanceof ConflictError && !(error instanceof ApplyConflictError));
      await assert.rejects(env.client.apply(cm('invalid'), { fieldManager: 'trunkline' }), (error: unknown) => error instanceof ConfigError && /bad spec/.test(error.message));
      await assert.rejects(env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'forbidden' }), (error: unknown) => error instanceof ExternalError && (error.details as { status: number }).status === 403);
      assert.equal(await env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', namespace: 'ns' }), undefined);
      assert.equal(await env.client.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', namespace: 'ns' }), false);
    } finally {
      await env.client.close();
      await env.server.close();
    }
  });

  test('transient failures are retried, then reported as ExternalError', async () => {
    let failures = 2;
    const env = await withServer((request, response) => {
      if (request.url.includes('always')) sendJson(response, 503, { kind: 'Status', code: 503, message: 'unavailable' });
      else if (failures-- > 0) sendJson(response, 429, { kind: 'Status', code: 429, message: 'slow down' });
      else sendJson(response, 200, { kind: 'Status', status: 'Success' });
    });
    try {
      assert.equal(await env.client.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'ns' }, { propagationPolicy: 'Foreground', dryRun: true }), true);
      assert.deepEqual(env.calls(), Array(3).fill('DELETE /api/v1/namespaces/ns/configmaps/x?propagationPolicy=Foreground&dryRun=All'));
      await assert.rejects(env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'always', namespace: 'ns' }), (error: unknown) => error instanceof ExternalError && (error.details as { status: number }).status === 503);
      assert.equal(env.calls().length, 6);
    } finally {
      await env.client.close();
      await env.server.close();
    }
  });

  test('a refused connection is an ExternalError with status 0', async () => {
    const server = await startScriptedServer(() => {});
    await server.close();
    const client = createKubeClient({ kubeconfig: server.kubeconfig, retry: fastRetry });
    await assert.rejects(client.discover(), (error: unknown) => error instanceof ExternalError && (error.details as { status: number }).status === 0);
    await client.close();
  });

  test('list follows pages and sets apiVersion and kind on items', async () => {
    const env = await withServer((request, response) => {
      const url = new URL(request.url, 'http://x');
      if (url.searchParams.get('continue') === 'page2') {
        sendJson(response, 200, { kind: 'DeploymentList', metadata: { resourceVersion: '12' }, items: [{ metadata: { name: 'b', namespace: 'ns' } }] });
      } else {
        sendJson(response, 200, { kind: 'DeploymentList', metadata: { resourceVersion: '11', continue: 'page2' }, items: [{ metadata: { name: 'a', namespace: 'ns' } }] });
      }
    });
    try {
      const result = await env.client.list({ apiVersion: 'apps/v1', kind: 'Deployment' }, { labelSelector: 'app=web' });
      assert.deepEqual(result.items.map((i) => [i.apiVersion, i.kind, i.metadata.name]), [['apps/v1', 'Deployment', 'a'], ['apps/v1', 'Deployment', 'b']]);
      assert.equal(result.resourceVersion, '12');
      assert.deepEqual(env.calls(), ['GET /apis/apps/v1/deployments?labelSelector=app%3Dweb&limit=500', 'GET /apis/apps/v1/deployments?labelSelector=app%3Dweb&limit=500&continue=page2']);
      await env.client.list({ apiVersion: 'v1', kind: 'Namespace' }, { namespace: 'ignored' });
      assert.equal(env.calls().at(-2), 'GET /api/v1/namespaces?limit=500');
    } finally {
      await env.client.close();
      await env.server.close();
    }
  });

  test('watch delivers events in order, bookmarks, and a 410 ERROR as WatchExpiredError', async () => {
    const env = await withServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const cm = (name: string, rv: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv } });
      response.write(JSON.stringify({ type: 'ADDED', object: cm('a', '2') }) + '\n' + JSON.stringify({ type: 'MODIFIED', object: cm('a', '3') }).slice(0, 20));
      response.write(JSON.stringify({ type: 'MODIFIED', object: cm('a', '3') }).slice(20) + '\n');
      response.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '9' } } }) + '\n');
      response.write(JSON.stringify({ type: 'DELETED', object: cm('a', '10') }) + '\n');
      response.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' } }) + '\n');
    });
    try {
      const events: WatchEvent[] = [];
      const done = await new Promise<Error | undefined>((resolve) => {
        env.client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'ns', resourceVersion: '1', allowBookmarks: true, labelSelector: 'x=y' }, (event) => events.push(event), resolve);
      });
      assert.deepEqual(events.map((e) => [e.type, e.object.metadata.resourceVersion]), [['ADDED', '2'], ['MODIFIED', '3'], ['BOOKMARK', '9'], ['DELETED', '10']]);
      assert.ok(done instanceof WatchExpiredError, String(done));
      assert.deepEqual(env.calls(), ['GET /api/v1/namespaces/ns/configmaps?watch=true&resourceVersion=1&allowWatchBookmarks=true&labelSelector=x%3Dy']);
    } finally {
      await env.client.close();
      await env.server.close();
    }
  });

  test('a watch ended by the server is done without error; stop() closes the stream', async () => {
    let closed: () => void = () => {};
    const streamClosed = new Promise<void>((resolve) => (closed = resolve));
    const env = await withServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      if (request.url.includes('namespaces')) {
        response.write('');
        response.on('close', closed);
      } else response.end();
    });
    try {
      const done = await new Promise<Error | undefined | 'none'>((resolve) => {
        env.client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { resourceVersion: '1', allowBookmarks: true }, () => {}, (error) => resolve(error ?? 'none'));
      });
      assert.equal(done, 'none');
      const doneAfterStop: unknown[] = [];
      const handle = env.client.watch({ apiVersion: 'v1', kind: 'Namespace' }, { resourceVersion: '1', allowBookmarks: false }, () => {}, (error) => doneAfterStop.push(error));
      while (!env.calls().some((c) => c.startsWith('GET /api/v1/namespaces?watch=true'))) await new Promise((resolve) => setImmediate(resolve));
      handle.stop();
      await streamClosed;
      assert.deepEqual(doneAfterStop, []);
    } finally {
      await env.client.close();
      await env.server.close();
    }
  });
});

test('at most maxInFlight requests are on the wire at once; the rest wait their turn', async () => {
  let open = 0;
  let peak = 0;
  const held: (() => void)[] = [];
  const server = await startScriptedServer((request, response) => {
    const answer = discoveryAnswer(new URL(request.url, 'http://x').pathname);
    if (answer) return sendJson(response, 200, answer);
    open++;
    peak = Math.max(peak, open);
    held.push(() => {
      open--;
      sendJson(response, 200, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } });
    });
  });
  const client = createKubeClient({ kubeconfig: server.kubeconfig, retry: fastRetry, maxInFlight: 2 });
  try {
    const gets = Array.from({ length: 5 }, (_, i) => client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: `c${i}` }));
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    let answered = 0;
    while (answered < 5) {
      while (held.length < Math.min(2, 5 - answered)) await turn();
      // Give requests beyond the bound every chance to arrive before answering one.
      for (let i = 0; i < 50; i++) await turn();
      held.shift()?.();
      answered++;
    }
    const objects = await Promise.all(gets);
    assert.equal(objects.length, 5);
    assert.equal(peak, 2);
  } finally {
    await client.close();
    await server.close();
  }
});
