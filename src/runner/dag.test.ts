import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateDag, walkDag } from './dag.ts';

test('rejects unknown dependencies, duplicates and cycles', () => {
  assert.throws(() => validateDag([{ name: 'a', dependsOn: ['b'] }], 'step'), /step "a" depends on unknown step "b"/);
  assert.throws(() => validateDag([{ name: 'a', dependsOn: [] }, { name: 'a', dependsOn: [] }], 'step'), /duplicate step name "a"/);
  assert.throws(
    () =>
      validateDag(
        [
          { name: 'a', dependsOn: ['c'] },
          { name: 'b', dependsOn: ['a'] },
          { name: 'c', dependsOn: ['b'] },
        ],
        'step',
      ),
    /dependency cycle between steps: a → c → b → a/,
  );
  validateDag([{ name: 'a', dependsOn: [] }, { name: 'b', dependsOn: ['a'] }], 'step');
});

test('visits a node only after all its dependencies, and starts independent nodes together', async () => {
  const order: string[] = [];
  const running = new Set<string>();
  let maxRunning = 0;
  let releaseRoots: () => void = () => {};
  const roots = new Promise<void>((resolve) => (releaseRoots = resolve));
  await walkDag(
    [
      { name: 'a', dependsOn: [] },
      { name: 'b', dependsOn: [] },
      { name: 'c', dependsOn: ['a', 'b'] },
    ],
    async (node) => {
      running.add(node.name);
      maxRunning = Math.max(maxRunning, running.size);
      if (running.size === 2) releaseRoots();
      if (node.name !== 'c') await roots;
      order.push(node.name);
      running.delete(node.name);
    },
  );
  assert.equal(maxRunning, 2);
  assert.equal(order.at(-1), 'c');
});

test('keeps walking after a visit throws, then rethrows', async () => {
  const seen: string[] = [];
  await assert.rejects(
    walkDag(
      [
        { name: 'a', dependsOn: [] },
        { name: 'b', dependsOn: ['a'] },
      ],
      async (node) => {
        seen.push(node.name);
        if (node.name === 'a') throw new Error('boom');
      },
    ),
    /boom/,
  );
  assert.deepEqual(seen, ['a', 'b']);
});
