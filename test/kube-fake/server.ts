import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { apiGroupList, apiResourceList, apiVersions, openApiV3Document, openApiV3Root, versionInfo } from './discovery.ts';
import { clone, isObject, metadataOf, type Json, type JsonObject } from './json.ts';
import { jsonPatch, mergePatch } from './merge.ts';
import { Operations, resourceKey, type Target } from './operations.ts';
import { Registry } from './registry.ts';
import { groupVersionOf, type ResourceDef } from './resources.ts';
import { parseLabelSelector } from './selector.ts';
import { ApiError, badRequest, notFound } from './status.ts';
import { ObjectStore } from './store.ts';
import { certificatePem, privateKeyPem } from './tls.ts';
import { selectorMatcher, WatchStream } from './watch.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
export type RecordedRequest = { verb: Verb; method: string; path: string; resource: string; namespace: string; name: string; subresource: string; dryRun: boolean };
export type ObjectRef = { apiVersion: string; kind: string; namespace?: string; name: string };

/** Writes a container's log on `response` (status, headers, body); may throw an `ApiError`. */
export type LogSource = (request: { pod: JsonObject; container: string; follow: boolean }, response: ServerResponse) => void;

export type FakeApiServerOptions = {
  /** Bearer token clients must send (random when not given). */
  token?: string;
  /** How often open watches that allow bookmarks get one; 0 turns periodic bookmarks off. */
  bookmarkIntervalMs?: number;
};

const writeVerbs = new Set<Verb>(['create', 'update', 'patch', 'delete', 'deletecollection']);

type Route =
  | { kind: 'discovery'; body: () => JsonObject }
  | { kind: 'resource'; def: ResourceDef; namespace: string | undefined; name: string | undefined; subresource: string };

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** JSON is YAML: a body that is JSON (what clients mostly send) is read as such, much faster. */
function parseYamlBody(text: string): unknown {
  if (/^\s*\{/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Flow-style YAML that is not JSON.
    }
  }
  return parseYaml(text);
}

function parseFieldSelector(text: string | null): (object: JsonObject) => boolean {
  const terms = (text ?? '').split(',').filter(Boolean).map((term) => {
    const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
    if (!match) throw badRequest(`invalid field selector: ${term}`);
    return { field: match[1]!.trim(), negate: match[2] === '!=', value: match[3]!.trim() };
  });
  return (object) =>
    terms.every(({ field, negate, value }) => {
      let node: Json | undefined = object;
      for (const part of field.split('.')) node = isObject(node) ? node[part] : undefined;
      return (String(node ?? '') === value) !== negate;
    });
}

function managerFrom(url: URL, request: IncomingMessage): string {
  return url.searchParams.get('fieldManager') ?? (request.headers['user-agent'] ?? 'unknown').split('/')[0]!;
}

/**
 * An in-process kube-apiserver for tests: discovery, CRUD with resourceVersion concurrency,
 * server-side apply with managed fields, watch with bookmarks and 410 after compaction, dry-run,
 * and the status subresource. HTTPS on 127.0.0.1 (its CA in the kubeconfig) with bearer-token auth.
 */
export class FakeApiServer {
  readonly token: string;
  private readonly registry = new Registry();
  private readonly store = new ObjectStore();
  private readonly operations = new Operations(this.registry, this.store);
  private readonly watches = new Set<WatchStream>();
  private readonly recorded: RecordedRequest[] = [];
  private readonly server = createServer({ cert: certificatePem, key: privateKeyPem }, (request, response) => void this.handle(request, response));
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private readonly bookmarkIntervalMs: number;
  private address = '';

  constructor(options: FakeApiServerOptions = {}) {
    this.token = options.token ?? randomBytes(16).toString('hex');
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 1000;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.address = `127.0.0.1:${port}`;
    if (this.bookmarkIntervalMs > 0) {
      this.bookmarkTimer = setInterval(() => this.bookmark(), this.bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
  }

  get url(): string {
    return `https://${this.address}`;
  }

  /** The certificate clients must trust (also in the kubeconfig). */
  get caPem(): string {
    return certificatePem;
  }

  /** A kubeconfig pointing at this server with its token, namespace `default`. */
  get kubeconfig(): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      '  cluster:',
      `    server: ${this.url}`,
      `    certificate-authority-data: ${Buffer.from(certificatePem).toString('base64')}`,
      'contexts:',
      '- name: fake',
      '  context:',
      '    cluster: fake',
      '    user: fake',
      '    namespace: default',
      'current-context: fake',
      'users:',
      '- name: fake',
      '  user:',
      `    token: ${this.token}`,
      '',
    ].join('\n');
  }

  async close(): Promise<void> {
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    for (const watch of this.watches) watch.drop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- helpers for tests ----

  private logSource: LogSource | undefined;

  /** What serves `pods/log` (a fake kubelet); without one, logs are refused as for a pod never scheduled. */
  serveLogs(source: LogSource | undefined): void {
    this.logSource = source;
  }

  private targetOf(ref: { apiVersion: string; kind: string; namespace?: string }): Target {
    const def = this.registry.byKind(ref.apiVersion, ref.kind);
    if (!def) throw new Error(`no resource for ${ref.apiVersion} ${ref.kind}`);
    return { def, namespace: def.namespaced ? (ref.namespace ?? 'default') : '' };
  }

  /** Stored objects (with kind and apiVersion), optionally of one kind and namespace. */
  objects(filter: { apiVersion?: string; kind?: string; namespace?: string } = {}): JsonObject[] {
    return this.store
      .select(
        (object) =>
          (filter.apiVersion === undefined || object.apiVersion === filter.apiVersion) &&
          (filter.kind === undefined || object.kind === filter.kind) &&
          (filter.namespace === undefined || (isObject(object.metadata) && object.metadata.namespace === filter.namespace)),
      )
      .map(({ object }) => object);
  }

  /** Calls `listener` after every stored change (as a watch of everything would see it); returns the unsubscribe function. */
  onChange(listener: (change: { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: JsonObject }) => void): () => void {
    return this.store.subscribe((event) => listener({ type: event.type, object: event.object }));
  }

  object(ref: ObjectRef): JsonObject | undefined {
    return this.operations.find(this.targetOf(ref), ref.name);
  }

  /** Sets an object's status as a controller would (through the status subresource). */
  setStatus(ref: ObjectRef, status: JsonObject, manager = 'fake-controller'): JsonObject {
    return this.operations.setStatus(this.targetOf(ref), ref.name, status, manager);
  }

  /** A workload's controller finishing its rollout: observedGeneration caught up, all replicas updated and available. */
  completeRollout(ref: ObjectRef): JsonObject {
    const object = this.operations.get(this.targetOf(ref), ref.name);
    const spec = isObject(object.spec) ? object.spec : {};
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const generation = Number(metadataOf(object).generation ?? 1);
    const status: JsonObject =
      ref.kind === 'DaemonSet'
        ? { observedGeneration: generation, currentNumberScheduled: 1, desiredNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0 }
        : {
            observedGeneration: generation,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            ...(ref.kind === 'StatefulSet' ? { currentReplicas: replicas } : {}),
            ...(ref.kind === 'Deployment'
              ? {
                  conditions: [
                    { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
                    { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${ref.name}" has successfully progressed.` },
                  ],
                }
              : {}),
          };
    return this.setStatus(ref, status);
  }

  /** The requests served so far (discovery excluded). */
  requests(): RecordedRequest[] {
    return [...this.recorded];
  }

  requestCount(verb: Verb): number {
    return this.recorded.filter((request) => request.verb === verb).length;
  }

  /** Writes that changed or could have changed state (dry-run ones excluded). */
  writeCount(): number {
    return this.recorded.filter((request) => writeVerbs.has(request.verb) && !request.dryRun).length;
  }

  resetRequests(): void {
    this.recorded.length = 0;
  }

  /** Current global resourceVersion. */
  resourceVersion(): string {
    return String(this.store.currentRevision());
  }

  /** Sends a bookmark on every open watch that allows them. */
  bookmark(): void {
    for (const watch of this.watches) watch.bookmark();
  }

  /** Forgets watch history: a watch from an older resourceVersion gets 410 Expired. */
  compact(): void {
    this.store.compact();
  }

  /** Cuts every open watch connection. */
  dropWatches(): void {
    for (const watch of this.watches) watch.drop();
  }

  /** Open watch connections. */
  watchCount(): number {
    return this.watches.size;
  }

  // ---- HTTP ----

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://fake');
      if (request.headers.authorization !== `Bearer ${this.token}`) {
        await readBody(request);
        return this.reply(response, 401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      }
      const body = await readBody(request);
      const route = this.route(url.pathname);
      if (route.kind === 'discovery') return this.reply(response, 200, route.body());
      await this.serveResource(route, url, request, body, response);
    } catch (error) {
      if (error instanceof ApiError) return this.reply(response, error.code, error.body());
      const message = error instanceof Error ? error.message : String(error);
      this.reply(response, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 });
    }
  }

  private reply(response: ServerResponse, code: number, body: JsonObject): void {
    if (response.headersSent) return;
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  private route(path: string): Route {
    const parts = path.split('/').filter(Boolean);
    const resources = this.registry.all();
    const pathNotFound = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (path === '/version') return { kind: 'discovery', body: versionInfo };
    if (path === '/api') return { kind: 'discovery', body: () => apiVersions(this.address) };
    if (path === '/apis') return { kind: 'discovery', body: () => apiGroupList(resources) };
    if (path === '/openapi/v3') return { kind: 'discovery', body: () => openApiV3Root(this.registry.groupVersions()) };
    if (parts[0] === 'openapi' && parts[1] === 'v3') {
      const groupVersion = parts[2] === 'api' ? parts.slice(3).join('/') : parts.slice(3).join('/');
      if (!this.registry.groupVersions().includes(groupVersion)) throw pathNotFound();
      return { kind: 'discovery', body: () => openApiV3Document(groupVersion, resources) };
    }
    let groupVersion: string;
    let rest: string[];
    if (parts[0] === 'api' && parts[1] === 'v1') [groupVersion, rest] = ['v1', parts.slice(2)];
    else if (parts[0] === 'apis' && parts.length >= 3) [groupVersion, rest] = [`${parts[1]}/${parts[2]}`, parts.slice(3)];
    else throw pathNotFound();
    if (!this.registry.groupVersions().includes(groupVersion)) throw pathNotFound();
    if (rest.length === 0) return { kind: 'discovery', body: () => apiResourceList(groupVersion, resources) };
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && this.registry.find(groupVersion, rest[2]!)?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const def = this.registry.find(groupVersion, rest[0]!);
    if (!def || rest.length > 3 || (namespace !== undefined && !def.namespaced)) throw pathNotFound();
    const subresource = rest[2] ?? '';
    if (subresource && !(subresource === 'status' && def.status) && !(subresource === 'log' && def.kind === 'Pod' && !def.group)) throw pathNotFound();
    return { kind: 'resource', def, namespace, name: rest[1], subresource };
  }

  private async serveResource(route: Extract<Route, { kind: 'resource' }>, url: URL, request: IncomingMessage, text: string, response: ServerResponse): Promise<void> {
    const { def, name, subresource } = route;
    const namespace = route.namespace ?? '';
    const target: Target = { def, namespace };
    const query = url.searchParams;
    const method = request.method ?? 'GET';
    const dryRun = query.getAll('dryRun').includes('All');
    const watching = query.get('watch') === '1' || query.get('watch') === 'true';
    const verbs: Record<string, Verb> = name
      ? { GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }
      : { GET: watching ? 'watch' : 'list', POST: 'create', DELETE: 'deletecollection' };
    const verb = verbs[method];
    if (!verb) throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    this.recorded.push({ verb, method, path: url.pathname, resource: resourceKey(def), namespace, name: name ?? '', subresource, dryRun });
    const options = { manager: managerFrom(url, request), dryRun, subresource: subresource as '' | 'status' };
    const decorate = (object: JsonObject): JsonObject => ({ apiVersion: groupVersionOf(def), kind: def.kind, ...object });
    const parse = (): JsonObject => {
      let value: unknown;
      try {
        value = text ? (request.headers['content-type']?.includes('yaml') ? parseYamlBody(text) : JSON.parse(text)) : {};
      } catch (error) {
        throw badRequest(`error decoding request body: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!isObject(value)) throw badRequest('the request body must be an object');
      return value;
    };
    const matches = selectorMatcher(parseLabelSelector(query.get('labelSelector')), parseFieldSelector(query.get('fieldSelector')));
    if (def.namespaced && name && !route.namespace) throw notFound(def.plural, def.group, name);

    if (subresource === 'log') {
      if (verb !== 'get') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const pod = this.operations.get(target, name!);
      const container = query.get('container') ?? '';
      if (!this.logSource) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: no kubelet serves this fake cluster`);
      return this.logSource({ pod, container, follow: query.get('follow') === 'true' || query.get('follow') === '1' }, response);
    }
    switch (verb) {
      case 'get':
        return this.reply(response, 200, decorate(this.operations.get(target, name!)));
      case 'list': {
        const items = this.operations.list(target).filter(matches);
        return this.reply(response, 200, {
          kind: `${def.kind}List`,
          apiVersion: groupVersionOf(def),
          metadata: { resourceVersion: this.resourceVersion() },
          items: def.custom ? items.map(decorate) : items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
        });
      }
      case 'watch': {
        const timeout = query.get('timeoutSeconds');
        const watch = new WatchStream(
          this.store,
          {
            resource: resourceKey(def),
            namespace: def.namespaced && route.namespace ? namespace : undefined,
            apiVersion: groupVersionOf(def),
            kind: def.kind,
            decorate,
            matches,
            resourceVersion: query.get('resourceVersion') ?? '',
            bookmarks: query.get('allowWatchBookmarks') === 'true' || query.get('allowWatchBookmarks') === '1',
            timeoutSeconds: timeout === null ? undefined : Number(timeout),
            initial: () => this.operations.list(target),
          },
          response,
        );
        this.watches.add(watch);
        void watch.done.then(() => this.watches.delete(watch));
        watch.start();
        return;
      }
      case 'create':
        if (def.namespaced && !route.namespace) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        return this.reply(response, 201, decorate(this.operations.create(target, parse(), options)));
      case 'update':
        return this.reply(response, 200, decorate(this.operations.update(target, name!, parse(), options)));
      case 'patch': {
        const { object, created } = this.patch(target, name!, request, parse, text, url, options);
        return this.reply(response, created ? 201 : 200, decorate(object));
      }
      case 'delete': {
        const body = text ? parse() : {};
        const preconditions = isObject(body.preconditions) ? (body.preconditions as { uid?: string; resourceVersion?: string }) : undefined;
        const gone = this.operations.delete(target, name!, { dryRun, ...(preconditions ? { preconditions } : {}) });
        const metadata = metadataOf(clone(gone));
        return this.reply(response, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name: name!, group: def.group, kind: def.plural, uid: metadata.uid ?? '' },
        });
      }
      case 'deletecollection': {
        for (const object of this.operations.list(target).filter(matches)) {
          const metadata = metadataOf(object);
          this.operations.delete({ def, namespace: String(metadata.namespace ?? '') }, String(metadata.name), { dryRun });
        }
        return this.reply(response, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
      }
    }
  }

  private patch(target: Target, name: string, request: IncomingMessage, parse: () => JsonObject, text: string, url: URL, options: { manager: string; dryRun: boolean; subresource: '' | 'status' }): { object: JsonObject; created: boolean } {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+cbor') {
      const manager = url.searchParams.get('fieldManager');
      if (!manager) throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
      return this.operations.apply(target, name, parse(), { ...options, manager, force: url.searchParams.get('force') === 'true' });
    }
    if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
      const patch = parse();
      return { object: this.operations.patch(target, name, (live) => mergePatch(live, patch) as JsonObject, options), created: false };
    }
    if (type === 'application/json-patch+json') {
      let operations: Json;
      try {
        operations = JSON.parse(text) as Json;
      } catch {
        throw badRequest('error decoding JSON patch');
      }
      const object = this.operations.patch(
        target,
        name,
        (live) => {
          try {
            return jsonPatch(live, operations);
          } catch (error) {
            throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${error instanceof Error ? error.message : String(error)}`);
          }
        },
        options,
      );
      return { object, created: false };
    }
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
  }
}

/** Starts a fake kube-apiserver on 127.0.0.1 (random port). */
export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const server = new FakeApiServer(options);
  await server.listen();
  return server;
}
