/**
 * Remote runners: four `trunkline runner` processes take 200 queued builds
 * from a server that runs nothing itself; one runner is killed mid-build.
 * No build runs twice, none is lost, the killed runner's stage fails with
 * the reason, and `node:` labels route a pipeline to the runner that has them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api } from './helpers/api.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { ServerProcess } from './helpers/server-process.ts';
import { waitFor } from './helpers/wait.ts';

const root = new URL('..', import.meta.url).pathname;
const builds = 200;

interface Detail {
  build: { number: number; status: string };
  stages: { status: string; error?: string; machine?: string; steps: { status: string }[] }[];
}

function startRunner(server: string, token: string, dataDir: string, labels: string[] = []): ChildProcess {
  return spawn(process.execPath, [join(root, 'bin/trunkline.js'), 'runner', '--server', server, '--token', token, '--capacity', '2', '--data', dataDir, ...labels.flatMap((l) => ['--labels', l])], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, TRUNKLINE_LOG_LEVEL: 'warn' },
  });
}

// 200 real builds on a 2-core machine: longer than the suite's default per-test limit.
test('four runners take 200 queued builds: none twice, none lost, even when one is killed mid-build', { timeout: 600_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'tl-runners-'));
  const dataDir = join(work, 'data');
  const ran = join(work, 'ran.log');
  const killMarker = join(work, 'kill-me');
  const pidFile = join(work, 'orphan.pid');
  const repo = new TestRepo();
  repo.commit({
    '.drone.yml': [
      'kind: pipeline',
      'type: exec',
      'name: default',
      'clone:',
      '  disable: true',
      'steps:',
      '- name: work',
      '  commands:',
      `  - echo "$DRONE_BUILD_NUMBER" >> ${ran}`,
      `  - if [ "$DRONE_BUILD_NUMBER" = 25 ]; then echo $$$$ > ${pidFile}; touch ${killMarker}; sleep 600; fi`,
      '---',
      'kind: pipeline',
      'type: exec',
      'name: gpu',
      'clone:',
      '  disable: true',
      'node:',
      '  gpu: "yes"',
      'trigger:',
      '  event: [custom]',
      'steps:',
      '- name: train',
      '  commands: [echo trained]',
      '',
    ].join('\n'),
  });
  const server = new ServerProcess(dataDir, { TRUNKLINE_CAPACITY: '0', TRUNKLINE_LEASE_SECONDS: '5' });
  const runners: ChildProcess[] = [];
  t.after(async () => {
    for (const r of runners) r.kill('SIGKILL');
    if (existsSync(pidFile)) {
      try {
        process.kill(-Number(readFileSync(pidFile, 'utf8')), 'SIGKILL'); // the step the killed runner left behind
      } catch {
        // already gone
      }
    }
    await server.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(repo.dir, { recursive: true, force: true });
  });
  const url = await server.url;
  const call = api(url, ServerProcess.token(dataDir));
  assert.equal((await call('POST', '/api/repos', { namespace: 'acme', name: 'app', cloneUrl: repo.dir })).status, 201);

  const tokens: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const created = await call<{ token: string }>('POST', '/api/runners', { name: `r${i}` });
    assert.equal(created.status, 201);
    tokens.push(created.body.token);
  }
  assert.equal((await call('POST', '/api/runner/claim', { types: ['exec'], os: 'linux', arch: 'amd64' }, 'tl_not-a-runner')).status, 401);

  for (let n = 1; n <= builds; n++) assert.equal((await call('POST', '/api/repos/acme/app/builds', { event: 'push', branch: 'main' })).status, 201);
  const gpu = await call<{ number: number }>('POST', '/api/repos/acme/app/builds', { event: 'custom', branch: 'main' });
  for (let i = 0; i < 4; i++) runners.push(startRunner(url, tokens[i]!, join(work, `runner-${i + 1}`), i === 3 ? ['gpu=yes'] : []));

  // Kill whichever runner runs build 25 (its step announces itself and waits).
  await waitFor(() => existsSync(killMarker), 'build 25 running', 120_000);
  const detail25 = await waitFor(async () => {
    const d = (await call<Detail>('GET', '/api/repos/acme/app/builds/25')).body;
    return d.stages[0]?.machine ? d : undefined;
  }, 'build 25 machine');
  const victim = Number(detail25.stages[0]!.machine!.replace(/^r/, '')) - 1;
  // Only r4 has the gpu label: its build must have run before r4 may be the one killed.
  await waitFor(async () => ['success', 'failure', 'error'].includes((await call<Detail>('GET', `/api/repos/acme/app/builds/${gpu.body.number}`)).body.build.status), 'the gpu build', 300_000);
  runners[victim]!.kill('SIGKILL');

  await waitFor(async () => {
    const newest = (await call<{ status: string }[]>('GET', '/api/repos/acme/app/builds?limit=200')).body;
    const first = (await call<Detail>('GET', '/api/repos/acme/app/builds/1')).body.build;
    return newest.length === 200 && [first, ...newest].every((b) => ['success', 'failure', 'error', 'killed'].includes(b.status));
  }, 'every build to finish', 540_000);
  const details: Detail[] = [];
  for (let n = 1; n <= builds + 1; n++) details.push((await call<Detail>('GET', `/api/repos/acme/app/builds/${n}`)).body);

  const lines = readFileSync(ran, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[0]));
  const counts = new Map<number, number>();
  for (const n of lines) counts.set(n, (counts.get(n) ?? 0) + 1);
  assert.deepEqual([...counts.entries()].filter(([, c]) => c > 1), [], 'no build ran twice');
  for (const d of details.slice(0, builds)) if (d.build.status === 'success') assert.equal(counts.get(d.build.number), 1, `build ${d.build.number} ran once`);

  const victimName = `r${victim + 1}`;
  for (const d of details.slice(0, builds)) {
    const stage = d.stages[0]!;
    if (d.build.status === 'success') continue;
    // Only what the killed runner held fails, with the reason; it may have run (once) before the kill.
    assert.equal(stage.machine, victimName, `build ${d.build.number} failed on ${stage.machine}`);
    assert.match(stage.error ?? '', new RegExp(`runner:${victimName} stopped responding \\(lease expired\\)`));
  }
  assert.equal(details[24]!.build.status, 'error');
  assert.ok(details.filter((d) => d.build.status !== 'success').length <= 2, 'at most the two stages the killed runner held');
  const machines = new Set(details.slice(0, builds).map((d) => d.stages[0]!.machine));
  assert.ok(machines.size >= 3, `the work was shared: ${[...machines].join(', ')}`);
  const gpuStage = details[gpu.body.number - 1]!.stages.find((s) => s.status === 'success' && s.steps.length === 1 && s.machine === 'r4');
  assert.ok(gpuStage, 'the node-labelled pipeline ran on the runner with that label');
  const listed = (await call<{ name: string; lastSeenAt?: number; labels: Record<string, string> }[]>('GET', '/api/runners')).body;
  assert.deepEqual(listed.find((r) => r.name === 'r4')?.labels, { gpu: 'yes' });
  assert.equal((await call('GET', '/api/runners', undefined, tokens[0])).status, 401, 'a runner token is not a user token');
});
