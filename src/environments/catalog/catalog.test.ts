import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { EnvironmentCatalog } from './catalog.ts';

function catalogOver(files: { revision: string | null; text: string | undefined }[]) {
  let reads = 0;
  const catalog = new EnvironmentCatalog({
    logger: pino({ level: 'silent' }),
    source: { read: async () => files[Math.min(reads++, files.length - 1)]! },
  });
  return catalog;
}

test('no environments.yaml: the built-in default is in force', async () => {
  const snapshot = await catalogOver([{ revision: 'a', text: undefined }]).snapshot();
  assert.equal(snapshot.builtIn, true);
  assert.deepEqual(snapshot.environments.map((e) => e.name), ['test', 'staging', 'production', 'preview']);
});

test('a broken file keeps the last good environments and reports where it is broken', async () => {
  const catalog = catalogOver([
    { revision: 'a', text: 'environments:\n  - { name: qa, kind: test }\n' },
    { revision: 'b', text: 'environments:\n  - { name: qa, kind: tset }\n' },
  ]);
  assert.deepEqual((await catalog.list()).map((e) => e.name), ['qa']);
  const broken = await catalog.snapshot();
  assert.equal(broken.revision, 'b');
  assert.deepEqual(broken.environments.map((e) => e.name), ['qa']);
  assert.equal(broken.problems.length, 1);
  assert.equal(broken.problems[0]!.line, 2);
  assert.equal(broken.problems[0]!.field, 'environments[0].kind');
});

test('the same revision is parsed once', async () => {
  const catalog = catalogOver([{ revision: 'a', text: 'environments:\n  - { name: qa, kind: test }\n' }]);
  assert.equal(await catalog.snapshot(), await catalog.snapshot());
});
