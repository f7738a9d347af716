import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../../core/index.ts';
import { formatReference, parseReference } from './reference.ts';

const digest = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  const cases: [string, string][] = [
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.20', 'docker.io/library/alpine:3.20'],
    ['acme/app:1', 'docker.io/acme/app:1'],
    ['index.docker.io/acme/app', 'docker.io/acme/app:latest'],
    ['docker.io/alpine', 'docker.io/library/alpine:latest'],
    ['127.0.0.1:5000/acme/app:1-main-abcdef12', '127.0.0.1:5000/acme/app:1-main-abcdef12'],
    [`registry.example.com/app@${digest}`, `registry.example.com/app@${digest}`],
    [`registry.example.com/team/app:v1@${digest}`, `registry.example.com/team/app:v1@${digest}`],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/a/b/c', 'localhost:5000/a/b/c:latest'],
    ['Registry/app', 'Registry/app:latest'],
    ['[::1]:5000/app:x', '[::1]:5000/app:x'],
    ['ghcr.io/acme/app_name.v2--x:tag_1.0-rc', 'ghcr.io/acme/app_name.v2--x:tag_1.0-rc'],
  ];
  for (const [input, expected] of cases) {
    test(`${input} → ${expected}`, () => assert.equal(formatReference(parseReference(input)), expected));
  }

  test('splits the parts', () => {
    assert.deepEqual(parseReference('127.0.0.1:5000/acme/app:7-main-0123abcd'), { registry: '127.0.0.1:5000', repository: 'acme/app', tag: '7-main-0123abcd' });
    assert.deepEqual(parseReference(`host.dev/app@${digest}`), { registry: 'host.dev', repository: 'app', digest });
  });

  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['acme/App', /must be lowercase/],
    ['acme/app:', /invalid tag ""/],
    ['acme/app:-bad', /invalid tag "-bad"/],
    [`acme/app:${'x'.repeat(129)}`, /invalid tag/],
    ['acme/app@sha256:abc', /invalid digest "sha256:abc"/],
    ['acme/app@md5:0123', /invalid digest/],
    ['acme//app', /invalid repository name/],
    ['acme/app-/x', /invalid repository name/],
    ['host.dev/', /repository name is missing/],
    ['-bad.host/app', /invalid registry host/],
    [`example.com/${'a'.repeat(250)}`, /longer than 255/],
  ];
  for (const [input, message] of invalid) {
    test(`refuses ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`, () => {
      assert.throws(() => parseReference(input), (error: unknown) => error instanceof ConfigError && message.test(error.message));
    });
  }

  test('formatting a parsed reference and parsing it again gives the same reference', () => {
    const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[-_.][a-z0-9]{1,8})?$/);
    fc.assert(
      fc.property(
        fc.constantFrom('docker.io', 'ghcr.io', '127.0.0.1:5000', 'localhost'),
        fc.array(component, { minLength: 1, maxLength: 3 }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,20}$/), { nil: undefined }),
        (registry, parts, tag) => {
          const parsed = parseReference(`${registry}/${parts.join('/')}${tag === undefined ? '' : `:${tag}`}`);
          assert.deepEqual(parseReference(formatReference(parsed)), parsed);
          assert.equal(parsed.tag, tag ?? 'latest');
        },
      ),
    );
  });
});
