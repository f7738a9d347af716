import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, LogLimiter, limitMarker } from './limit.ts';

test('accepts lines up to the limit, then emits one marker and drops the rest', () => {
  const limiter = new LogLimiter(8);
  assert.deepEqual(limiter.accept('abc'), ['abc']); // 4 bytes
  assert.deepEqual(limiter.accept('def'), ['def']); // 8 bytes
  assert.equal(limiter.reached, false);
  assert.deepEqual(limiter.accept('g'), [limitMarker(8)]);
  assert.equal(limiter.reached, true);
  assert.deepEqual(limiter.accept('h'), []);
});

test('counts UTF-8 bytes, not characters', () => {
  const limiter = new LogLimiter(4);
  assert.deepEqual(limiter.accept('éé'), [limitMarker(4)]);
});

test('formats limits readably', () => {
  assert.equal(formatBytes(5 * 1024 * 1024), '5 MiB');
  assert.equal(formatBytes(1536), '1536 bytes');
  assert.equal(limitMarker(5 * 1024 * 1024), '[trunkline] log limit of 5 MiB reached; further output discarded');
});
