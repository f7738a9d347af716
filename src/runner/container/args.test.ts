import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { ConfigError } from '../../core/index.ts';
import { pipeline, step } from '../fixtures.test.ts';
import { createArgs, pullPolicy } from './args.ts';
import { containerEnvironment } from './environment.ts';
import { expandImage, isLatest } from './image.ts';
import { runLayout, workspaceVariables } from './layout.ts';
import { limitFlags, parseBytes, parseCpus } from './resources.ts';

const docker = (extra: Parameters<typeof pipeline>[2] = {}) =>
  pipeline('build', [step('test', ['go test ./...'], { image: 'golang:1.22' })], { type: 'docker', ...extra });
const options = { name: 'trunkline-r1-1', trusted: false, ulimits: [], envFlags: [] };

/** The value after each occurrence of `flag`. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [args[i + 1]!] : []));
}

test('expands image references as Drone does', () => {
  assert.equal(expandImage('busybox'), 'docker.io/library/busybox:latest');
  assert.equal(expandImage('golang:1.22'), 'docker.io/library/golang:1.22');
  assert.equal(expandImage('org/app'), 'docker.io/org/app:latest');
  assert.equal(expandImage('localhost/x'), 'localhost/x:latest');
  assert.equal(expandImage('registry.local:5000/a/b:2'), 'registry.local:5000/a/b:2');
  assert.equal(expandImage('alpine@sha256:abc'), 'docker.io/library/alpine@sha256:abc');
  assert.ok(isLatest(expandImage('busybox')));
  assert.ok(isLatest(expandImage('registry.local:5000/app')));
  assert.ok(!isLatest(expandImage('golang:1.22')));
});

test('maps pull policies; default pulls only latest images every time', () => {
  assert.equal(pullPolicy('always', 'docker.io/library/a:1'), 'always');
  assert.equal(pullPolicy('never', 'docker.io/library/a:latest'), 'never');
  assert.equal(pullPolicy('if-not-exists', 'docker.io/library/a:latest'), 'missing');
  assert.equal(pullPolicy('default', 'docker.io/library/a:latest'), 'always');
  assert.equal(pullPolicy('default', 'docker.io/library/a:1'), 'missing');
});

test('parses resource limits in Drone units', () => {
  assert.equal(parseCpus('500'), 0.5);
  assert.equal(parseCpus('1500m'), 1.5);
  assert.equal(parseCpus('0.25'), 0.25);
  assert.equal(parseBytes('500MiB'), 500 * 2 ** 20);
  assert.equal(parseBytes('640Mi'), 640 * 2 ** 20);
  assert.equal(parseBytes('1G'), 1e9);
  assert.equal(parseBytes('2GB'), 2e9);
  assert.deepEqual(limitFlags('s', { cpu: '2000', memory: '1Gi' }), ['--cpus', '2', '--memory', String(2 ** 30)]);
  for (const bad of ['', 'lots', '5', '1MiB', '-1G']) assert.throws(() => parseBytes(bad), ConfigError, bad);
  for (const bad of ['', 'two', '1', '-500']) assert.throws(() => parseCpus(bad), ConfigError, bad);
  assert.throws(() => limitFlags('s', { gpu: '1' }), /resources.limits.gpu is not supported/);
});

test('resource parsers only ever answer a positive amount or a ConfigError', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      for (const parse of [parseBytes, parseCpus]) {
        try {
          assert.ok(parse(text) > 0);
        } catch (error) {
          assert.ok(error instanceof ConfigError);
        }
      }
    }),
  );
});

test('lays a run out like Drone: network and workspace volume per run, workspace below its base', () => {
  const layout = runLayout({ id: 'r1', pipeline: docker({ volumes: [{ name: 'cache', temp: {} }, { name: 'shm', temp: { medium: 'memory' } }] }) });
  assert.equal(layout.network, 'trunkline-r1');
  assert.equal(layout.workspaceVolume, 'trunkline-r1');
  assert.equal(layout.workspace, '/drone/src');
  assert.deepEqual(workspaceVariables(layout), {
    DRONE_WORKSPACE: '/drone/src',
    CI_WORKSPACE: '/drone/src',
    DRONE_WORKSPACE_BASE: '/drone',
    DRONE_WORKSPACE_PATH: 'src',
  });
  assert.deepEqual(layout.volumes.get('shm'), { kind: 'volume', name: 'trunkline-r1-v2', memory: true });
  assert.throws(() => runLayout({ id: '../x', pipeline: docker() }), ConfigError);
});

test('privileged steps and host volumes need a trusted repository', () => {
  const privileged = pipeline('p', [step('dind', [], { image: 'docker:dind', privileged: true })], { type: 'docker' });
  assert.throws(
    () => runLayout({ id: 'r1', pipeline: privileged }),
    (error: unknown) => error instanceof ConfigError && /step "dind" asks for privileged mode, which only trusted repositories may use/.test(error.message),
  );
  const layout = runLayout({ id: 'r1', pipeline: privileged, trusted: true });
  assert.ok(createArgs(layout, privileged.steps[0]!, { ...options, trusted: true }).includes('--privileged'));
  assert.throws(() => createArgs(layout, privileged.steps[0]!, options), /privileged/);

  const host = docker({ volumes: [{ name: 'sock', host: { path: '/var/run/docker.sock' } }] });
  assert.throws(() => runLayout({ id: 'r1', pipeline: host }), /mounts the host path \/var\/run\/docker.sock \(volume "sock"\), which only trusted repositories may do/);
  assert.deepEqual(runLayout({ id: 'r1', pipeline: host, trusted: true }).volumes.get('sock'), { kind: 'host', path: '/var/run/docker.sock' });
});

test('a step with commands runs them as one echoing set -e script through /bin/sh -c', () => {
  const p = docker();
  const s = { ...p.steps[0]!, commands: ['echo ran'], workingDir: 'api', resources: { limits: { memory: '64MiB' } }, user: '1000' };
  const args = createArgs(runLayout({ id: 'r1', pipeline: p }), s, { ...options, ulimits: ['nofile=20000:20000'], envFile: '/tmp/e', envFlags: ['--env', 'CERT'] });
  assert.deepEqual(values(args, '--label'), ['trunkline.run=r1', 'trunkline.step=test']);
  assert.deepEqual(values(args, '--network'), ['trunkline-r1']);
  assert.deepEqual(values(args, '--network-alias'), ['test']);
  assert.deepEqual(values(args, '--volume'), ['trunkline-r1:/drone']);
  assert.deepEqual(values(args, '--workdir'), ['/drone/src/api']);
  assert.deepEqual(values(args, '--pull'), ['missing']);
  assert.deepEqual(values(args, '--memory'), [String(64 * 2 ** 20)]);
  assert.deepEqual(values(args, '--user'), ['1000']);
  assert.deepEqual(values(args, '--ulimit'), ['nofile=20000:20000']);
  assert.deepEqual(values(args, '--env-file'), ['/tmp/e']);
  assert.deepEqual(values(args, '--env'), ['CERT']);
  const tail = args.slice(args.indexOf('--entrypoint'));
  assert.deepEqual(tail.slice(0, 4), ['--entrypoint', '/bin/sh', 'docker.io/library/golang:1.22', '-c']);
  assert.equal(execFileSync('/bin/sh', ['-c', tail[4]!], { encoding: 'utf8' }), '+ echo ran\nran\n');
});

test('a step without commands runs the image entrypoint, or the given entrypoint and command', () => {
  const layout = runLayout({ id: 'r1', pipeline: docker() });
  const plugin = step('publish', [], { image: 'plugins/docker', command: ['--dry-run'] });
  assert.deepEqual(createArgs(layout, plugin, options).slice(-2), ['docker.io/plugins/docker:latest', '--dry-run']);
  const custom = step('db', [], { image: 'postgres:16', entrypoint: ['docker-entrypoint.sh', '-c'], command: ['postgres'] });
  const args = createArgs(layout, custom, options);
  assert.deepEqual(args.slice(args.indexOf('--entrypoint')), ['--entrypoint', 'docker-entrypoint.sh', 'docker.io/library/postgres:16', '-c', 'postgres']);
  assert.throws(() => createArgs(layout, step('x', [], { image: 'a', volumes: [{ name: 'nope', path: '/n' }] }), options), /mounts the volume "nope", which the pipeline does not define/);
  assert.deepEqual(values(createArgs(layout, step('two words', ['true'], { image: 'a' }), options), '--network-alias'), []);
});

test('the clone step may use the runner\'s own image and reads a local mirror read-only', () => {
  const clone = step('clone', ['git init --quiet'], { kind: 'clone', image: 'drone/git:latest' });
  const layout = runLayout({ id: 'r1', pipeline: docker() });
  const args = createArgs(layout, clone, { ...options, cloneImage: 'localhost/git:2', cloneSource: '/data/mirrors/acme/shop.git' });
  assert.ok(args.includes('localhost/git:2'));
  assert.deepEqual(values(args, '--pull'), ['missing']);
  assert.deepEqual(values(args, '--volume'), ['trunkline-r1:/drone', '/data/mirrors/acme/shop.git:/data/mirrors/acme/shop.git:ro']);
  // Other steps are not affected.
  assert.ok(createArgs(layout, step('x', ['true'], { image: 'a:1' }), { ...options, cloneImage: 'localhost/git:2', cloneSource: '/m' }).includes('docker.io/library/a:1'));
});

test('variables go to the env file, values it cannot hold by name, never into arguments', () => {
  const env = containerEnvironment('s', { A: '1', TOKEN: 'p@ss word=x', CERT: 'line1\nline2' });
  assert.equal(env.file, 'A=1\nTOKEN=p@ss word=x\n');
  assert.deepEqual(env.passed, { CERT: 'line1\nline2' });
  assert.throws(() => containerEnvironment('s', { PATH: 'a\nb' }), /PATH has a multi-line or very long value/);
  assert.throws(() => containerEnvironment('s', { 'A B': '1' }), /variable name "A B" cannot be passed/);
  assert.throws(() => containerEnvironment('s', { 'X*': '1' }), ConfigError);
});
