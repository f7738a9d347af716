import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ExternalError } from '../../core/index.ts';
import { parseProvisionerOutput, runProvisioner } from './provisioner.ts';
import type { ProvisionerInput } from './provisioner.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-provisioner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

const input: ProvisionerInput = { action: 'create', name: 'preview-x', branch: 'feature/x', repo: 'acme/api', service: 'api', namespace: 'preview-x', commit: 'abc', environment: 'preview' };

describe('provisioner hook', () => {
  it('passes the inputs as environment variables and parses the JSON it prints', async () => {
    const command = script('ok.sh', `printf '{"url": "https://%s.example.com/", "kubeconfig": "apiVersion: v1\\\\nkind: Config\\\\n", "namespace": "%s"}' "$TRUNKLINE_PREVIEW_NAME" "$TRUNKLINE_PREVIEW_NAMESPACE"`);
    const output = await runProvisioner(command, input, { timeoutMs: 10_000 });
    assert.deepEqual(output, { url: 'https://preview-x.example.com/', kubeconfig: 'apiVersion: v1\nkind: Config\n', namespace: 'preview-x' });
    const echo = script('echo.sh', `printf '{"url": "https://e.example.com/%s/%s/%s/%s"}' "$TRUNKLINE_PREVIEW_ACTION" "$TRUNKLINE_PREVIEW_REPO" "$TRUNKLINE_PREVIEW_SERVICE" "$TRUNKLINE_PREVIEW_COMMIT"`);
    assert.equal((await runProvisioner(echo, { ...input, action: 'delete' }, { timeoutMs: 10_000 })).url, 'https://e.example.com/delete/acme/api/api/abc');
  });

  it('fails with the stderr tail on a non-zero exit', async () => {
    const command = script('fail.sh', 'echo "quota exceeded for project" >&2\nexit 3');
    await assert.rejects(runProvisioner(command, input, { timeoutMs: 10_000 }), (error: unknown) => error instanceof ExternalError && /failed \(3\): quota exceeded/.test(error.message));
  });

  it('fails when it runs past the timeout, killing it', async () => {
    const command = script('slow.sh', 'echo started >&2\nsleep 30');
    await assert.rejects(runProvisioner(command, input, { timeoutMs: 200 }), /timed out after 200 ms: started/);
  });

  it('fails on output that is not the contract', async () => {
    await assert.rejects(runProvisioner(script('text.sh', 'echo done'), input, { timeoutMs: 10_000 }), /printed no JSON object/);
    await assert.rejects(runProvisioner(script('bad.sh', `echo '{"url": "not a url"}'`), input, { timeoutMs: 10_000 }), /url:/);
    await assert.rejects(runProvisioner(join(dir, 'missing.sh'), input, { timeoutMs: 10_000 }), /could not start/);
  });

  it('reads any stdout as the contract or an ExternalError', () => {
    assert.deepEqual(parseProvisionerOutput('', 'delete'), {});
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          parseProvisionerOutput(text, 'create');
        } catch (error) {
          assert.ok(error instanceof ExternalError, String(error));
        }
      }),
    );
  });
});
