import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { parseValues } from './parse-values.ts';
import type { InputProblem as ValuesProblem } from '../../core/index.ts';

function problemsOf(text: string): ValuesProblem[] {
  try {
    parseValues(text);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return (error.details as { problems: ValuesProblem[] }).problems;
  }
  assert.fail('expected a ConfigError');
}

test('a minimal values file gets every default', () => {
  const v = parseValues('image:\n  repository: registry.local/acme/api\n');
  assert.equal(v.image.pullPolicy, 'IfNotPresent');
  assert.equal(v.image.tag, undefined);
  assert.equal(v.replicas, 1);
  assert.deepEqual(v.ports, [{ name: 'http', containerPort: 8080, servicePort: 8080, protocol: 'TCP' }]);
  assert.deepEqual(v.env, []);
  assert.deepEqual(v.config, { mountPath: '/etc/config', files: {} });
  assert.equal(v.ingress.enabled, false);
  assert.deepEqual(v.autoscaling, { enabled: false, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80 });
  assert.deepEqual(v.serviceAccount, { create: false, annotations: {} });
});

test('env as a map becomes a list sorted by name, values as strings', () => {
  const v = parseValues('image: { repository: a }\nenv:\n  ZED: 1\n  ALPHA: "x"\n  DEBUG: true\n');
  assert.deepEqual(v.env, [
    { name: 'ALPHA', value: 'x' },
    { name: 'DEBUG', value: 'true' },
    { name: 'ZED', value: '1' },
  ]);
  const list = parseValues('image: { repository: a }\nenv:\n  - { name: ZED, value: 2 }\n  - { name: ALPHA, value: y1 }\n');
  assert.deepEqual(list.env, [
    { name: 'ZED', value: '2' },
    { name: 'ALPHA', value: 'y1' },
  ]);
});

test('per-item defaults: service port, protocol, ingress path type and port', () => {
  const v = parseValues(
    ['image: { repository: a }', 'ports:', '  - { name: web, containerPort: 3000 }', '  - { name: dns, containerPort: 53, servicePort: 5353, protocol: UDP }', 'ingress:', '  enabled: true', '  host: a.example.com', '  paths: [{ path: /api }]', ''].join('\n'),
  );
  assert.deepEqual(v.ports[0], { name: 'web', containerPort: 3000, servicePort: 3000, protocol: 'TCP' });
  assert.deepEqual(v.ports[1], { name: 'dns', containerPort: 53, servicePort: 5353, protocol: 'UDP' });
  assert.deepEqual(v.ingress.paths, [{ path: '/api', pathType: 'Prefix', port: 'web' }]);
});

test('a wrong type is reported at its line and column with the field path', () => {
  const problems = problemsOf('image:\n  repository: a\nports:\n  - name: http\n    containerPort: "eighty"\n');
  assert.equal(problems.length, 1);
  assert.deepEqual({ ...problems[0], message: undefined }, { file: 'values.yaml', line: 5, column: 20, field: 'ports[0].containerPort', message: undefined });
  assert.match(problems[0]!.message, /expected number, got string "eighty"/);
});

test('the error message reads file:line:col: field: expected', () => {
  assert.throws(() => parseValues('image:\n  repository: a\nreplicas: -2\n', 'svc/values.yaml'), (error: Error) => {
    assert.match(error.message, /^svc\/values\.yaml:3:11: replicas: /);
    return true;
  });
});

test('unknown fields point at the key; missing ones at the map that should hold them', () => {
  const problems = problemsOf('image:\n  repo: a\nreplica: 2\n');
  assert.deepEqual(
    problems.map((p) => `${p.line}:${p.column} ${p.field}`),
    ['2:3 image.repository', '2:3 image.repo', '3:1 replica'],
  );
  assert.match(problems.find((p) => p.field === 'image.repository')!.message, /missing required field/);
  assert.match(problems.find((p) => p.field === 'replica')!.message, /unknown field/);
});

test('rules between fields: one probe action, ingress host, min ≤ max, unique port names', () => {
  const problems = problemsOf(
    [
      'image: { repository: a }',
      'ports:',
      '  - { name: http, containerPort: 80 }',
      '  - { name: http, containerPort: 81 }',
      'probes:',
      '  liveness:',
      '    http: { path: /h, port: http }',
      '    tcp: { port: 80 }',
      'ingress:',
      '  enabled: true',
      'autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 2 }',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    problems.map((p) => `${p.line}:${p.column} ${p.field}: ${p.message}`),
    [
      '4:13 ports[1].name: expected a unique port name ("http" is used twice)',
      '7:5 probes.liveness: expected exactly one of http, tcp or exec',
      '10:3 ingress.host: expected a host name when the ingress is enabled',
      '11:44 autoscaling.minReplicas: expected at most maxReplicas',
    ],
  );
});

test('YAML syntax errors and YAML 1.1 booleans are reported with positions', () => {
  const syntax = problemsOf('image:\n  repository: [a\n');
  assert.equal(syntax[0]!.field, '');
  assert.ok(syntax[0]!.line >= 2);
  // `on` is a boolean to Helm's YAML 1.1 parser, so it is one here too.
  const yes = problemsOf('image:\n  repository: a\n  tag: on\n');
  assert.deepEqual(
    yes.map((p) => `${p.line}:${p.column} ${p.field}`),
    ['3:8 image.tag'],
  );
  assert.match(yes[0]!.message, /expected string, got boolean true/);
});

test('an empty file still needs an image', () => {
  assert.deepEqual(
    problemsOf('').map((p) => p.field),
    ['image'],
  );
});
