import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../core/index.ts';
import type { InputProblem } from '../../core/index.ts';
import { parseRelease, renderRelease } from './release-file.ts';

const file = 'environments/staging/api/release.yaml';

function problems(text: string): string[] {
  try {
    parseRelease(text, file);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return (error.details as { problems: InputProblem[] }).problems.map((p) => `${p.line}:${p.column} ${p.field}: ${p.message}`);
  }
  assert.fail('expected the file to be refused');
}

test('parses a version file with and without a chart', () => {
  assert.deepEqual(parseRelease('image:\n  repository: registry.example.com:5000/acme/api\n  tag: 42-main-1a2b3c4d\n', file), {
    image: { repository: 'registry.example.com:5000/acme/api', tag: '42-main-1a2b3c4d' },
  });
  assert.deepEqual(parseRelease('chart: {repository: "oci://r.example.com/charts/api", version: 0.1.42}\nimage: {repository: r.example.com/api, tag: v1}\n', file).chart, {
    repository: 'oci://r.example.com/charts/api',
    version: '0.1.42',
  });
});

test('malformed version files give every problem at file:line:col', () => {
  assert.deepEqual(problems('image:\n  repository: registry.example.com/acme/api:42\n  tag: "has space"\n  digest: sha256:x\n'), [
    '2:15 image.repository: expected an image repository without tag or digest, e.g. registry.example.com/acme/api',
    '3:8 image.tag: expected an image tag (letters, digits, "_", "." and "-", at most 128)',
    '4:3 image.digest: unknown field "digest"',
  ]);
  assert.deepEqual(problems('chart:\n  repository: https://charts.example.com/api\n  version: 0.1\nimage:\n  repository: r.example.com/api\n  tag: "1"\n'), [
    '2:15 chart.repository: expected an oci:// chart reference without a version, e.g. oci://registry.example.com/charts/api',
    '3:12 chart.version: expected string, got number 0.1',
  ]);
  assert.deepEqual(problems('chart:\n  repository: oci://r.example.com/charts/api\n  version: "1.2"\nimage:\n  repository: r.example.com/api\n  tag: "1"\n'), [
    '3:12 chart.version: expected a SemVer chart version, e.g. 0.1.42',
  ]);
  assert.deepEqual(problems('chart:\n  version: 0.1.1\n'), ['1:1 image: missing required field "image"', '2:3 chart.repository: missing required field "repository"']);
  const [syntax] = problems('image:\n  tag: [unclosed\n');
  assert.match(syntax ?? '', /^3:1 : Flow sequence/);
  assert.throws(() => parseRelease('image: {repository: r/a, tag: 1}\nimage: {}\n', file), /release\.yaml:2:1: /);
});

test('rendering keeps comments and order of an existing file, and a new file reads back', () => {
  const previous = '# staging pins\nimage: # built by CI\n  tag: old # last good\n  repository: r.example.com/api\nchart:\n  repository: oci://r.example.com/charts/api\n  version: 0.1.1\n';
  const next = renderRelease({ image: { repository: 'r.example.com/api', tag: '2-main-deadbeef' }, chart: { repository: 'oci://r.example.com/charts/api', version: '0.1.2' } }, previous);
  assert.match(next, /^# staging pins\nimage:\s+# built by CI\n {2}tag: 2-main-deadbeef # last good\n {2}repository: r\.example\.com\/api\nchart:\n {2}repository: oci:\/\/r\.example\.com\/charts\/api\n {2}version: 0\.1\.2\n$/);

  const release = { image: { repository: 'r.example.com/api', tag: '1e5' }, chart: { repository: 'oci://r.example.com/charts/api', version: '0.1.10' } };
  const fresh = renderRelease(release);
  assert.match(fresh, /^# Written by Trunkline/);
  // Strings that look like numbers stay strings.
  assert.deepEqual(parseRelease(fresh, file), release);
  assert.deepEqual(parseRelease(renderRelease({ image: release.image }, fresh), file), { image: release.image });
});
