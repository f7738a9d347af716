import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { countBySeverity, parseGrypeReport, parseScanReport, parseTrivyReport } from './index.ts';

const trivyText = readFileSync(new URL('./fixtures/trivy-image.json', import.meta.url), 'utf8');
const grypeText = readFileSync(new URL('./fixtures/grype-image.json', import.meta.url), 'utf8');

function configError(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

test('a Trivy image report becomes findings with the image identity', () => {
  const report = parseTrivyReport(trivyText, 'trivy.json');
  assert.equal(report.scanner, 'trivy');
  assert.equal(report.artifact, '127.0.0.1:5000/acme/api:42-main-1a2b3c4d');
  assert.equal(report.imageId, 'sha256:7d1b0a9e5e9a1c3b08e6f0a4c2b6d1f5e0a9c8b7d6e5f4a3b2c1d0e9f8a7b6c5');
  assert.deepEqual(report.repoDigests, [
    '127.0.0.1:5000/acme/api@sha256:3f2b8e5c0d4a6b1e9c7f2a8d5b3e1c6f0a9d4b7e2c8f5a1d3b6e9c0f4a7d2b5e',
  ]);
  assert.deepEqual(
    report.findings.map((f) => `${f.id} ${f.package}`),
    [
      'CVE-2024-2511 libcrypto3',
      'CVE-2024-5535 libcrypto3',
      'CVE-2024-5535 libssl3',
      'CVE-2023-42363 busybox',
      'CVE-2023-42363 ssl_client',
      'CVE-2024-9143 libcrypto3',
      'CVE-2024-6119 libcrypto3',
      'CVE-2024-34156 stdlib',
      'CVE-2024-24790 stdlib',
    ],
  );
  assert.deepEqual(countBySeverity(report.findings), { critical: 3, high: 3, medium: 1, low: 1, negligible: 0, unknown: 1 });
  assert.deepEqual(report.findings[1], {
    id: 'CVE-2024-5535',
    package: 'libcrypto3',
    installedVersion: '3.1.4-r5',
    fixedVersion: '3.1.6-r0',
    severity: 'critical',
    title: 'openssl: SSL_select_next_proto buffer overread',
    url: 'https://avd.aquasec.com/nvd/cve-2024-5535',
  });
});

test('Trivy: an absent or empty FixedVersion is an unfixed finding', () => {
  const { findings } = parseTrivyReport(trivyText, 'trivy.json');
  const affected = findings.find((f) => f.id === 'CVE-2024-9143');
  const wontFix = findings.find((f) => f.id === 'CVE-2024-6119');
  assert.equal(affected?.fixedVersion, undefined);
  assert.ok(affected && !('fixedVersion' in affected), 'no key, not an undefined value');
  assert.deepEqual(wontFix, { id: 'CVE-2024-6119', package: 'libcrypto3', installedVersion: '3.1.4-r5', severity: 'unknown' });
});

test('Trivy: one vulnerability of one package in two targets is one finding with both versions', () => {
  const { findings } = parseTrivyReport(trivyText, 'trivy.json');
  const gob = findings.filter((f) => f.id === 'CVE-2024-34156');
  assert.equal(gob.length, 1);
  assert.equal(gob[0]?.installedVersion, 'v1.22.1, v1.21.8');
  assert.equal(gob[0]?.fixedVersion, '1.22.7, 1.23.1');
});

test('a Grype image report becomes findings with the image identity', () => {
  const report = parseGrypeReport(grypeText, 'grype.json');
  assert.equal(report.scanner, 'grype');
  assert.equal(report.artifact, '127.0.0.1:5000/acme/web:7-main-9f8e7d6c');
  assert.equal(report.imageId, 'sha256:0e5e3c1a2b4d6f8091a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4');
  assert.deepEqual(report.repoDigests, [
    '127.0.0.1:5000/acme/web@sha256:c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2',
  ]);
  assert.deepEqual(countBySeverity(report.findings), { critical: 1, high: 1, medium: 1, low: 1, negligible: 1, unknown: 1 });
  assert.deepEqual(
    report.findings.map((f) => [f.id, f.package, f.installedVersion, f.fixedVersion ?? null, f.severity]),
    [
      ['CVE-2023-45853', 'zlib1g', '1:1.2.13.dfsg-1', null, 'critical'],
      ['CVE-2024-45490', 'libexpat1', '2.5.0-1', '2.5.0-1+deb12u1', 'high'],
      ['GHSA-78xj-cgh5-2h22', 'ip', '2.0.0', '2.0.2, 1.1.12', 'medium'],
      ['CVE-2011-3374', 'apt', '2.6.1', null, 'negligible'],
      ['CVE-2024-2961', 'libc6', '2.36-9+deb12u4', '2.36-9+deb12u7', 'low'],
      ['CVE-2022-0563', 'util-linux', '2.38.1-5+b1', null, 'unknown'],
    ],
  );
});

test('Grype: the URL is the data source, or the first listed URL when it is empty', () => {
  const { findings } = parseGrypeReport(grypeText, 'grype.json');
  assert.equal(findings[0]?.url, 'https://security-tracker.debian.org/tracker/CVE-2023-45853');
  assert.equal(findings.find((f) => f.id === 'CVE-2024-2961')?.url, 'https://sourceware.org/bugzilla/show_bug.cgi?id=31612');
});

test('Grype: a directory scan names its target as a string; an empty report has no findings', () => {
  const report = parseGrypeReport(
    JSON.stringify({ matches: [], source: { type: 'directory', target: '/workspace' }, descriptor: { name: 'grype' } }),
    'dir.json',
  );
  assert.deepEqual(report, { scanner: 'grype', artifact: '/workspace', repoDigests: [], findings: [] });
});

test('Grype: severity keeps the highest of duplicates and a later fix fills a missing one', () => {
  const match = (severity: string, fix: unknown) => ({
    vulnerability: { id: 'CVE-1', severity, fix },
    artifact: { name: 'pkg', version: '1.0' },
  });
  const report = parseGrypeReport(
    JSON.stringify({ matches: [match('Low', { versions: [], state: 'not-fixed' }), match('High', { versions: ['1.1'], state: 'fixed' })] }),
    'dup.json',
  );
  assert.deepEqual(report.findings, [{ id: 'CVE-1', package: 'pkg', installedVersion: '1.0', fixedVersion: '1.1', severity: 'high' }]);
});

test('parseScanReport tells Trivy from Grype', () => {
  assert.equal(parseScanReport(trivyText, 'a.json').scanner, 'trivy');
  assert.equal(parseScanReport(grypeText, 'b.json').scanner, 'grype');
  assert.deepEqual(parseScanReport('{"SchemaVersion": 2, "ArtifactName": "x"}', 'clean.json'), {
    scanner: 'trivy',
    artifact: 'x',
    repoDigests: [],
    findings: [],
  });
});

test('errors name the file and the field path and say what was expected', () => {
  const trivy = JSON.parse(trivyText) as { Results: { Vulnerabilities: Record<string, unknown>[] }[] };
  const vuln = trivy.Results[2]?.Vulnerabilities[0];
  assert.ok(vuln);
  vuln['Severity'] = 'SEVERE';
  assert.throws(
    () => parseTrivyReport(JSON.stringify(trivy), 'trivy.json'),
    configError(/^trivy\.json: Results\[2\]\.Vulnerabilities\[0\]\.Severity: expected one of CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN, found "SEVERE"$/),
  );
  delete vuln['Severity'];
  vuln['PkgName'] = 7;
  assert.throws(
    () => parseTrivyReport(JSON.stringify(trivy), 'trivy.json'),
    configError(/Results\[2\]\.Vulnerabilities\[0\]\.PkgName: expected string, found number 7; .*Severity: expected string, found nothing/),
  );
  assert.throws(
    () => parseGrypeReport('{"matches": [{"vulnerability": {"id": "CVE-1", "severity": "High"}, "artifact": {"version": "1"}}]}', 'g.json'),
    configError(/^g\.json: matches\[0\]\.artifact\.name: expected string, found nothing \(the field is missing\)$/),
  );
  assert.throws(
    () => parseGrypeReport('{"matches": [{"vulnerability": {"id": "CVE-1", "severity": "Severe"}, "artifact": {"name": "a", "version": "1"}}]}', 'g.json'),
    configError(/matches\[0\]\.vulnerability\.severity: expected one of Critical, High, Medium, Low, Negligible, Unknown, found "Severe"/),
  );
});

test('a problem list is capped in the message but complete in the details', () => {
  const matches = Array.from({ length: 8 }, () => ({ vulnerability: { id: '', severity: 'High' }, artifact: { name: 'a', version: '1' } }));
  assert.throws(
    () => parseGrypeReport(JSON.stringify({ matches }), 'g.json'),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /\(and 3 more\)$/);
      assert.equal((error.details as { problems: unknown[] }).problems.length, 8);
      return true;
    },
  );
});

test('not JSON, not an object, an unknown format and another Trivy schema version are refused', () => {
  assert.throws(() => parseScanReport('{"matches": [', 'cut.json'), configError(/^cut\.json: not valid JSON: /));
  assert.throws(() => parseScanReport('[]', 'arr.json'), configError(/^arr\.json: expected a Trivy or Grype JSON report/));
  assert.throws(() => parseScanReport('{"runs": []}', 'sarif.json'), configError(/^sarif\.json: not a Trivy report .* nor a Grype report/));
  assert.throws(() => parseTrivyReport('{"SchemaVersion": 1, "Results": []}', 'old.json'), configError(/^old\.json: SchemaVersion: expected 2/));
  assert.throws(() => parseGrypeReport('{"source": {}}', 'g.json'), configError(/^g\.json: matches: expected array, found nothing/));
});
