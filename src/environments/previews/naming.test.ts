import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseEnvironments } from '../config/index.ts';
import { matchesNamePattern, previewApplication, previewEnvironmentFor, previewHost, previewTarget } from './naming.ts';

const environments = parseEnvironments(`environments:
  - { name: staging, kind: staging, cluster: default }
  - { name: preview, kind: preview, cluster: default, accepts: { branches: "feature-*" }, ingress: { host: "{service}.{branch}.preview.example.com" } }
  - { name: sandbox, kind: preview, namespace: "sbx-{env}-{branch}", accepts: { branches: "sandbox/**" } }
`);
const preview = environments[1]!;
const sandbox = environments[2]!;

describe('preview naming', () => {
  it('picks the first preview environment whose branch glob matches', () => {
    assert.equal(previewEnvironmentFor(environments, 'feature-x')?.name, 'preview');
    assert.equal(previewEnvironmentFor(environments, 'sandbox/a/b')?.name, 'sandbox');
    assert.equal(previewEnvironmentFor(environments, 'main'), undefined);
    assert.equal(previewEnvironmentFor(environments, 'feature/x'), undefined, '* stays within a path segment');
    assert.equal(previewEnvironmentFor(environments, 'staging'), undefined, 'a staging environment never takes branches');
  });

  it('names the preview after its namespace pattern, and its host and application', () => {
    assert.deepEqual(previewTarget(preview, 'feature-x'), { environment: preview, name: 'preview-feature-x', namespace: 'preview-feature-x' });
    assert.equal(previewTarget(sandbox, 'sandbox/a').name.startsWith('sbx-sandbox-sandbox-a-'), true);
    assert.equal(previewHost(preview, 'api', 'feature-x'), 'api.feature-x.preview.example.com');
    assert.equal(previewHost(sandbox, 'api', 'sandbox/a'), undefined);
    assert.equal(previewApplication('api', 'preview-feature-x'), 'api-preview-feature-x');
  });

  it('recognises exactly the names its pattern makes', () => {
    assert.equal(matchesNamePattern(preview, 'preview-feature-x'), true);
    assert.equal(matchesNamePattern(preview, 'staging'), false);
    assert.equal(matchesNamePattern(preview, 'kube-system'), false);
    assert.equal(matchesNamePattern(preview, 'preview-'), false);
    assert.equal(matchesNamePattern(sandbox, 'sbx-sandbox-x'), true);
    assert.equal(matchesNamePattern(sandbox, 'sbx-preview-x'), false, '{env} is the environment name only');
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), (branch) => {
        assert.equal(matchesNamePattern(preview, previewTarget(preview, branch).name), true);
        assert.equal(matchesNamePattern(sandbox, previewTarget(sandbox, branch).name), true);
      }),
    );
  });
});
