import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { verifyDroneSignature } from './fixtures.test.ts';
import { signedRequestHeaders } from './http-signature.ts';

const body = '{"repo":{},"build":{}}';
const secret = 'correct-horse-battery-staple';
const input = { body, secret, now: Date.UTC(2024, 0, 2, 15, 4, 5), accept: 'application/vnd.drone.config.v1+json' };

function asRequest(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

test('signs like drone-go: hmac-sha256 keyed by the secret bytes over accept, accept-encoding, content-type, date, digest', () => {
  // Expected values computed independently with `openssl dgst -sha256 [-hmac secret] -binary | base64`.
  const headers = signedRequestHeaders(input);
  assert.equal(headers.date, 'Tue, 02 Jan 2024 15:04:05 GMT');
  assert.equal(headers.digest, 'SHA-256=J2iKiDQyrJh0OVfIYwsOH4cA1m4dZOpI7FhjxeBktpo=');
  assert.equal(
    headers.signature,
    'keyId="hmac-key",algorithm="hmac-sha256",signature="pl1yq/JIEWwS9LKjD+zAy+dTADBnkncCdeWNHx3P994=",headers="accept accept-encoding content-type date digest"',
  );
  assert.equal(verifyDroneSignature(asRequest(headers), Buffer.from(body), secret), true);
});

test('the verifying extension refuses a wrong secret, a changed header or body, and a signature without date', () => {
  const headers = signedRequestHeaders(input);
  assert.equal(verifyDroneSignature(asRequest(headers), Buffer.from(body), 'another secret'), false);
  assert.equal(verifyDroneSignature(asRequest({ ...headers, date: 'Wed, 03 Jan 2024 15:04:05 GMT' }), Buffer.from(body), secret), false);
  assert.equal(verifyDroneSignature(asRequest(headers), Buffer.from('{"repo":{"trusted":true},"build":{}}'), secret), false);
  const { signature: _signature, ...unsigned } = headers;
  assert.equal(verifyDroneSignature(asRequest(unsigned), Buffer.from(body), secret), false);
  const noDate = headers.signature?.replace(' date', '') ?? '';
  assert.equal(verifyDroneSignature(asRequest({ ...headers, signature: noDate }), Buffer.from(body), secret), false);
});
