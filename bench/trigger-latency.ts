import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer } from '../src/server/index.ts';
import { TestRepo } from '../test/helpers/git-repo.ts';
import { summarise } from './stats.ts';

interface Detail {
  build: { status: string };
  stages: { steps: { startedAt?: number }[] }[];
}

/**
 * Time from the trigger API call to the first step started (the clone
 * step), through the real server: mirror fetch, pipeline file read,
 * compile, store writes, queue, worker wake-up, process spawn.
 */
export async function triggerToFirstStep(builds: number) {
  const work = mkdtempSync(join(tmpdir(), 'tl-bench-server-'));
  const repo = new TestRepo();
  repo.commit({ '.drone.yml': 'kind: pipeline\ntype: exec\nname: default\nsteps:\n- name: hello\n  commands: [echo hello]\n' });
  const server = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0' }), silentLogger);
  const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await response.json()) as T;
  };
  try {
    await call('POST', '/api/repos', { namespace: 'bench', name: 'app', cloneUrl: repo.dir });
    const samples: number[] = [];
    for (let i = 0; i < builds; i++) {
      const requested = Date.now();
      const { number } = await call<{ number: number }>('POST', '/api/repos/bench/app/builds', { branch: 'main', event: 'push' });
      let detail: Detail;
      do detail = await call<Detail>('GET', `/api/repos/bench/app/builds/${number}`);
      while (!['success', 'failure', 'error'].includes(detail.build.status));
      if (detail.build.status !== 'success') throw new Error(`bench build #${number} ${detail.build.status}`);
      samples.push(detail.stages[0]!.steps[0]!.startedAt! - requested);
    }
    return { builds, firstStepStartedMs: summarise(samples) };
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(repo.dir, { recursive: true, force: true });
  }
}
