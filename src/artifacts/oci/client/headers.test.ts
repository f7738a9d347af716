import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseChallenge } from './challenge.ts';
import { parseErrorBody, registryError } from './errors.ts';
import { nextLink } from './link.ts';
import { uploadedBytes } from './range.ts';
import { referrersTag } from './referrers.ts';

describe('registry header parsing', () => {
  test('WWW-Authenticate challenges', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:acme/app:pull,push"'), {
      scheme: 'bearer',
      params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:acme/app:pull,push' },
    });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
    assert.deepEqual(parseChallenge('bearer Realm=https://a/t, service=x'), { scheme: 'bearer', params: { realm: 'https://a/t', service: 'x' } });
    assert.deepEqual(parseChallenge('Bearer realm="a\\"b"'), { scheme: 'bearer', params: { realm: 'a"b' } });
    assert.equal(parseChallenge(null), undefined);
    assert.equal(parseChallenge(''), undefined);
  });

  test('Link rel="next"', () => {
    assert.equal(nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"', 'http://r:5000/v2/a/tags/list'), 'http://r:5000/v2/a/tags/list?n=2&last=b');
    assert.equal(nextLink('<https://other/x>; rel=next', 'http://r/'), 'https://other/x');
    assert.equal(nextLink('</prev>; rel="prev", </next>; rel="next"', 'http://r/a'), 'http://r/next');
    assert.equal(nextLink('</prev>; rel="prev"', 'http://r/a'), undefined);
    assert.equal(nextLink(null, 'http://r/'), undefined);
  });

  test('upload Range answers', () => {
    assert.equal(uploadedBytes('0-0', false), 0);
    assert.equal(uploadedBytes('0-0', true), 1);
    assert.equal(uploadedBytes('0-1023', true), 1024);
    assert.equal(uploadedBytes('bytes=0-99', true), 100);
    assert.equal(uploadedBytes('nonsense', true), undefined);
    assert.equal(uploadedBytes(null, true), undefined);
  });

  test('distribution-spec error bodies', () => {
    assert.deepEqual(parseErrorBody('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"tag":"x"}}]}'), [
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { tag: 'x' } },
    ]);
    assert.deepEqual(parseErrorBody('<html>bad gateway</html>'), []);
    const error = registryError('r:5000', 'GET manifest a:b', 404, '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}');
    assert.equal(error.message, 'registry r:5000: GET manifest a:b failed with HTTP 404 (NAME_UNKNOWN: repository name not known to registry)');
    assert.deepEqual((error.details as { status: number }).status, 404);
  });

  test('referrers tag schema', () => {
    assert.equal(referrersTag(`sha256:${'ab'.repeat(32)}`), `sha256-${'ab'.repeat(32)}`);
    assert.equal(referrersTag(`sha512:${'c'.repeat(128)}`), `sha512-${'c'.repeat(64)}`);
  });
});
