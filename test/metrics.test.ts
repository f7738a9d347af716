import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer } from '../src/server/index.ts';
import { api } from './helpers/api.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { ServerProcess } from './helpers/server-process.ts';
import { waitFor } from './helpers/wait.ts';

const pipeline = (command: string) =>
  ['kind: pipeline', 'type: exec', 'name: default', 'clone:', '  disable: true', 'steps:', '- name: test', '  commands:', `  - ${command}`, ''].join('\n');

test('a failing and a passing build show in /metrics and are pushed to StatsD', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'tl-metrics-'));
  const dataDir = join(work, 'data');
  const agent = createSocket('udp4');
  const datagrams: string[] = [];
  agent.on('message', (message) => datagrams.push(message.toString()));
  agent.bind(0, '127.0.0.1');
  await once(agent, 'listening');
  const repo = new TestRepo();
  const server = new ServerProcess(dataDir, {
    TRUNKLINE_METRICS_TOKEN: 'scrape-secret',
    TRUNKLINE_STATSD: `udp://127.0.0.1:${(agent.address() as AddressInfo).port}`,
    TRUNKLINE_STATSD_PREFIX: 'tl',
  });
  t.after(async () => {
    await server.stop();
    agent.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(repo.dir, { recursive: true, force: true });
  });
  const url = await server.url;
  const call = api(url, ServerProcess.token(dataDir));
  assert.equal((await call('POST', '/api/repos', { namespace: 'acme', name: 'app', cloneUrl: repo.dir })).status, 201);

  const finished = async (number: number) =>
    waitFor(async () => {
      const { body } = await call<{ build: { status: string } }>('GET', `/api/repos/acme/app/builds/${number}`);
      return ['success', 'failure', 'error'].includes(body.build.status) && body.build.status;
    }, `build #${number} to finish`);
  repo.commit({ '.drone.yml': pipeline('exit 3') });
  assert.equal((await call('POST', '/api/repos/acme/app/builds', { branch: 'main' })).status, 201);
  assert.equal(await finished(1), 'failure');
  repo.commit({ '.drone.yml': pipeline('echo fine') });
  assert.equal((await call('POST', '/api/repos/acme/app/builds', { branch: 'main' })).status, 201);
  assert.equal(await finished(2), 'success');

  assert.equal((await fetch(`${url}/metrics`)).status, 401);
  assert.equal((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  const scrape = async () => {
    const response = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer scrape-secret' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  };
  const text = await waitFor(async () => {
    const body = await scrape();
    return /^trunkline_builds_total\{result="success"\} 1$/m.test(body) && body;
  }, 'the passing build to be counted');
  assert.match(text, /^trunkline_builds_total\{result="failure"\} 1$/m);
  assert.match(text, /^trunkline_build_duration_seconds_count\{result="failure"\} 1$/m);
  assert.match(text, /^trunkline_build_duration_seconds_bucket\{le="\+Inf",result="success"\} 1$/m);
  assert.match(text, /^trunkline_steps_total\{result="failure"\} 1$/m);
  assert.match(text, /^trunkline_steps_total\{result="success"\} 1$/m);
  assert.match(text, /^trunkline_step_duration_seconds_count\{result="success"\} 1$/m);
  assert.match(text, /^trunkline_queue_length 0$/m);
  assert.match(text, /^# TYPE trunkline_applications gauge$/m);

  const lines = await waitFor(() => {
    const all = datagrams.flatMap((datagram) => datagram.split('\n'));
    return all.filter((line) => line.startsWith('tl.build')).length >= 4 && all;
  }, 'build metrics to reach the StatsD agent');
  assert.ok(lines.includes('tl.builds:1|c|#result:failure'));
  assert.ok(lines.includes('tl.builds:1|c|#result:success'));
  assert.ok(lines.includes('tl.steps:1|c|#result:failure'));
  assert.ok(lines.some((line) => /^tl\.build\.duration:\d+\|ms\|#result:success$/.test(line)));
  assert.ok(lines.some((line) => /^tl\.step\.duration:\d+\|ms\|#result:failure$/.test(line)));

  const dora = await call<{ summary: { deployments: number; changeFailureRate: number | null }; series: { date: string }[] }>('GET', '/api/metrics/dora?days=7');
  assert.equal(dora.status, 200);
  assert.equal(dora.body.summary.deployments, 0);
  assert.equal(dora.body.summary.changeFailureRate, null);
  assert.equal(dora.body.series.length, 7);
  assert.equal((await call('GET', '/api/metrics/dora?days=8')).status, 400);
  assert.equal((await api(url)('GET', '/api/metrics/dora')).status, 401);

  const cli = execFileSync(process.execPath, [new URL('../bin/trunkline.js', import.meta.url).pathname, 'metrics', 'dora', '--days', '7', '--environment', 'production'], {
    env: { ...process.env, TRUNKLINE_SERVER: url, TRUNKLINE_TOKEN: ServerProcess.token(dataDir) },
    encoding: 'utf8',
  });
  assert.match(cli, /^DORA metrics for all services in production, last 7 days/);
  assert.match(cli, /^ {2}deployments +0 \(0 rollbacks\)$/m);
});

test('the exporter can be turned off', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'tl-metrics-off-'));
  const off = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'off'), TRUNKLINE_PORT: '0', TRUNKLINE_METRICS: 'off' }), silentLogger);
  const open = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'open'), TRUNKLINE_PORT: '0' }), silentLogger);
  t.after(async () => {
    await off.close();
    await open.close();
    rmSync(work, { recursive: true, force: true });
  });
  assert.equal((await fetch(`${off.url}/metrics`)).status, 404);
  const response = await fetch(`${open.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /^# TYPE trunkline_builds_total counter$/m);
});
