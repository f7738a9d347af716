import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api } from './helpers/api.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { ServerProcess } from './helpers/server-process.ts';
import { waitFor } from './helpers/wait.ts';

interface Detail {
  build: { number: number; status: string; error?: string };
  stages: { status: string; error?: string; steps: { name: string; status: string; error?: string }[] }[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie waiting for its (dead) parent to be reaped runs nothing.
  return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

test('a server killed with SIGKILL mid-build loses nothing after restart and ends the orphaned steps', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'tl-crash-'));
  const dataDir = join(work, 'data');
  const marker = join(work, 'step-started');
  const pidFile = join(work, 'step.pid');
  const repo = new TestRepo();
  repo.commit({
    '.drone.yml': [
      'kind: pipeline',
      'type: exec',
      'name: default',
      'clone:',
      '  disable: true',
      'steps:',
      '- name: long',
      '  commands:',
      '  - echo "before the crash"',
      `  - echo $$$$ > ${pidFile}`,
      '  - if [ "$DRONE_BUILD_NUMBER" = 1 ]; then touch ' + marker + '; sleep 600; fi',
      '  - echo "build $DRONE_BUILD_NUMBER done"',
      '',
    ].join('\n'),
  });
  let server = new ServerProcess(dataDir, { TRUNKLINE_CAPACITY: '1' });
  t.after(async () => {
    await server.stop();
    if (existsSync(pidFile)) {
      try {
        process.kill(-Number(readFileSync(pidFile, 'utf8')), 'SIGKILL'); // the orphaned step of the killed server
      } catch {
        // already gone
      }
    }
    rmSync(work, { recursive: true, force: true });
    rmSync(repo.dir, { recursive: true, force: true });
  });

  let call = api(await server.url, ServerProcess.token(dataDir));
  assert.equal((await call('POST', '/api/repos', { namespace: 'acme', name: 'app', cloneUrl: repo.dir })).status, 201);
  assert.equal((await call('POST', '/api/repos/acme/app/builds', { branch: 'main' })).status, 201);
  await waitFor(() => existsSync(marker), 'build #1 to be running');
  // Build #2 waits in the queue: the server runs one pipeline at a time.
  assert.equal((await call('POST', '/api/repos/acme/app/builds', { branch: 'main' })).status, 201);
  await waitFor(async () => {
    const log = await call<{ out: string }[]>('GET', '/api/repos/acme/app/builds/1/logs/1/1');
    return log.body.some((line) => line.out === 'before the crash');
  }, 'the first log line to be stored');
  assert.equal((await call<Detail>('GET', '/api/repos/acme/app/builds/2')).body.build.status, 'pending');

  await server.kill();
  server = new ServerProcess(dataDir, { TRUNKLINE_CAPACITY: '1' });
  call = api(await server.url, ServerProcess.token(dataDir));

  // The step process outlived the killed server; the new one ends it.
  const orphan = Number(readFileSync(pidFile, 'utf8'));
  await waitFor(() => !alive(orphan), 'the orphaned step process to be ended');

  const first = (await call<Detail>('GET', '/api/repos/acme/app/builds/1')).body;
  assert.equal(first.build.status, 'error');
  assert.match(first.build.error ?? '', /server restarted/);
  assert.equal(first.stages[0]!.steps[0]!.status, 'error');
  assert.match(first.stages[0]!.steps[0]!.error ?? '', /server restarted/);
  const kept = await call<{ out: string }[]>('GET', '/api/repos/acme/app/builds/1/logs/1/1');
  assert.ok(kept.body.some((line) => line.out === 'before the crash'), 'logs written before the crash are kept');

  const second = await waitFor(async () => {
    const detail = (await call<Detail>('GET', '/api/repos/acme/app/builds/2')).body;
    return ['success', 'failure', 'error'].includes(detail.build.status) && detail;
  }, 'the queued build to run after the restart');
  assert.equal(second.build.status, 'success');
  const log = await call<{ out: string }[]>('GET', '/api/repos/acme/app/builds/2/logs/1/1');
  assert.ok(log.body.some((line) => line.out === 'build 2 done'));

  const third = await call<{ number: number }>('POST', '/api/repos/acme/app/builds', { branch: 'main' });
  assert.equal(third.body.number, 3, 'build numbers continue after a crash');
});
