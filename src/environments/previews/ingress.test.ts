import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { patchManifestHosts, patchValuesHost } from './ingress.ts';

describe('preview ingress hosts', () => {
  it('sets ingress.host in unified-chart values, keeping comments', () => {
    const text = 'image:\n  repository: r/api\ningress:\n  enabled: true\n  host: api.staging.example.com # staging\n';
    const patched = patchValuesHost(text, 'api.x.preview.localhost');
    assert.equal((parse(patched) as { ingress: { host: string } }).ingress.host, 'api.x.preview.localhost');
    assert.match(patched, /# staging/);
    assert.equal(patchValuesHost('image:\n  repository: r/api\n', 'h'), 'image:\n  repository: r/api\n', 'values without an ingress stay as they are');
  });

  it("replaces every Ingress's rule hosts and TLS hosts in plain manifests, and nothing else", () => {
    const text = `apiVersion: v1
kind: Service
metadata: { name: api }
spec: { ports: [{ port: 80 }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: api }
spec:
  tls: [{ hosts: [api.staging.example.com, www.staging.example.com], secretName: tls }]
  rules:
    - host: api.staging.example.com
    - host: www.staging.example.com
`;
    const docs = parseAllDocuments(patchManifestHosts(text, 'api.x.preview.localhost')).map((d) => d.toJS() as { kind: string; spec: Record<string, unknown> });
    assert.deepEqual(docs[0]?.spec, { ports: [{ port: 80 }] });
    assert.deepEqual(docs[1]?.spec, { tls: [{ hosts: ['api.x.preview.localhost'], secretName: 'tls' }], rules: [{ host: 'api.x.preview.localhost' }, { host: 'api.x.preview.localhost' }] });
    const noIngress = 'kind: ConfigMap\nmetadata: { name: x }\n';
    assert.equal(patchManifestHosts(noIngress, 'h'), noIngress);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        patchValuesHost(text, 'h.example.com');
        patchManifestHosts(text, 'h.example.com');
      }),
    );
  });
});
