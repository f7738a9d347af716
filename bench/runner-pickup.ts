import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer } from '../src/server/index.ts';
import { TestRepo } from '../test/helpers/git-repo.ts';
import { summarise } from './stats.ts';

interface Detail {
  build: { status: string; createdAt: number; finishedAt?: number };
  stages: { createdAt: number; steps: { startedAt?: number }[] }[];
}

const root = new URL('..', import.meta.url).pathname;

/**
 * Remote runners: `trunkline runner` processes against a server that runs
 * nothing itself (capacity 0).
 * - pickup: one build at a time, from its stage being created (and queued)
 *   to its first step started on a runner — the long poll's answer, the
 *   assignment and the step spawn;
 * - throughput: `builds` queued at once, taken by `runners` runners of
 *   capacity 2: builds per minute, first queued to last finished.
 */
export async function runnerBench(options: { pickups: number; builds: number; runners: number; databaseUrl?: string }) {
  const work = mkdtempSync(join(tmpdir(), 'tl-bench-runners-'));
  const repo = new TestRepo();
  repo.commit({ '.drone.yml': 'kind: pipeline\ntype: exec\nname: default\nclone:\n  disable: true\nsteps:\n- name: hello\n  commands: [echo hello]\n' });
  const server = await startServer(
    loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0', TRUNKLINE_CAPACITY: '0', ...(options.databaseUrl ? { TRUNKLINE_DATABASE_URL: options.databaseUrl } : {}) }),
    silentLogger,
  );
  const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await response.json()) as T;
  };
  const children: ChildProcess[] = [];
  const finished = async (number: number): Promise<Detail> => {
    for (;;) {
      const detail = await call<Detail>('GET', `/api/repos/bench/app/builds/${number}`);
      if (['success', 'failure', 'error'].includes(detail.build.status)) {
        if (detail.build.status !== 'success') throw new Error(`bench build #${number} ${detail.build.status}`);
        return detail;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  try {
    await call('POST', '/api/repos', { namespace: 'bench', name: 'app', cloneUrl: repo.dir });
    for (let i = 0; i < options.runners; i++) {
      const { token } = await call<{ token: string }>('POST', '/api/runners', { name: `bench-${i}` });
      children.push(
        spawn(process.execPath, [join(root, 'bin/trunkline.js'), '--server', server.url, '--token', token, 'runner', '--capacity', '2', '--data', join(work, `runner-${i}`)], {
          stdio: 'ignore',
          env: { ...process.env, TRUNKLINE_LOG_LEVEL: 'warn' },
        }),
      );
    }
    // Warm up: every runner polling, its backend made.
    const warm = await call<{ number: number }>('POST', '/api/repos/bench/app/builds', { branch: 'main', event: 'push' });
    await finished(warm.number);

    const pickups: number[] = [];
    for (let i = 0; i < options.pickups; i++) {
      const { number } = await call<{ number: number }>('POST', '/api/repos/bench/app/builds', { branch: 'main', event: 'push' });
      const detail = await finished(number);
      pickups.push(detail.stages[0]!.steps[0]!.startedAt! - detail.stages[0]!.createdAt);
    }

    const started = Date.now();
    const numbers: number[] = [];
    for (let i = 0; i < options.builds; i++) numbers.push((await call<{ number: number }>('POST', '/api/repos/bench/app/builds', { branch: 'main', event: 'push' })).number);
    for (const number of numbers) await finished(number);
    const minutes = (Date.now() - started) / 60_000;
    return {
      store: options.databaseUrl ? 'postgres' : 'sqlite',
      runners: options.runners,
      capacityEach: 2,
      pickupToFirstStepMs: summarise(pickups),
      throughput: { builds: options.builds, seconds: Math.round(minutes * 600) / 10, buildsPerMinute: Math.round(options.builds / minutes) },
    };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await server.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(repo.dir, { recursive: true, force: true });
  }
}
