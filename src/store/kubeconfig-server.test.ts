import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../core/index.ts';
import { kubeconfigServer } from './kubeconfig-server.ts';

const twoClusters = `
apiVersion: v1
kind: Config
clusters:
  - name: dev
    cluster: { server: 'https://dev.example.test:6443' }
  - name: prod
    cluster:
      server: https://prod.example.test:6443
      certificate-authority-data: Zm9v
contexts:
  - name: dev-admin
    context: { cluster: dev, user: admin }
  - name: prod-deployer
    context: { cluster: prod, user: deployer }
current-context: prod-deployer
users:
  - name: deployer
    user: { token: abc }
`;

test('the current context names the server', () => {
  assert.equal(kubeconfigServer(twoClusters), 'https://prod.example.test:6443');
  assert.equal(kubeconfigServer(twoClusters.replace('current-context: prod-deployer', 'current-context: dev-admin')), 'https://dev.example.test:6443');
});

test('without a current context, the only cluster is used', () => {
  const single = 'clusters:\n  - name: kind\n    cluster:\n      server: https://127.0.0.1:41234\n';
  assert.equal(kubeconfigServer(single), 'https://127.0.0.1:41234');
});

test('malformed kubeconfigs say which field is wrong', () => {
  const cases: [string, RegExp][] = [
    ['clusters: [', /not valid YAML/],
    ['just text', /expected a mapping/],
    ['clusters: 3', /clusters: expected a list/],
    [twoClusters.replace('current-context: prod-deployer', ''), /current-context: expected a context name \(the file has 2 clusters\)/],
    [twoClusters.replace('current-context: prod-deployer', 'current-context: nope'), /no context named "nope"/],
    [twoClusters.replace('context: { cluster: prod, user: deployer }', 'context: { user: deployer }'), /contexts\["prod-deployer"\]\.context\.cluster/],
    [twoClusters.replace('- name: prod\n', '- name: staging\n'), /no cluster named "prod"/],
    [twoClusters.replace('server: https://prod.example.test:6443', 'insecure-skip-tls-verify: true'), /clusters\["prod"\]\.cluster\.server: expected the API server URL/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => kubeconfigServer(text), (error: unknown) => error instanceof ConfigError && message.test(error.message), text);
  }
});
