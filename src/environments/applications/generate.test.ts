import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultEnvironments } from '../config/index.ts';
import { desiredApplications, serviceFolders } from './generate.ts';

test('service folders become <service>-<env> applications with the sync policy of their deploy mode; previews and unknown environments get none', () => {
  const folders = serviceFolders([
    'environments.yaml',
    'environments/staging/api/values.yaml',
    'environments/staging/api/release.yaml',
    'environments/production/api/values.yaml',
    'environments/test/web/release.yaml',
    'environments/preview/api/values.yaml',
    'environments/nowhere/api/values.yaml',
    'environments/staging/README.md',
  ]);
  assert.deepEqual(folders.map((f) => `${f.environment}/${f.service}`), ['nowhere/api', 'preview/api', 'production/api', 'staging/api', 'test/web']);
  const apps = desiredApplications(defaultEnvironments(), folders);
  assert.deepEqual(
    apps.map((a) => [a.name, a.path, a.cluster, a.namespace, a.syncPolicy.automated, a.syncPolicy.selfHeal]),
    [
      ['api-production', 'environments/production/api', 'default', 'production', false, false],
      ['api-staging', 'environments/staging/api', 'default', 'staging', true, true],
      ['web-test', 'environments/test/web', 'default', 'test', false, false],
    ],
  );
});
