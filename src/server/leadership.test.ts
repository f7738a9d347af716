import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../core/index.ts';
import type { HeldLock, LockRepository } from '../store/index.ts';
import { Leadership } from './leadership.ts';

/** A lock another process holds for `busyTries` tries; the held lock can be made lost. */
function locks(busyTries: number): LockRepository & { tries: number; lose: (reason: Error) => void; released: boolean } {
  let lose!: (reason: Error) => void;
  const state = {
    tries: 0,
    released: false,
    lose: (reason: Error) => lose(reason),
    async tryAcquire(name: string): Promise<HeldLock | undefined> {
      state.tries += 1;
      if (state.tries <= busyTries) return undefined;
      return {
        name,
        lost: new Promise<Error>((resolve) => (lose = resolve)),
        release: async () => {
          state.released = true;
        },
      };
    },
  };
  return state;
}

test('a follower retries until the lock is free, then runs what the leader runs', async () => {
  const store = locks(3);
  let elected!: () => void;
  const started = new Promise<void>((resolve) => (elected = resolve));
  const leadership = new Leadership(store, { lock: 'controller', retryMs: 5, logger: silentLogger, onElected: async () => elected(), onLost: () => assert.fail('not lost') });
  await leadership.start();
  assert.equal(leadership.leading, false, 'the lock was held elsewhere at first');
  await started;
  assert.equal(leadership.leading, true);
  assert.equal(store.tries, 4);
  await leadership.stop();
  assert.equal(store.released, true);
});

test('a leader that loses its lock is told, so it can step down', async () => {
  const store = locks(0);
  const reasons: string[] = [];
  let told!: () => void;
  const lost = new Promise<void>((resolve) => (told = resolve));
  const leadership = new Leadership(store, {
    lock: 'controller',
    retryMs: 5,
    logger: silentLogger,
    onElected: async () => undefined,
    onLost: (reason) => {
      reasons.push(reason.message);
      told();
    },
  });
  await leadership.start();
  assert.equal(leadership.leading, true, 'a lone server leads before start returns');
  store.lose(new Error('connection terminated'));
  await lost;
  assert.deepEqual(reasons, ['connection terminated']);
  await leadership.stop();
});

test('a failed try is retried, not fatal', async () => {
  let calls = 0;
  const flaky: LockRepository = {
    async tryAcquire(name) {
      calls += 1;
      if (calls === 1) throw new Error('database unreachable');
      return { name, lost: new Promise<Error>(() => undefined), release: async () => undefined };
    },
  };
  let elected!: () => void;
  const started = new Promise<void>((resolve) => (elected = resolve));
  const leadership = new Leadership(flaky, { lock: 'controller', retryMs: 5, logger: silentLogger, onElected: async () => elected(), onLost: () => undefined });
  await leadership.start();
  await started;
  assert.equal(calls, 2);
  await leadership.stop();
});

test('a leader whose start fails gives the lock back and tries again', async () => {
  const store = locks(0);
  let attempts = 0;
  let elected!: () => void;
  const started = new Promise<void>((resolve) => (elected = resolve));
  const leadership = new Leadership(store, {
    lock: 'controller',
    retryMs: 5,
    logger: silentLogger,
    onElected: async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('controller could not start');
      elected();
    },
    onLost: () => undefined,
  });
  await leadership.start();
  assert.equal(leadership.leading, false);
  assert.equal(store.released, true, 'the lock was given back');
  await started;
  assert.equal(leadership.leading, true);
  await leadership.stop();
});
