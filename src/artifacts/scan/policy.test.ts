import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { parsePolicy } from './index.ts';

function problems(text: string): { line: number; column: number; field: string; message: string }[] {
  try {
    parsePolicy(text, 'scan-policy.yml');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return (error.details as { problems: { line: number; column: number; field: string; message: string }[] }).problems.map(
      ({ line, column, field, message }) => ({ line, column, field, message }),
    );
  }
  assert.fail('expected a ConfigError');
}

test('a full policy parses', () => {
  const policy = parsePolicy(
    [
      'failOn: medium',
      'ignoreUnfixed: true',
      'allow:',
      '  - id: CVE-2024-5535',
      '    reason: ALPN is not used by this service',
      '    expires: 2025-06-30',
      '    packages: [libssl3, libcrypto3]',
      '  - id: GHSA-78xj-cgh5-2h22',
      '    reason: " build-time only "',
      '    expires: "2025-01-31"',
      '',
    ].join('\n'),
    'scan-policy.yml',
  );
  assert.deepEqual(policy, {
    failOn: 'medium',
    ignoreUnfixed: true,
    allow: [
      { id: 'CVE-2024-5535', reason: 'ALPN is not used by this service', expires: '2025-06-30', packages: ['libssl3', 'libcrypto3'] },
      { id: 'GHSA-78xj-cgh5-2h22', reason: 'build-time only', expires: '2025-01-31' },
    ],
  });
});

test('an empty file is the default policy', () => {
  const defaults = { failOn: 'high', ignoreUnfixed: false, allow: [] };
  assert.deepEqual(parsePolicy('', 'p.yml'), defaults);
  assert.deepEqual(parsePolicy('# nothing yet\n', 'p.yml'), defaults);
  assert.deepEqual(parsePolicy('ignoreUnfixed: false\n', 'p.yml'), defaults);
});

test('errors carry file:line:col and the field', () => {
  const text = [
    'failOn: severe',
    'ignoreUnfixd: true',
    'allow:',
    '  - id: CVE-2024-1',
    '    expires: 2025-02-30',
    '  - id: CVE-2024-2',
    '    reason: "   "',
    '    expires: 2025-01-01',
    '    packages: []',
  ].join('\n');
  assert.deepEqual(problems(text), [
    { line: 1, column: 9, field: 'failOn', message: 'expected one of critical, high, medium, low' },
    { line: 2, column: 1, field: 'ignoreUnfixd', message: 'unknown field "ignoreUnfixd"' },
    { line: 4, column: 5, field: 'allow[0].reason', message: 'missing required field "reason"' },
    { line: 5, column: 14, field: 'allow[0].expires', message: 'expected a date as YYYY-MM-DD' },
    { line: 7, column: 13, field: 'allow[1].reason', message: 'expected a reason: say why this is acceptable' },
    { line: 9, column: 15, field: 'allow[1].packages', message: 'expected at least one package (or leave "packages" out)' },
  ]);
  assert.throws(
    () => parsePolicy(text, 'scan-policy.yml'),
    (error: unknown) => error instanceof ConfigError && error.message.startsWith('scan-policy.yml:1:9: failOn: expected one of'),
  );
});

test('an expiry is required and must be a real date', () => {
  assert.deepEqual(problems('allow:\n  - id: CVE-1\n    reason: r\n'), [
    { line: 2, column: 5, field: 'allow[0].expires', message: 'missing required field "expires"' },
  ]);
  assert.deepEqual(problems('allow:\n  - {id: CVE-1, reason: r, expires: 20250101}\n'), [
    { line: 2, column: 37, field: 'allow[0].expires', message: 'expected a date as YYYY-MM-DD' },
  ]);
  assert.deepEqual(parsePolicy('allow:\n  - {id: CVE-1, reason: r, expires: 2024-02-29}\n', 'p.yml').allow[0]?.expires, '2024-02-29');
  assert.equal(problems('allow:\n  - {id: CVE-1, reason: r, expires: 2023-02-29}\n').length, 1);
});

test('wrong types and YAML syntax errors are reported with positions', () => {
  assert.deepEqual(problems('ignoreUnfixed: yes please\n'), [
    { line: 1, column: 16, field: 'ignoreUnfixed', message: 'expected true or false' },
  ]);
  assert.deepEqual(problems('allow: CVE-1\n'), [{ line: 1, column: 8, field: 'allow', message: 'expected array, got string "CVE-1"' }]);
  const syntax = problems('failOn: high\nallow: [\n');
  assert.equal(syntax.length >= 1, true);
  assert.equal(syntax[0]?.field, '');
  assert.deepEqual(problems('failOn: high\nfailOn: low\n').map((p) => [p.line, p.field]), [[2, '']]);
  assert.deepEqual(problems('- failOn: high\n'), [{ line: 1, column: 1, field: '', message: 'expected object, got a list' }]);
});
