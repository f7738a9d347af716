import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { httpOutcome, parseRetryAfter } from './http.ts';
import { defaultRetryPolicy, isRetryableStatus, retryDelay } from './retry.ts';

const policy = { ...defaultRetryPolicy, baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 600_000 };

test('the delay doubles per attempt, with jitter in its upper half, up to the ceiling', () => {
  assert.equal(retryDelay(policy, 1, undefined, () => 0), 500);
  assert.equal(retryDelay(policy, 1, undefined, () => 1), 1000);
  assert.equal(retryDelay(policy, 3, undefined, () => 1), 4000);
  assert.equal(retryDelay(policy, 30, undefined, () => 1), 60_000);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempts, r) => {
      const delay = retryDelay(policy, attempts, undefined, () => r);
      const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempts - 1));
      assert.ok(delay >= full / 2 - 1 && delay <= full + 1);
    }),
  );
});

test("a receiver's retry-after wins when longer, up to its own ceiling", () => {
  assert.equal(retryDelay(policy, 1, 30_000, () => 1), 30_000);
  assert.equal(retryDelay(policy, 8, 10, () => 1), 60_000);
  assert.equal(retryDelay(policy, 1, 10 * 3600_000, () => 1), 600_000);
});

test('408, 429 and 5xx are retried; other 4xx are not', () => {
  for (const status of [408, 429, 500, 502, 503, 504]) assert.ok(isRetryableStatus(status), String(status));
  for (const status of [400, 401, 403, 404, 410, 413, 422]) assert.ok(!isRetryableStatus(status), String(status));
});

test('Retry-After: seconds or an HTTP date', () => {
  assert.equal(parseRetryAfter('120'), 120_000);
  const now = Date.UTC(2026, 0, 1, 0, 0, 0);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

test('plain HTTP answers: 2xx delivered, the rest failed with status and retry-after', () => {
  assert.deepEqual(httpOutcome({ status: 204, headers: new Headers(), body: '' }), { ok: true, status: 204 });
  assert.deepEqual(httpOutcome({ status: 429, headers: new Headers({ 'retry-after': '7' }), body: 'rate_limited' }), {
    ok: false,
    retryable: true,
    status: 429,
    retryAfterMs: 7000,
    error: 'HTTP 429: rate_limited',
  });
  assert.deepEqual(httpOutcome({ status: 404, headers: new Headers(), body: 'no_service' }), {
    ok: false,
    retryable: false,
    status: 404,
    error: 'HTTP 404: no_service',
  });
});
