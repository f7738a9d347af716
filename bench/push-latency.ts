import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer } from '../src/server/index.ts';
import { GitClient, withCredentials } from '../test/helpers/git-client.ts';
import { summarise } from './stats.ts';

interface Build {
  number: number;
  status: string;
}
interface Detail {
  build: Build;
  stages: { steps: { startedAt?: number }[] }[];
}

/**
 * Push to first step on the built-in host: from starting `git push` (the
 * real client: pack, HTTP, receive-pack, hook) to the first step's process
 * started, through event, build record, compile, queue and worker.
 */
export async function pushToFirstStep(pushes: number) {
  const work = mkdtempSync(join(tmpdir(), 'tl-bench-push-'));
  const server = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0' }), silentLogger);
  const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
    (await (await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })).json()) as T;
  const client = await GitClient.init();
  try {
    const repo = await call<{ httpUrl: string }>('POST', '/api/repos', { namespace: 'bench', name: 'app' });
    await client.git('remote', 'add', 'origin', withCredentials(repo.httpUrl, 'admin', server.adminToken!));
    await client.commit({ '.drone.yml': 'kind: pipeline\ntype: exec\nname: default\nsteps:\n- name: hello\n  commands: [echo hello]\n' });
    const samples: number[] = [];
    for (let i = 0; i <= pushes; i++) {
      await client.commit({ 'counter.txt': String(i) });
      const pushed = Date.now();
      await client.git('push', '-q', 'origin', 'main');
      const [latest] = await call<Build[]>('GET', '/api/repos/bench/app/builds?limit=1');
      let detail: Detail;
      do detail = await call<Detail>('GET', `/api/repos/bench/app/builds/${latest!.number}`);
      while (!['success', 'failure', 'error'].includes(detail.build.status));
      if (detail.build.status !== 'success') throw new Error(`bench build #${latest!.number} ${detail.build.status}`);
      if (i > 0) samples.push(detail.stages[0]!.steps[0]!.startedAt! - pushed); // the first push warms up
    }
    return { pushes, firstStepStartedMs: summarise(samples) };
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(client.dir, { recursive: true, force: true });
  }
}
