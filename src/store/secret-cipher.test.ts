import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ConfigError } from '../core/index.ts';
import { SecretCipher } from './secret-cipher.ts';

test('round-trips a value with a fresh nonce each time', () => {
  const cipher = new SecretCipher(randomBytes(32));
  const a = cipher.seal('repo', 'TOKEN', 'hunter2');
  const b = cipher.seal('repo', 'TOKEN', 'hunter2');
  assert.notDeepEqual(a.nonce, b.nonce);
  assert.notDeepEqual(a.ciphertext, b.ciphertext);
  assert.equal(cipher.open('repo', 'TOKEN', a), 'hunter2');
  assert.equal(cipher.open('repo', 'TOKEN', b), 'hunter2');
});

test('a value sealed for one repository or name does not open as another', () => {
  const cipher = new SecretCipher(randomBytes(32));
  const sealed = cipher.seal('repo-a', 'TOKEN', 'hunter2');
  assert.throws(() => cipher.open('repo-b', 'TOKEN', sealed), /authentication failed/);
  assert.throws(() => cipher.open('repo-a', 'OTHER', sealed), /authentication failed/);
});

test('a tampered ciphertext fails authentication', () => {
  const cipher = new SecretCipher(randomBytes(32));
  const sealed = cipher.seal('repo', 'TOKEN', 'hunter2');
  const ciphertext = Buffer.from(sealed.ciphertext);
  ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
  assert.throws(() => cipher.open('repo', 'TOKEN', { ...sealed, ciphertext }), ConfigError);
});

test('another key is reported as such', () => {
  const sealed = new SecretCipher(randomBytes(32)).seal('repo', 'TOKEN', 'hunter2');
  assert.throws(() => new SecretCipher(randomBytes(32)).open('repo', 'TOKEN', sealed), /another secret key/);
});

test('a value sealed for one purpose does not open as another', () => {
  const cipher = new SecretCipher(randomBytes(32));
  const sealed = cipher.seal('repo', 'credentials', 'hunter2', 'repo-host');
  assert.equal(cipher.open('repo', 'credentials', sealed, 'repo-host'), 'hunter2');
  assert.throws(() => cipher.open('repo', 'credentials', sealed), /authentication failed/);
  const kubeconfig = cipher.seal('id-1', 'kubeconfig', 'apiVersion: v1', 'cluster');
  assert.equal(cipher.open('id-1', 'kubeconfig', kubeconfig, 'cluster'), 'apiVersion: v1');
  assert.throws(() => cipher.open('id-1', 'kubeconfig', kubeconfig, 'repo-host'), /authentication failed/);
  assert.throws(() => cipher.open('id-1', 'kubeconfig', kubeconfig), /authentication failed/);
});
