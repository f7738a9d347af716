import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, silentLogger } from '../core/index.ts';
import { backends, selectBackend } from './backends.ts';
import { execBackend } from './exec/definition.ts';
import { kubernetesConfigFromEnv } from './kubernetes/env-config.ts';
import { BackendPool } from './pool.ts';

test('selects the exec backend for exec pipelines', () => {
  assert.equal(selectBackend('exec', 'build'), execBackend);
  assert.ok(backends.includes(execBackend));
});

test('explains which backend a known type needs', () => {
  assert.throws(
    () => selectBackend('kubernetes', 'deploy'),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message ===
        'pipeline "deploy" has type "kubernetes", which this runner cannot run: the kubernetes backend is not available here; use "type: exec" or "type: docker" or a runner with the kubernetes backend',
  );
});

test('names an unknown type', () => {
  assert.throws(() => selectBackend('vm', 'x', []), /type "vm", which this runner cannot run: no backend for this type is known here; use a runner with a backend for type "vm"/);
});

test('the exec backend is available where /bin/sh exists and has defaults', async () => {
  assert.deepEqual(await execBackend.isAvailable(execBackend.configSchema.parse({})), { available: true });
  const config = execBackend.configSchema.parse({});
  assert.match(config.root, /trunkline-runs$/);
  assert.throws(() => execBackend.configSchema.parse({ root: '' }));
});

test('the kubernetes backend is offered only where it is configured', () => {
  assert.ok(!new BackendPool({ logger: silentLogger }).types().includes('kubernetes'));
  assert.ok(new BackendPool({ logger: silentLogger, config: { kubernetes: {} } }).types().includes('kubernetes'));
  assert.equal(kubernetesConfigFromEnv({}), undefined);
  assert.equal(kubernetesConfigFromEnv({ TRUNKLINE_KUBERNETES: 'off', TRUNKLINE_KUBERNETES_NAMESPACE: 'ci' }), undefined);
  assert.deepEqual(kubernetesConfigFromEnv({ TRUNKLINE_KUBERNETES: 'on' }), {});
  assert.deepEqual(
    kubernetesConfigFromEnv({ TRUNKLINE_KUBERNETES_NAMESPACE: 'ci', TRUNKLINE_KUBERNETES_NODE_SELECTOR: 'disktype=ssd, zone:eu', TRUNKLINE_KUBERNETES_STOP_GRACE_SECONDS: '3' }),
    { namespace: 'ci', nodeSelector: { disktype: 'ssd', zone: 'eu' }, stopGraceSeconds: 3 },
  );
  assert.throws(() => kubernetesConfigFromEnv({ TRUNKLINE_KUBERNETES_STOP_GRACE_SECONDS: 'soon' }), ConfigError);
});
