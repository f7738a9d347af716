import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ConfigError } from '../core/index.ts';
import { parseSecretKey } from './secret-key.ts';

test('accepts 32 raw bytes, hex and base64 (padded, unpadded, url-safe)', () => {
  const key = randomBytes(32);
  assert.deepEqual(parseSecretKey(key), key);
  assert.deepEqual(parseSecretKey(key.toString('hex')), key);
  assert.deepEqual(parseSecretKey(key.toString('base64')), key);
  assert.deepEqual(parseSecretKey(key.toString('base64').replace(/=+$/, '')), key);
  assert.deepEqual(parseSecretKey(key.toString('base64url')), key);
  assert.deepEqual(parseSecretKey(`  ${key.toString('hex')}\n`), key);
});

test('refuses anything else with a ConfigError that says what is expected', () => {
  for (const bad of [randomBytes(16), randomBytes(33), 'secret', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), '']) {
    assert.throws(
      () => parseSecretKey(bad),
      (error: unknown) => error instanceof ConfigError && /32 bytes/.test(error.message) && /hex/.test(error.message),
    );
  }
});
