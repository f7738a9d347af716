import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateToken, hashToken, sameHash, TOKEN_PREFIX } from './token-hash.ts';

test('tokens are prefixed, random and hashed to hex SHA-256', () => {
  const a = generateToken();
  const b = generateToken();
  assert.ok(a.startsWith(TOKEN_PREFIX));
  assert.notEqual(a, b);
  assert.match(hashToken(a), /^[0-9a-f]{64}$/);
  assert.ok(sameHash(hashToken(a), hashToken(a)));
  assert.ok(!sameHash(hashToken(a), hashToken(b)));
  assert.ok(!sameHash(hashToken(a), 'abcd'));
});
