import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../core/index.ts';
import { backends, selectBackend } from './backends.ts';
import { execBackend } from './exec/definition.ts';

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
