import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleaseRecord } from '../../store/index.ts';
import { deploymentHistory } from './dora.ts';

const base: ReleaseRecord = {
  id: 'r2',
  service: 'api',
  environment: 'production',
  kind: 'rollback',
  version: { imageTag: '1-main-aaaaaaaa', imageDigest: null, chartVersion: null },
  commits: [{ sha: 'a'.repeat(40), message: 'm', author: 'A <a@x>', committedAt: 1_000 }],
  build: null,
  approvers: [],
  deployedBy: 'rm',
  deployedAt: 5_000,
  configRevision: 'c',
  rollbackTarget: null,
  healthy: false,
  syncId: null,
};

test('release records map to deployment records, oldest first', () => {
  const history = deploymentHistory([base, { ...base, id: 'r1', kind: 'deploy', deployedAt: 2_000, healthy: true }]);
  assert.deepEqual(history.map((h) => [h.id, h.kind, h.healthy, h.deployedAt.getTime()]), [
    ['r1', 'deploy', true, 2_000],
    ['r2', 'rollback', false, 5_000],
  ]);
  assert.deepEqual(history[0]!.commits, [{ sha: 'a'.repeat(40), committedAt: new Date(1_000) }]);
});
