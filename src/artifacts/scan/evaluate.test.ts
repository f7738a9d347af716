import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { evaluatePolicy, parsePolicy, parseTrivyReport } from './index.ts';
import type { Finding, Policy, Severity } from './index.ts';

const day = new Date('2025-03-14T12:00:00Z');

function finding(id: string, severity: Severity, fixedVersion?: string, pkg = 'pkg'): Finding {
  const f: Finding = { id, package: pkg, installedVersion: '1.0', severity };
  if (fixedVersion) f.fixedVersion = fixedVersion;
  return f;
}

function policy(overrides: Partial<Policy> = {}): Policy {
  return { failOn: 'high', ignoreUnfixed: false, allow: [], ...overrides };
}

const ladder = (['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const).map((s) => finding(`CVE-${s}`, s, '2.0'));

test('failOn blocks at and above its level, never negligible or unknown', () => {
  const blocked = (failOn: Policy['failOn']) => evaluatePolicy(ladder, policy({ failOn }), day).blocking.map((f) => f.severity);
  assert.deepEqual(blocked('critical'), ['critical']);
  assert.deepEqual(blocked('high'), ['critical', 'high']);
  assert.deepEqual(blocked('medium'), ['critical', 'high', 'medium']);
  assert.deepEqual(blocked('low'), ['critical', 'high', 'medium', 'low']);
});

test('just below the threshold passes, at the threshold fails', () => {
  assert.equal(evaluatePolicy([finding('CVE-1', 'medium')], policy({ failOn: 'high' }), day).passed, true);
  assert.equal(evaluatePolicy([finding('CVE-1', 'high')], policy({ failOn: 'high' }), day).passed, false);
  assert.equal(evaluatePolicy([], policy({ failOn: 'low' }), day).passed, true);
});

test('counts cover every finding, whatever the policy', () => {
  const verdict = evaluatePolicy(ladder, policy({ failOn: 'critical' }), day);
  assert.deepEqual(verdict.counts, { critical: 1, high: 1, medium: 1, low: 1, negligible: 1, unknown: 1 });
});

test('ignoreUnfixed lets findings without a fix through and still blocks fixed ones', () => {
  const findings = [finding('CVE-1', 'critical'), finding('CVE-2', 'high', '1.1'), finding('CVE-3', 'low')];
  const strict = evaluatePolicy(findings, policy(), day);
  assert.deepEqual(strict.blocking.map((f) => f.id), ['CVE-1', 'CVE-2']);
  const lenient = evaluatePolicy(findings, policy({ ignoreUnfixed: true }), day);
  assert.deepEqual(lenient.blocking.map((f) => f.id), ['CVE-2']);
  assert.deepEqual(lenient.ignoredUnfixed.map((f) => f.id), ['CVE-1'], 'only findings that would have blocked are listed');
  assert.equal(evaluatePolicy([finding('CVE-1', 'critical')], policy({ ignoreUnfixed: true }), day).passed, true);
});

test('an allowance holds through its expiry day and not after', () => {
  const findings = [finding('CVE-2024-1', 'critical', '1.1')];
  const allow = [{ id: 'CVE-2024-1', reason: 'not reachable', expires: '2025-03-14' }];
  const onTheDay = evaluatePolicy(findings, policy({ allow }), new Date('2025-03-14T23:59:59Z'));
  assert.equal(onTheDay.passed, true);
  assert.deepEqual(onTheDay.allowed, [{ finding: findings[0], reason: 'not reachable', expires: '2025-03-14' }]);
  assert.deepEqual(onTheDay.expiredAllowances, []);
  const nextDay = evaluatePolicy(findings, policy({ allow }), new Date('2025-03-15T00:00:00Z'));
  assert.equal(nextDay.passed, false);
  assert.deepEqual(nextDay.allowed, []);
  assert.deepEqual(nextDay.expiredAllowances, [{ id: 'CVE-2024-1', reason: 'not reachable', expires: '2025-03-14', matches: findings }]);
});

test('a future and a past allowance: only the future one allows', () => {
  const findings = [finding('CVE-A', 'high', '2'), finding('CVE-B', 'high', '2')];
  const verdict = evaluatePolicy(
    findings,
    policy({
      allow: [
        { id: 'cve-a', reason: 'future', expires: '2026-01-01' },
        { id: 'CVE-B', reason: 'past', expires: '2025-01-01' },
      ],
    }),
    day,
  );
  assert.deepEqual(verdict.allowed.map((a) => a.finding.id), ['CVE-A'], 'ids match case-insensitively');
  assert.deepEqual(verdict.blocking.map((f) => f.id), ['CVE-B']);
  assert.deepEqual(verdict.expiredAllowances.map((a) => a.id), ['CVE-B']);
});

test('a per-package allowance allows only in the packages it names', () => {
  const findings = [finding('CVE-1', 'critical', '2', 'libssl3'), finding('CVE-1', 'critical', '2', 'libcrypto3')];
  const verdict = evaluatePolicy(
    findings,
    policy({ allow: [{ id: 'CVE-1', reason: 'r', expires: '2030-01-01', packages: ['libssl3'] }] }),
    day,
  );
  assert.deepEqual(verdict.allowed.map((a) => a.finding.package), ['libssl3']);
  assert.deepEqual(verdict.blocking.map((f) => f.package), ['libcrypto3']);
});

test('an allowance below the threshold is not listed as allowed', () => {
  const verdict = evaluatePolicy([finding('CVE-1', 'low')], policy({ allow: [{ id: 'CVE-1', reason: 'r', expires: '2030-01-01' }] }), day);
  assert.deepEqual(verdict.allowed, []);
  assert.equal(verdict.passed, true);
});

test('the summary of a failed gate on the Trivy fixture, exactly', () => {
  const report = parseTrivyReport(readFileSync(new URL('./fixtures/trivy-image.json', import.meta.url), 'utf8'), 'trivy.json');
  const gate = parsePolicy(
    [
      'failOn: high',
      'ignoreUnfixed: true',
      'allow:',
      '  - id: CVE-2023-42363',
      '    reason: awk is never run',
      '    expires: 2025-06-30',
      '    packages: [busybox]',
      '  - id: CVE-2024-5535',
      '    reason: ALPN is not used',
      '    expires: 2025-02-28',
      '  - id: CVE-2019-0001',
      '    reason: old base image',
      '    expires: 2024-12-31',
    ].join('\n'),
    'scan-policy.yml',
  );
  const verdict = evaluatePolicy(report.findings, gate, day);
  assert.equal(verdict.passed, false);
  assert.equal(
    verdict.summary,
    [
      'Vulnerability gate failed: 4 findings at or above high.',
      'Blocking:',
      '  CRITICAL  CVE-2024-5535   libcrypto3 3.1.4-r5 → 3.1.6-r0',
      '  CRITICAL  CVE-2024-5535   libssl3 3.1.4-r5 → 3.1.6-r0',
      '  HIGH      CVE-2023-42363  ssl_client 1.36.1-r15 → 1.36.1-r17',
      '  HIGH      CVE-2024-34156  stdlib v1.22.1, v1.21.8 → 1.22.7, 1.23.1',
      'Expired allowances (they no longer allow anything):',
      '  CVE-2024-5535 expired 2025-02-28 (ALPN is not used): matches libcrypto3 3.1.4-r5, libssl3 3.1.4-r5',
      '  CVE-2019-0001 expired 2024-12-31 (old base image): matches nothing in this report',
      'Allowed:',
      '  HIGH  CVE-2023-42363  busybox 1.36.1-r15 until 2025-06-30 (awk is never run)',
      'Findings: 3 critical, 3 high, 1 medium, 1 low, 0 negligible, 1 unknown; 1 without a fix ignored.',
    ].join('\n'),
  );
});

test('the summary of a passing gate', () => {
  const verdict = evaluatePolicy([finding('CVE-1', 'medium', '1.1')], policy(), day);
  assert.equal(
    verdict.summary,
    'Vulnerability gate passed: nothing blocks at or above high.\nFindings: 0 critical, 0 high, 1 medium, 0 low, 0 negligible, 0 unknown.',
  );
  assert.equal(evaluatePolicy([finding('CVE-1', 'high')], policy(), day).summary.split('\n')[0], 'Vulnerability gate failed: 1 finding at or above high.');
  assert.match(evaluatePolicy([finding('CVE-1', 'high')], policy(), day).summary, /^ {2}HIGH {2}CVE-1 {2}pkg 1\.0 → no fix$/m);
});
