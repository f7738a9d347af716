/**
 * Several real processes on one database file: the guarantees that matter
 * when a server, runners and CLI commands share the SQLite file.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { openStore } from '../index.ts';
import { migrations } from './migrations.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-processes-'));
const secretKey = Buffer.alloc(32, 8).toString('hex');
const storeUrl = new URL('../index.ts', import.meta.url).href;
const children = new Set<ChildProcessWithoutNullStreams>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts a Node process running `body` (an async module body with `store`,
 * `send(value)` and `waitGo()` in scope). Lines it sends arrive as parsed JSON.
 */
function startChild(path: string, body: string): { child: ChildProcessWithoutNullStreams; next: () => Promise<unknown>; exited: Promise<number | null> } {
  const code = `
    import { openStore } from ${JSON.stringify(storeUrl)};
    import { createInterface } from 'node:readline';
    const store = await openStore({ path: ${JSON.stringify(path)}, secretKey: ${JSON.stringify(secretKey)} });
    const send = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
    const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
    const waitGo = () => input.next();
    ${body}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '--eval', code], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (status) => {
      children.delete(child);
      resolve(status);
    }),
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<unknown> => {
    const line = await lines.next();
    if (line.done) throw new Error(`child ended without answering: ${stderr}`);
    return JSON.parse(line.value as string);
  };
  return { child, next, exited };
}

test('processes opening a fresh file at once migrate it exactly once', async () => {
  const path = join(dir, 'fresh', 'trunkline.sqlite');
  const workers = [1, 2, 3, 4].map((n) =>
    startChild(
      path,
      `await store.users.create({ login: 'user-${n}' });
       send('opened');
       await store.close();
       process.exit(0);`,
    ),
  );
  for (const worker of workers) assert.equal(await worker.next(), 'opened');
  assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0, 0, 0]);
  const raw = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = raw.prepare('SELECT version FROM schema_migrations').all();
    assert.equal(rows.length, migrations.length);
    assert.equal(raw.prepare('SELECT COUNT(*) AS n FROM users').get()?.['n'], 4);
  } finally {
    raw.close();
  }
});

test('build numbers strictly increase without duplicates across racing processes', async () => {
  const path = join(dir, 'builds.sqlite');
  const store = await openStore({ path, secretKey });
  const repo = await store.repos.create({ namespace: 'race', name: 'builds', cloneUrl: 'x' });
  await store.close();

  const perChild = 25;
  const workers = [1, 2, 3, 4].map(() =>
    startChild(
      path,
      `send('ready');
       await waitGo();
       const numbers = [];
       for (let i = 0; i < ${perChild}; i++) {
         const build = await store.builds.create({ repoId: ${JSON.stringify(repo.id)}, event: 'push', ref: 'refs/heads/main', branch: 'main', commitSha: 'c' });
         numbers.push(build.number);
       }
       send(numbers);
       await store.close();
       process.exit(0);`,
    ),
  );
  for (const worker of workers) assert.equal(await worker.next(), 'ready');
  for (const worker of workers) worker.child.stdin.write('go\n');
  const results = (await Promise.all(workers.map((w) => w.next()))) as number[][];
  assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0, 0, 0]);

  for (const numbers of results) {
    assert.equal(numbers.length, perChild);
    numbers.forEach((n, i) => i > 0 && assert.ok(n > numbers[i - 1]!, 'each process sees increasing numbers'));
  }
  const all = results.flat().sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: 4 * perChild }, (_, i) => i + 1));
});

test('racing claimer processes never lease a job twice and honour concurrency limits', async () => {
  const path = join(dir, 'jobs.sqlite');
  const store = await openStore({ path, secretKey });
  const plain = [];
  for (let i = 0; i < 120; i++) plain.push((await store.jobs.enqueue({ kind: 'stage', payload: i })).id);
  for (let i = 0; i < 10; i++) await store.jobs.enqueue({ kind: 'stage', payload: `limited ${i}`, concurrencyKey: 'prod', concurrencyLimit: 2 });

  const workers = [1, 2, 3].map((n) =>
    startChild(
      path,
      `send('ready');
       await waitGo();
       const ids = [];
       for (;;) {
         const job = await store.jobs.claim({ owner: 'worker-${n}', leaseMs: 600000 });
         if (!job) break;
         ids.push(job.id);
       }
       send(ids);
       await store.close();
       process.exit(0);`,
    ),
  );
  try {
    for (const worker of workers) assert.equal(await worker.next(), 'ready');
    for (const worker of workers) worker.child.stdin.write('go\n');
    const claimed = ((await Promise.all(workers.map((w) => w.next()))) as string[][]).flat();
    assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0, 0]);

    assert.equal(new Set(claimed).size, claimed.length, 'no job was leased twice');
    assert.equal(claimed.length, 122, 'all plain jobs plus two limited ones');
    for (const id of plain) assert.ok(claimed.includes(id));
    const leased = await store.jobs.list({ status: 'leased' });
    assert.equal(leased.length, 122);
    assert.equal(leased.filter((j) => j.concurrencyKey === 'prod').length, 2);
  } finally {
    await store.close();
  }
});

test('racing processes recording the same webhook deliveries: each id is new for exactly one', async () => {
  const path = join(dir, 'deliveries.sqlite');
  await (await openStore({ path, secretKey })).close();
  const ids = 40;
  const workers = [1, 2, 3].map(() =>
    startChild(
      path,
      `send('ready');
       await waitGo();
       const firsts = [];
       for (let i = 0; i < ${ids}; i++) {
         if (await store.deliveries.record('github', 'delivery-' + i)) firsts.push(i);
       }
       send(firsts);
       await store.close();
       process.exit(0);`,
    ),
  );
  for (const worker of workers) assert.equal(await worker.next(), 'ready');
  for (const worker of workers) worker.child.stdin.write('go\n');
  const firsts = ((await Promise.all(workers.map((w) => w.next()))) as number[][]).flat().sort((a, b) => a - b);
  assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0, 0]);
  assert.deepEqual(firsts, Array.from({ length: ids }, (_, i) => i));
});

test('what a process committed survives its SIGKILL', async () => {
  const path = join(dir, 'crash.sqlite');
  const worker = startChild(
    path,
    `const repo = await store.repos.create({ namespace: 'crash', name: 'test', cloneUrl: 'x' });
     const build = await store.builds.create({ repoId: repo.id, event: 'push', ref: 'refs/heads/main', branch: 'main', commitSha: 'c' });
     await store.builds.update(build.id, { status: 'running' });
     const [stage] = await store.stages.createMany(build.id, [{ name: 'default' }]);
     const [step] = await store.steps.createMany(stage.id, [{ name: 'test' }]);
     await store.logs.append(step.id, Array.from({ length: 500 }, (_, pos) => ({ pos, time: pos, out: 'line ' + pos })));
     await store.secrets.set(repo.id, 'TOKEN', 'survives');
     const job = await store.jobs.enqueue({ kind: 'stage', payload: { stageId: stage.id } });
     await store.jobs.claim({ owner: 'doomed', leaseMs: 1000 });
     send({ repoId: repo.id, buildId: build.id, stepId: step.id, jobId: job.id });
     setInterval(() => {}, 1 << 30);`,
  );
  const ids = (await worker.next()) as { repoId: string; buildId: string; stepId: string; jobId: string };
  worker.child.kill('SIGKILL');
  assert.equal(await worker.exited, null, 'the process was killed, not closed');

  const store = await openStore({ path, secretKey });
  try {
    assert.equal((await store.repos.get(ids.repoId)).slug, 'crash/test');
    const build = await store.builds.get(ids.buildId);
    assert.equal(build.status, 'running');
    assert.equal(build.number, 1);
    assert.equal(await store.logs.count(ids.stepId), 500);
    assert.deepEqual((await store.logs.read(ids.stepId, { from: 499 }))[0]?.out, 'line 499');
    assert.deepEqual(await store.secrets.reveal(ids.repoId, ['TOKEN']), { TOKEN: 'survives' });
    const job = await store.jobs.get(ids.jobId);
    assert.equal(job.status, 'leased');
    assert.equal(job.leaseOwner, 'doomed');
    const [expired] = await store.jobs.expireLeases((job.leaseExpiresAt ?? 0) + 1);
    assert.equal(expired?.id, ids.jobId);
    assert.equal(expired?.status, 'queued');
  } finally {
    await store.close();
  }
});
