/**
 * The fake API server in a process of its own, for benchmarks: what the
 * benchmark process measures (CPU, RSS) is then Trunkline's alone, while
 * the server's work runs beside it as kube-apiserver would. Also plays
 * kube-controller-manager for Deployments: a Deployment whose status lags
 * its generation has its rollout completed shortly after (batched, 50 ms).
 *
 * `startFakeProcess()` forks this file and returns a handle speaking to it
 * over IPC; run as a child, it serves until told to stop.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFakeApiServer } from '../test/kube-fake/index.ts';
import type { FakeApiServer, JsonObject, ObjectRef } from '../test/kube-fake/index.ts';

type Request =
  | { id: number; op: 'writeCount' | 'requestCount' | 'objectCount' | 'resetRequests' | 'cpuMs' | 'close' }
  | { id: number; op: 'rollouts'; paused: boolean }
  | { id: number; op: 'object'; ref: ObjectRef };

type Reply = { id: number; result?: unknown; error?: string };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The parent's side. */
export interface FakeProcess {
  kubeconfig: string;
  pid: number;
  /** Stops (or resumes) completing rollouts. */
  rollouts(paused: boolean): Promise<void>;
  writeCount(): Promise<number>;
  requestCount(): Promise<number>;
  objectCount(): Promise<number>;
  resetRequests(): Promise<void>;
  /** CPU the server process has used so far. */
  cpuMs(): Promise<number>;
  object(ref: ObjectRef): Promise<JsonObject | undefined>;
  close(): Promise<void>;
}

export async function startFakeProcess(): Promise<FakeProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 1;
  const kubeconfig = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { kubeconfig: string }).kubeconfig));
    child.once('exit', (code) => reject(new Error(`the fake API server process exited (${code})`)));
  });
  child.on('message', (message) => {
    const reply = message as Reply;
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error !== undefined) waiter?.reject(new Error(reply.error));
    else waiter?.resolve(reply.result);
  });
  const call = <T>(request: WithoutId<Request>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id });
    });
  return {
    kubeconfig,
    pid: child.pid ?? 0,
    rollouts: (paused) => call({ op: 'rollouts', paused }),
    writeCount: () => call({ op: 'writeCount' }),
    requestCount: () => call({ op: 'requestCount' }),
    objectCount: () => call({ op: 'objectCount' }),
    resetRequests: () => call({ op: 'resetRequests' }),
    cpuMs: () => call({ op: 'cpuMs' }),
    object: (ref) => call({ op: 'object', ref }),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call({ op: 'close' }).catch(() => undefined);
      await exited;
    },
  };
}

/** Completes the rollout of every Deployment whose status lags its generation, 50 ms after the change. */
function completeRollouts(fake: FakeApiServer): { pause: (paused: boolean) => void } {
  let paused = false;
  const due = new Map<string, ObjectRef>();
  let timer: NodeJS.Timeout | undefined;
  const lags = (object: JsonObject) => (object.status as { observedGeneration?: number } | undefined)?.observedGeneration !== (object.metadata as { generation?: number }).generation;
  const mark = (object: JsonObject) => {
    const { name, namespace } = object.metadata as { name: string; namespace: string };
    due.set(`${namespace}/${name}`, { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });
    timer ??= setTimeout(flush, 50);
  };
  const flush = () => {
    timer = undefined;
    if (paused) return;
    const refs = [...due.values()];
    due.clear();
    for (const ref of refs) {
      const live = fake.object(ref);
      if (live && lags(live)) fake.completeRollout(ref);
    }
  };
  fake.onChange(({ type, object }) => {
    if (type !== 'DELETED' && object.kind === 'Deployment' && lags(object)) mark(object);
  });
  return {
    pause(value) {
      paused = value;
      // Resumed: catch up with whatever changed meanwhile.
      if (!paused) for (const d of fake.objects({ apiVersion: 'apps/v1', kind: 'Deployment' })) if (lags(d)) mark(d);
    },
  };
}

async function serve(): Promise<void> {
  const fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
  const rollouts = completeRollouts(fake);
  const answer = async (request: Request): Promise<unknown> => {
    switch (request.op) {
      case 'writeCount':
        return fake.writeCount();
      case 'requestCount':
        return fake.requests().length;
      case 'objectCount':
        return fake.objects().length;
      case 'resetRequests':
        return fake.resetRequests();
      case 'cpuMs': {
        const used = process.cpuUsage();
        return Math.round((used.user + used.system) / 1000);
      }
      case 'rollouts':
        rollouts.pause(request.paused);
        return undefined;
      case 'object':
        return fake.object(request.ref);
      case 'close':
        await fake.close();
        setImmediate(() => process.exit(0));
        return undefined;
    }
  };
  process.on('message', (message) => {
    const request = message as Request;
    answer(request).then(
      (result) => process.send?.({ id: request.id, result } satisfies Reply),
      (error: unknown) => process.send?.({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies Reply),
    );
  });
  process.on('disconnect', () => void fake.close().finally(() => process.exit(0)));
  process.send?.({ kubeconfig: fake.kubeconfig });
}

if (import.meta.main && process.argv.includes('--child')) await serve();
