/**
 * A test-only kubelet for the fake API server: it "runs" the pods stored in
 * the fake by executing each container's `command` + `args` as a local
 * process, and reports what happened in `status.containerStatuses`, the way
 * a kubelet would. It knows no images: what a container runs is its command
 * on this machine (so tests use commands every host has: `/bin/sh`, `node`).
 *
 * What it does like a kubelet:
 * - every container of a pod starts when the pod appears; a container whose
 *   image is the placeholder runs no process and just "runs" (it waits);
 * - changing a container's image (the only mutable container field) kills
 *   the running instance (SIGTERM to its process group, SIGKILL after
 *   `terminationGracePeriodSeconds`, at most 2 s here), records its end in
 *   `lastState.terminated`, and starts the new image — also when the pod's
 *   `restartPolicy` is `Never`, as a changed container spec does;
 * - an instance that exits is `terminated` with its exit code (128 + signal
 *   when killed) and is not restarted;
 * - env: `value` (with `$(NAME)` expanded and `$$` unescaped), `valueFrom.secretKeyRef` from the
 *   fake's Secrets (a missing one leaves the container waiting with
 *   `CreateContainerConfigError`), `valueFrom.fieldRef` of
 *   `metadata.annotations['…']`, `metadata.name`, `metadata.namespace`;
 * - `emptyDir` volumes are folders under a temp dir, one per pod volume; a
 *   container's `volumeMounts` are honoured by rewriting paths that start
 *   with a mount path (`workingDir` and env values) to that folder — the
 *   documented test-only rewrite that maps `/drone/src` to a temp path;
 * - `pods/log` (with `follow`) serves the current instance's output;
 * - a deleted pod's processes are killed and its folders removed.
 *
 * Not done: `activeDeadlineSeconds`, probes, resources, securityContext,
 * hostAliases (processes share the host's network, so a service is reached
 * at 127.0.0.1 as in a pod, but its name does not resolve), other volume
 * kinds (`hostPath` is used as is), paths inside scripts.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isObject, metadataOf, type JsonObject } from './json.ts';
import type { FakeApiServer } from './server.ts';
import { ApiError } from './status.ts';

export interface FakeKubeletOptions {
  /** The image that only waits: no process is started for it. */
  placeholderImage: string;
}

type State =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; startedAt: string; finishedAt: string } };

/** One run of a container: one image, at most one process, one log. */
class Instance {
  readonly image: string;
  state: State;
  process: ChildProcess | undefined;
  readonly chunks: Buffer[] = [];
  ended = false;
  readonly #followers = new Set<() => void>();
  readonly exited: Promise<void>;
  #exit!: () => void;

  constructor(image: string, state: State) {
    this.image = image;
    this.state = state;
    this.exited = new Promise((resolve) => (this.#exit = resolve));
  }

  write(chunk: Buffer): void {
    this.chunks.push(chunk);
    for (const follower of this.#followers) follower();
  }

  end(): void {
    this.ended = true;
    for (const follower of this.#followers) follower();
    this.#exit();
  }

  follow(listener: () => void): () => void {
    this.#followers.add(listener);
    return () => this.#followers.delete(listener);
  }
}

interface ContainerRun {
  current: Instance;
  last?: Instance;
  restarts: number;
}

interface PodRun {
  uid: string;
  dir: string;
  mounts: Map<string, string>;
  containers: Map<string, ContainerRun>;
  lastStatus: string;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class FakeKubelet {
  readonly #api: FakeApiServer;
  readonly #placeholder: string;
  readonly #pods = new Map<string, PodRun>();
  readonly #queue = new Map<string, Promise<void>>();
  readonly #unsubscribe: () => void;
  #stopped = false;

  constructor(api: FakeApiServer, options: FakeKubeletOptions) {
    this.#api = api;
    this.#placeholder = options.placeholderImage;
    this.#unsubscribe = api.onChange(({ object }) => {
      if (object.kind === 'Pod' || object.kind === 'Secret') {
        const metadata = metadataOf(object);
        if (object.kind === 'Pod') this.#schedule(String(metadata.namespace), String(metadata.name));
        else for (const key of this.#pods.keys()) if (key.startsWith(`${String(metadata.namespace)}/`)) this.#schedule(...(key.split('/') as [string, string]));
      }
    });
    api.serveLogs((request, response) => this.#serveLog(request, response));
  }

  /** Pods this kubelet runs (namespace/name). */
  pods(): string[] {
    return [...this.#pods.keys()];
  }

  /** Processes of running (non-placeholder) containers. */
  processCount(): number {
    return [...this.#pods.values()].flatMap((pod) => [...pod.containers.values()]).filter((c) => c.current.process && !c.current.ended).length;
  }

  /** Kills everything and stops serving; the fake API server keeps running. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe();
    this.#api.serveLogs(undefined);
    await Promise.all([...this.#queue.values()]);
    await Promise.all([...this.#pods.keys()].map((key) => this.#remove(key)));
  }

  /** Reconciles one pod after the current write, one reconcile per pod at a time. */
  #schedule(namespace: string, name: string): void {
    if (this.#stopped) return;
    const key = `${namespace}/${name}`;
    const previous = this.#queue.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.#reconcile(namespace, name))
      .catch((error: unknown) => {
        process.stderr.write(`fake kubelet: ${String(error)}\n`);
      });
    this.#queue.set(key, next);
    void next.then(() => {
      if (this.#queue.get(key) === next) this.#queue.delete(key);
    });
  }

  async #reconcile(namespace: string, name: string): Promise<void> {
    if (this.#stopped) return;
    const key = `${namespace}/${name}`;
    const pod = this.#api.object({ apiVersion: 'v1', kind: 'Pod', namespace, name });
    let run = this.#pods.get(key);
    const uid = pod ? String(metadataOf(pod).uid) : '';
    if (run && run.uid !== uid) {
      await this.#remove(key);
      run = undefined;
    }
    if (!pod) return;
    const spec = isObject(pod.spec) ? pod.spec : {};
    const containers = (Array.isArray(spec.containers) ? spec.containers : []).filter(isObject);
    if (!run) {
      const dir = mkdtempSync(join(tmpdir(), 'fake-kubelet-'));
      const volumes = new Map<string, string>();
      for (const volume of (Array.isArray(spec.volumes) ? spec.volumes : []).filter(isObject)) {
        const host = isObject(volume.hostPath) ? String(volume.hostPath.path) : join(dir, String(volume.name));
        mkdirSync(host, { recursive: true });
        volumes.set(String(volume.name), host);
      }
      const mounts = new Map<string, string>();
      for (const container of containers) {
        for (const mount of (Array.isArray(container.volumeMounts) ? container.volumeMounts : []).filter(isObject)) {
          const host = volumes.get(String(mount.name));
          if (host) mounts.set(`${String(container.name)}:${String(mount.mountPath)}`, host);
        }
      }
      run = { uid, dir, mounts, containers: new Map(), lastStatus: '' };
      this.#pods.set(key, run);
    }
    const grace = Math.min(2, Number(spec.terminationGracePeriodSeconds ?? 30)) * 1000;
    for (const container of containers) {
      const containerName = String(container.name);
      const image = String(container.image);
      const existing = run.containers.get(containerName);
      if (existing && existing.current.image === image && !('waiting' in existing.current.state)) continue;
      if (existing && existing.current.image === image && 'waiting' in existing.current.state) {
        existing.current = this.#start(pod, run, container);
        continue;
      }
      if (existing) {
        await this.#kill(existing.current, grace);
        existing.last = existing.current;
        existing.restarts++;
        existing.current = this.#start(pod, run, container);
      } else {
        run.containers.set(containerName, { current: this.#start(pod, run, container), restarts: 0 });
      }
    }
    this.#report(namespace, name, run);
  }

  #start(pod: JsonObject, run: PodRun, container: JsonObject): Instance {
    const image = String(container.image);
    if (image === this.#placeholder) return new Instance(image, { running: { startedAt: now() } });
    const name = String(container.name);
    const map = (path: string) => this.#mapPath(run, name, path);
    let env: Record<string, string>;
    try {
      env = this.#env(pod, container, map);
    } catch (error) {
      const instance = new Instance(image, { waiting: { reason: 'CreateContainerConfigError', message: String(error instanceof Error ? error.message : error) } });
      return instance;
    }
    const command = [...(Array.isArray(container.command) ? container.command : []), ...(Array.isArray(container.args) ? container.args : [])].map(String);
    const startedAt = now();
    const instance = new Instance(image, { running: { startedAt } });
    if (command.length === 0) {
      instance.write(Buffer.from('fake kubelet: no command (images are not run here)\n'));
      instance.state = { terminated: { exitCode: 127, reason: 'StartError', startedAt, finishedAt: now() } };
      instance.end();
      return instance;
    }
    const cwd = map(typeof container.workingDir === 'string' ? container.workingDir : '/');
    mkdirSync(cwd, { recursive: true });
    const child = spawn(command[0]!, command.slice(1), { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    instance.process = child;
    child.stdout.on('data', (chunk: Buffer) => instance.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => instance.write(chunk));
    const podKey = `${String(metadataOf(pod).namespace)}/${String(metadataOf(pod).name)}`;
    const finish = (exitCode: number) => {
      if ('terminated' in instance.state) return;
      instance.state = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: now() } };
      instance.end();
      const current = this.#pods.get(podKey);
      if (current) this.#report(String(metadataOf(pod).namespace), String(metadataOf(pod).name), current);
    };
    child.on('error', (error) => {
      instance.write(Buffer.from(`fake kubelet: ${error.message}\n`));
      finish(128);
    });
    child.on('close', (code, signal) => finish(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
    return instance;
  }

  /** The container's environment: the host's PATH and HOME, then its own. */
  #env(pod: JsonObject, container: JsonObject, map: (path: string) => string): Record<string, string> {
    const metadata = metadataOf(pod);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' };
    for (const item of (Array.isArray(container.env) ? container.env : []).filter(isObject)) {
      const name = String(item.name);
      if (typeof item.value === 'string') {
        // Kubernetes expands $(NAME) of variables defined before; $$ is a literal $.
        env[name] = map(item.value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, ref?: string) => (ref === undefined ? '$' : (env[ref] ?? whole))));
        continue;
      }
      const from = isObject(item.valueFrom) ? item.valueFrom : {};
      if (isObject(from.secretKeyRef)) {
        const ref = from.secretKeyRef;
        const secret = this.#api.object({ apiVersion: 'v1', kind: 'Secret', namespace: String(metadata.namespace), name: String(ref.name) });
        const data = secret && isObject(secret.data) ? secret.data : {};
        const value = data[String(ref.key)];
        if (typeof value !== 'string') {
          if (ref.optional === true) continue;
          throw new Error(`secret "${String(ref.name)}" has no key "${String(ref.key)}"`);
        }
        env[name] = Buffer.from(value, 'base64').toString('utf8');
      } else if (isObject(from.fieldRef)) {
        const path = String(from.fieldRef.fieldPath);
        const annotation = /^metadata\.annotations\['(.*)'\]$/.exec(path);
        const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
        if (annotation) env[name] = String(annotations[annotation[1]!] ?? '');
        else if (path === 'metadata.name' || path === 'metadata.namespace') env[name] = String(metadata[path.slice('metadata.'.length)]);
      }
    }
    return env;
  }

  /** `path` inside the container as a path on this machine, through the container's mounts. */
  #mapPath(run: PodRun, container: string, path: string): string {
    let best: [string, string] | undefined;
    for (const [key, host] of run.mounts) {
      const mountPath = key.slice(container.length + 1);
      if (!key.startsWith(`${container}:`)) continue;
      if ((path === mountPath || path.startsWith(`${mountPath}/`)) && (!best || mountPath.length > best[0].length)) best = [mountPath, host];
    }
    return best ? best[1] + path.slice(best[0].length) : path;
  }

  async #kill(instance: Instance, graceMs: number): Promise<void> {
    const child = instance.process;
    if (!child || instance.ended) {
      if (!instance.ended) {
        instance.state = { terminated: { exitCode: 137, reason: 'Error', startedAt: now(), finishedAt: now() } };
        instance.end();
      }
      return;
    }
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), graceMs);
    await instance.exited;
    clearTimeout(timer);
  }

  async #remove(key: string): Promise<void> {
    const run = this.#pods.get(key);
    if (!run) return;
    this.#pods.delete(key);
    await Promise.all([...run.containers.values()].map((c) => this.#kill(c.current, 0)));
    rmSync(run.dir, { recursive: true, force: true });
  }

  #report(namespace: string, name: string, run: PodRun): void {
    if (this.#stopped || this.#pods.get(`${namespace}/${name}`) !== run) return;
    const statuses = [...run.containers.entries()].map(([containerName, c]) => ({
      name: containerName,
      image: c.current.image,
      ready: 'running' in c.current.state,
      restartCount: c.restarts,
      state: c.current.state,
      lastState: c.last ? c.last.state : {},
    }));
    const states = statuses.map((s) => s.state);
    const phase = states.some((s) => 'running' in s || 'waiting' in s)
      ? 'Running'
      : states.every((s) => 'terminated' in s && s.terminated.exitCode === 0)
        ? 'Succeeded'
        : 'Failed';
    const status = { phase, containerStatuses: statuses } as unknown as JsonObject;
    const text = JSON.stringify(status);
    if (text === run.lastStatus) return;
    run.lastStatus = text;
    try {
      this.#api.setStatus({ apiVersion: 'v1', kind: 'Pod', namespace, name }, status, 'fake-kubelet');
    } catch {
      // The pod went meanwhile.
    }
  }

  #serveLog(request: { pod: JsonObject; container: string; follow: boolean }, response: ServerResponse): void {
    const metadata = metadataOf(request.pod);
    const run = this.#pods.get(`${String(metadata.namespace)}/${String(metadata.name)}`);
    const container = run?.containers.get(request.container);
    if (!container) throw new ApiError(400, 'BadRequest', `container "${request.container}" in pod "${String(metadata.name)}" is waiting to start`);
    const instance = container.current;
    response.writeHead(200, { 'content-type': 'text/plain' });
    let sent = 0;
    const flush = () => {
      while (sent < instance.chunks.length) response.write(instance.chunks[sent++]);
      if (!request.follow || instance.ended) {
        stopFollowing();
        response.end();
      }
    };
    const stopFollowing = instance.follow(flush);
    response.on('close', stopFollowing);
    flush();
  }
}

/** Starts a fake kubelet for `api`; stop it before closing the API server. */
export function startFakeKubelet(api: FakeApiServer, options: FakeKubeletOptions): FakeKubelet {
  return new FakeKubelet(api, options);
}
