import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { silentLogger } from '../../core/index.ts';
import type { AppContext } from '../context.ts';
import { uiRoutes } from './ui.ts';

async function appWith(dist: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.get('/api/repos', async () => []);
  app.get('/metrics', async () => 'metrics');
  uiRoutes(app, { logger: silentLogger } as unknown as AppContext, dist);
  await app.ready();
  return app;
}

describe('web UI routes', () => {
  const root = mkdtempSync(join(tmpdir(), 'tl-ui-dist-'));
  const dist = join(root, 'dist/');
  let app: FastifyInstance;

  before(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Trunkline</title>');
    writeFileSync(join(dist, 'assets/app-1234.js'), 'console.log(1)');
    app = await appWith(dist);
  });

  after(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html for the app and its deep links, uncached', async () => {
    for (const url of ['/', '/repos/acme/shop', '/settings?tab=1']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 200, url);
      assert.match(response.body, /<title>Trunkline/);
      assert.equal(response.headers['cache-control'], 'no-cache');
    }
  });

  it('serves hashed assets cached for good, and 404s missing ones', async () => {
    const asset = await app.inject({ url: '/assets/app-1234.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['cache-control']), /immutable/);
    assert.equal((await app.inject({ url: '/assets/nope.js' })).statusCode, 404);
  });

  it('never answers API, git, registry, hook, health or metrics paths with the app', async () => {
    assert.deepEqual((await app.inject({ url: '/api/repos' })).json(), []);
    assert.equal((await app.inject({ url: '/metrics' })).body, 'metrics');
    for (const url of ['/api/nope', '/api', '/git/acme/shop.git/x', '/v2/x', '/hooks/unknown', '/healthz/x', '/metrics/x']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error, 'not_found', url);
    }
  });

  it('says how to build the UI when it is not built', async () => {
    const bare = await appWith(join(root, 'missing/'));
    const response = await bare.inject({ url: '/' });
    assert.equal(response.statusCode, 503);
    assert.match(response.body, /npm run ui:build/);
    await bare.close();
  });
});
