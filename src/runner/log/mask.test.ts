import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker, MASK } from './mask.ts';

test('replaces every occurrence of each secret', () => {
  const mask = createMasker(['hunter2', 's3cr3t']);
  assert.equal(mask('pw=hunter2 again hunter2, token s3cr3t'), `pw=${MASK} again ${MASK}, token ${MASK}`);
});

test('masks each line of a multi-line secret', () => {
  const mask = createMasker(['-----BEGIN KEY-----\n  abcdef123\nzzz999  \n-----END KEY-----\n']);
  assert.equal(mask('  abcdef123'), `  ${MASK}`);
  assert.equal(mask('zzz999'), MASK);
  assert.equal(mask('-----END KEY-----'), MASK);
});

test('skips empty and one-character values like Drone', () => {
  const mask = createMasker(['', 'a', ' \n']);
  assert.equal(mask('a banana'), 'a banana');
});

test('prefers the longest secret when one contains another', () => {
  const mask = createMasker(['abc', 'abcdef']);
  assert.equal(mask('xabcdefx'), `x${MASK}x`);
});

test('treats regular expression characters literally', () => {
  const mask = createMasker(['a.b*c(']);
  assert.equal(mask('a.b*c( axbbc'), `${MASK} axbbc`);
});
