import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, ExternalError } from '../../core/index.ts';
import { runScanner } from './index.ts';

// Trivy and Grype are not installed on the test machines: a shell script
// stands in for the scanner's command line, in a folder put on PATH.
const dir = mkdtempSync(join(tmpdir(), 'trunkline-scan-'));
const fixtures = new URL('./fixtures/', import.meta.url).pathname;
after(() => rmSync(dir, { recursive: true, force: true }));

function scanner(name: string, script: string): NodeJS.ProcessEnv {
  const folder = mkdtempSync(join(dir, 'bin-'));
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return { PATH: `${folder}:/usr/bin:/bin`, ARGS_FILE: join(folder, 'args') };
}

function argsOf(env: NodeJS.ProcessEnv): string[] {
  return readFileSync(env['ARGS_FILE'] ?? '', 'utf8').split('\n').filter(Boolean);
}

test('trivy is run with its JSON options and its report is read', async () => {
  const env = scanner('trivy', `for a in "$@"; do echo "$a" >> "$ARGS_FILE"; done\ncat '${fixtures}trivy-image.json'`);
  const run = await runScanner('trivy', '127.0.0.1:5000/acme/api:42-main-1a2b3c4d', { env });
  assert.deepEqual(argsOf(env), ['image', '--format', 'json', '--quiet', '127.0.0.1:5000/acme/api:42-main-1a2b3c4d']);
  assert.equal(run.report.scanner, 'trivy');
  assert.equal(run.report.findings.length, 9);
  assert.equal(run.output, readFileSync(join(fixtures, 'trivy-image.json'), 'utf8'));
});

test('grype is run with -o json; a non-zero exit with a report still gives the report', async () => {
  const env = scanner(
    'grype',
    `for a in "$@"; do echo "$a" >> "$ARGS_FILE"; done\ncat '${fixtures}grype-image.json'\necho 'discovered vulnerabilities at or above the severity threshold' >&2\nexit 1`,
  );
  const run = await runScanner('grype', 'registry.example/acme/web@sha256:abc', { env });
  assert.deepEqual(argsOf(env), ['registry.example/acme/web@sha256:abc', '-o', 'json']);
  assert.equal(run.report.scanner, 'grype');
  assert.equal(run.report.findings[0]?.id, 'CVE-2023-45853');
});

test('a failure without a report is an ExternalError carrying stderr', async () => {
  const env = scanner('trivy', `echo 'FATAL image scan error: unable to find the specified image' >&2\nexit 2`);
  await assert.rejects(runScanner('trivy', 'registry.example/missing:1', { env }), (error: unknown) => {
    assert.ok(error instanceof ExternalError);
    assert.match(error.message, /^trivy image --format json --quiet registry\.example\/missing:1 failed with exit code 2 without a report: FATAL image scan error: unable to find the specified image$/);
    assert.deepEqual(error.details, { scanner: 'trivy', exitCode: 2, stderr: 'FATAL image scan error: unable to find the specified image\n' });
    return true;
  });
});

test('output that is not a report is an ExternalError, not a config problem', async () => {
  const env = scanner('grype', `echo 'NAME INSTALLED FIXED-IN'`);
  await assert.rejects(runScanner('grype', 'alpine:3', { env }), (error: unknown) => {
    assert.ok(error instanceof ExternalError);
    assert.match(error.message, /exited with code 0 with an unreadable report: output of grype: not valid JSON/);
    assert.ok(error.cause instanceof ConfigError);
    return true;
  });
});

test('a scanner that is not installed is a ConfigError', async () => {
  await assert.rejects(runScanner('trivy', 'alpine:3', { env: { PATH: join(dir, 'nowhere') + ':/usr/bin:/bin' } }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /^scanner "trivy" is not installed \(not found on PATH\)/);
    return true;
  });
  // Only the grype stand-in exists on this PATH.
  const env = scanner('grype', 'exit 0');
  await assert.rejects(runScanner('trivy', 'alpine:3', { env }), ConfigError);
});

test('references that could be read as options, and unknown scanners, are refused', async () => {
  const env = scanner('trivy', `touch "$ARGS_FILE"; cat '${fixtures}trivy-image.json'`);
  for (const image of ['--config=/etc/passwd', '', 'alpine 3']) {
    await assert.rejects(runScanner('trivy', image, { env }), ConfigError);
  }
  await assert.rejects(runScanner('clair' as 'trivy', 'alpine:3', { env }), /unknown scanner "clair"/);
  assert.throws(() => readFileSync(env['ARGS_FILE'] ?? ''), /ENOENT/, 'the scanner never ran');
});

test('an aborted scan stops the scanner and rejects with the abort', async () => {
  const env = scanner('trivy', 'echo started > "$ARGS_FILE"\nexec sleep 30');
  const controller = new AbortController();
  const running = runScanner('trivy', 'alpine:3', { env, signal: controller.signal });
  // Abort once the stand-in has started (it writes its marker file first).
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      try {
        readFileSync(env['ARGS_FILE'] ?? '');
        clearInterval(poll);
        resolve();
      } catch {
        // not started yet
      }
    }, 10);
  });
  controller.abort();
  await assert.rejects(running, (error: unknown) => error instanceof Error && error.name === 'AbortError');
});
