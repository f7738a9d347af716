import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { raw, watch, type WatchEvent } from './raw-client.ts';
import { startFakeApiServer, type FakeApiServer } from './index.ts';

type Obj = { metadata: { name: string; resourceVersion: string } };
const path = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data });
const summary = (event: WatchEvent | undefined) => [event?.type, (event?.object.metadata as { name?: string } | undefined)?.name];

describe('fake kube-apiserver: watch', () => {
  let server: FakeApiServer;
  before(async () => {
    server = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    await raw(server, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  });
  after(() => server.close());

  it('replays events after a resourceVersion in order, then streams new ones', async () => {
    const first = await raw<Obj>(server, 'POST', path, cm('w-a'));
    await raw(server, 'POST', path, cm('w-b'));
    await raw(server, 'PATCH', `${path}/w-a`, { data: { x: '1' } }, { contentType: 'application/merge-patch+json' });
    await raw(server, 'POST', '/api/v1/namespaces/other/configmaps', cm('elsewhere'));
    const stream = await watch(server, `${path}?watch=1&resourceVersion=${first.body.metadata.resourceVersion}`);
    assert.equal(stream.status, 200);
    assert.deepEqual(summary(await stream.next()), ['ADDED', 'w-b']);
    const modified = await stream.next();
    assert.deepEqual(summary(modified), ['MODIFIED', 'w-a']);
    assert.equal(modified?.object.kind, 'ConfigMap');
    await raw(server, 'DELETE', `${path}/w-b`);
    const deleted = await stream.next();
    assert.deepEqual(summary(deleted), ['DELETED', 'w-b']);
    assert.ok(Number(deleted?.object.metadata?.resourceVersion) > Number(modified?.object.metadata?.resourceVersion));
    stream.close();
  });

  it('starts with the current objects when no resourceVersion is given, across namespaces on the cluster path', async () => {
    const stream = await watch(server, '/api/v1/configmaps?watch=true&labelSelector=set%3Dall');
    await raw(server, 'POST', '/api/v1/namespaces/other/configmaps', cm('all-1', { set: 'all' }));
    assert.deepEqual(summary(await stream.next()), ['ADDED', 'all-1']);
    stream.close();
  });

  it('filters by label selector, turning edits across the selector into ADDED and DELETED', async () => {
    const list = await raw<{ metadata: { resourceVersion: string } }>(server, 'GET', path);
    const stream = await watch(server, `${path}?watch=1&labelSelector=team%3Dblue&resourceVersion=${list.body.metadata.resourceVersion}`);
    await raw(server, 'POST', path, cm('sel-red', { team: 'red' }));
    await raw(server, 'POST', path, cm('sel-blue', { team: 'blue' }));
    assert.deepEqual(summary(await stream.next()), ['ADDED', 'sel-blue']);
    await raw(server, 'PATCH', `${path}/sel-red`, { metadata: { labels: { team: 'blue' } } }, { contentType: 'application/merge-patch+json' });
    assert.deepEqual(summary(await stream.next()), ['ADDED', 'sel-red']);
    await raw(server, 'PATCH', `${path}/sel-blue`, { metadata: { labels: { team: 'green' } } }, { contentType: 'application/merge-patch+json' });
    assert.deepEqual(summary(await stream.next()), ['DELETED', 'sel-blue']);
    stream.close();
  });

  it('sends bookmarks on demand only to watches that allow them', async () => {
    const withBookmarks = await watch(server, `${path}?watch=1&allowWatchBookmarks=true&resourceVersion=${server.resourceVersion()}`);
    const without = await watch(server, `${path}?watch=1&resourceVersion=${server.resourceVersion()}`);
    server.bookmark();
    const bookmark = await withBookmarks.next();
    assert.equal(bookmark?.type, 'BOOKMARK');
    assert.deepEqual(bookmark?.object, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: server.resourceVersion() } });
    await raw(server, 'POST', path, cm('after-bookmark'));
    assert.deepEqual(summary(await without.next()), ['ADDED', 'after-bookmark'], 'no bookmark came first');
    withBookmarks.close();
    without.close();
  });

  it('sends bookmarks periodically when configured', async () => {
    const periodic = await startFakeApiServer({ bookmarkIntervalMs: 20 });
    try {
      const stream = await watch(periodic, `${path}?watch=1&allowWatchBookmarks=true&resourceVersion=${periodic.resourceVersion()}`);
      assert.equal((await stream.next())?.type, 'BOOKMARK');
      assert.equal((await stream.next())?.type, 'BOOKMARK');
      stream.close();
    } finally {
      await periodic.close();
    }
  });

  it('answers a watch from a compacted resourceVersion with a 410 Expired ERROR event', async () => {
    const old = server.resourceVersion();
    await raw(server, 'POST', path, cm('before-compaction'));
    server.compact();
    const stream = await watch(server, `${path}?watch=1&resourceVersion=${old}`);
    assert.equal(stream.status, 200);
    const error = await stream.next();
    assert.equal(error?.type, 'ERROR');
    assert.deepEqual([error?.object.kind, error?.object.code, error?.object.reason], ['Status', 410, 'Expired']);
    await stream.ended;
    const current = await watch(server, `${path}?watch=1&resourceVersion=${server.resourceVersion()}`);
    await raw(server, 'POST', path, cm('after-compaction'));
    assert.deepEqual(summary(await current.next()), ['ADDED', 'after-compaction'], 'a current resourceVersion still works');
    current.close();
  });

  it('ends a watch after timeoutSeconds and when the test drops connections', async () => {
    const timed = await watch(server, `${path}?watch=1&timeoutSeconds=1&resourceVersion=${server.resourceVersion()}`);
    await timed.ended;
    assert.equal(await timed.next(), undefined);
    const dropped = await watch(server, `${path}?watch=1&resourceVersion=${server.resourceVersion()}`);
    assert.equal(server.watchCount(), 1);
    server.dropWatches();
    await dropped.ended;
    assert.equal(server.watchCount(), 0);
  });

  it('counts requests by verb', async () => {
    server.resetRequests();
    await raw(server, 'GET', path);
    await raw(server, 'GET', `${path}/after-compaction`);
    const stream = await watch(server, `${path}?watch=1&resourceVersion=${server.resourceVersion()}`);
    stream.close();
    assert.deepEqual([server.requestCount('list'), server.requestCount('get'), server.requestCount('watch'), server.writeCount()], [1, 1, 1, 0]);
  });
});
