import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Limiter, mapLimit } from './limiter.ts';

/** A task the test finishes by hand. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a limiter runs at most `size` tasks at once and starts the rest in arrival order', async () => {
  const limiter = new Limiter(2);
  const tasks = [deferred(), deferred(), deferred(), deferred()];
  const started: number[] = [];
  const runs = tasks.map((t, i) =>
    limiter.run(async () => {
      started.push(i);
      await t.promise;
      return i;
    }),
  );
  await tick();
  assert.deepEqual(started, [0, 1]);
  assert.equal(limiter.active, 2);
  assert.equal(limiter.waiting, 2);
  tasks[1]!.resolve();
  await tick();
  assert.deepEqual(started, [0, 1, 2]);
  tasks[0]!.resolve();
  tasks[2]!.resolve();
  tasks[3]!.resolve();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
  assert.equal(limiter.active, 0);
  assert.equal(limiter.waiting, 0);
});

test('a failing task frees its slot and rejects only its own caller', async () => {
  const limiter = new Limiter(1);
  const failing = limiter.run(() => Promise.reject(new Error('boom')));
  const next = limiter.run(() => 'next');
  await assert.rejects(failing, /boom/);
  assert.equal(await next, 'next');
  assert.equal(limiter.active, 0);
});

test('a synchronous throw frees the slot too', async () => {
  const limiter = new Limiter(1);
  await assert.rejects(
    limiter.run(() => {
      throw new Error('sync');
    }),
    /sync/,
  );
  assert.equal(await limiter.run(() => 1), 1);
});

test('a limiter refuses a size below one', () => {
  assert.throws(() => new Limiter(0), RangeError);
  assert.throws(() => new Limiter(1.5), RangeError);
});

test('mapLimit keeps the order of results and never exceeds its concurrency', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(3), { maxLength: 30 }), fc.integer({ min: 1, max: 5 }), async (delays, concurrency) => {
      let running = 0;
      let peak = 0;
      const results = await mapLimit(delays, concurrency, async (delay, i) => {
        running++;
        peak = Math.max(peak, running);
        for (let k = 0; k < delay; k++) await tick();
        running--;
        return i * 2;
      });
      assert.deepEqual(results, delays.map((_, i) => i * 2));
      assert.ok(peak <= concurrency, `peak ${peak} > ${concurrency}`);
      if (delays.length >= concurrency && delays.some((d) => d > 0)) assert.ok(peak >= 1);
    }),
    { numRuns: 50 },
  );
});

test('mapLimit rejects with a failure after the started calls settle', async () => {
  const finished: number[] = [];
  await assert.rejects(
    mapLimit([0, 1, 2], 3, async (i) => {
      await tick();
      if (i === 1) throw new Error('item 1');
      finished.push(i);
      return i;
    }),
    /item 1/,
  );
  assert.deepEqual(finished.sort(), [0, 2]);
});
