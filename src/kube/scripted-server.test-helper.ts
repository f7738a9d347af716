/**
 * A tiny HTTP server for unit tests of the kube client: each request is
 * answered by a handler the test gives, and recorded.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void;

export interface ScriptedServer {
  url: string;
  kubeconfig: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export function kubeconfigFor(url: string, namespace = 'default'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: test, cluster: {server: "' + url + '", insecure-skip-tls-verify: true}}]',
    'users: [{name: test, user: {token: secret-token}}]',
    `contexts: [{name: test, context: {cluster: test, user: test, namespace: ${namespace}}}]`,
    'current-context: test',
  ].join('\n');
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startScriptedServer(handler: Handler): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    kubeconfig: kubeconfigFor(url),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Discovery documents for ConfigMaps (core) and Deployments (apps). */
export function discoveryAnswer(path: string): unknown {
  switch (path) {
    case '/api':
      return { kind: 'APIVersions', versions: ['v1'] };
    case '/apis':
      return { kind: 'APIGroupList', groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }] }] };
    case '/api/v1':
      return {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get', 'list', 'watch', 'patch', 'delete'] },
          { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['get', 'list'] },
          { name: 'namespaces/status', kind: 'Namespace', namespaced: false, verbs: ['get'] },
        ],
      };
    case '/apis/apps/v1':
      return { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['get', 'list'] }] };
    default:
      return undefined;
  }
}
