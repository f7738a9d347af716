import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForbiddenError } from '../../core/index.ts';
import type { PreviewRecord } from '../../store/index.ts';
import { parseEnvironments } from '../config/index.ts';
import { checkNotProtected, checkTeardown, ownsNamespace, previewLabels } from './guards.ts';

const environments = parseEnvironments(`environments:
  - { name: staging, kind: staging, cluster: default }
  - { name: production, kind: production, cluster: default, namespace: preview-prod }
  - { name: preview, kind: preview, cluster: default, accepts: { branches: "*" } }
`);
const [staging, , preview] = environments;

function record(overrides: Partial<PreviewRecord> = {}): PreviewRecord {
  return {
    id: 'p1',
    name: 'preview-feature-x',
    environment: 'preview',
    repo: 'acme/api',
    branch: 'feature-x',
    service: 'api',
    services: ['api'],
    namespace: 'preview-feature-x',
    createdNamespace: true,
    status: 'ready',
    createdAt: 0,
    lastPushAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

describe('preview guards', () => {
  it('lets a recorded preview with a pattern name be torn down', () => {
    assert.doesNotThrow(() => checkTeardown(record(), preview, environments));
  });

  it('refuses what Trunkline did not record', () => {
    assert.throws(() => checkTeardown(undefined, preview, environments), ForbiddenError);
  });

  it('refuses names the preview pattern does not make', () => {
    assert.throws(() => checkTeardown(record({ name: 'kube-system', namespace: 'kube-system' }), preview, environments), /does not match the preview pattern/);
  });

  it('never touches an environment of kind staging or production, nor a namespace one uses', () => {
    assert.throws(() => checkTeardown(record({ environment: 'staging', name: 'staging' }), staging, environments), /staging environment, not a preview/);
    // A branch named "prod" makes preview-prod, production's namespace.
    assert.throws(() => checkNotProtected('preview-prod', 'preview-prod', environments), /production environment/);
    assert.throws(() => checkTeardown(record({ name: 'preview-prod', namespace: 'preview-prod' }), preview, environments), ForbiddenError);
    assert.throws(() => checkNotProtected('staging', 'staging', environments), ForbiddenError);
    assert.doesNotThrow(() => checkNotProtected('preview-feature-x', 'preview-feature-x', environments));
  });

  it('owns a namespace only with both labels naming this preview', () => {
    const ns = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'preview-feature-x', labels } });
    assert.equal(ownsNamespace(ns(previewLabels('preview-feature-x')), 'preview-feature-x'), true);
    assert.equal(ownsNamespace(ns(previewLabels('preview-other')), 'preview-feature-x'), false);
    assert.equal(ownsNamespace(ns({ 'trunkline.dev/preview': 'preview-feature-x' }), 'preview-feature-x'), false);
    assert.equal(ownsNamespace(ns({}), 'preview-feature-x'), false);
    assert.equal(ownsNamespace(undefined, 'preview-feature-x'), false);
  });
});
