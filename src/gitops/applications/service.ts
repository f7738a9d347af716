/**
 * Clusters and applications as the API manages them: validated input,
 * clusters named instead of ids, kubeconfigs checked before they are
 * stored (encrypted, by the store) and never returned, and the controller
 * told about every change so it reconciles at once.
 */
import type { z } from 'zod';
import { ConfigError, NotFoundError, messageOf } from '../../core/index.ts';
import { createKubeClient } from '../../kube/index.ts';
import type { ApplicationPatch, ApplicationRecord, ApplicationStatusRecord, ClusterRecord, GitopsStore, SyncRecord } from '../contract.ts';
import type { GitopsController, RollbackResult, SyncRequest } from '../controller/controller.ts';
import type { ResourceStatus } from '../controller/assess.ts';
import type { Prediction } from '../controller/predict.ts';
import { rulePathsValid } from './ignore-check.ts';
import { applicationInputSchema, applicationPatchSchema, clusterInputSchema, clusterPatchSchema, rollbackSchema, syncRequestSchema } from './schemas.ts';

export interface ApplicationsOptions {
  store: GitopsStore;
  controller: GitopsController;
}

/** An application with where it deploys (by cluster name) and its last observed state. */
export interface ApplicationView extends ApplicationRecord {
  cluster: string;
  status?: ApplicationStatusRecord;
}

export interface ApplicationDetail extends ApplicationView {
  /** Every object with its sync state, health and diff. */
  resources: ResourceStatus[];
}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message }));
  throw new ConfigError(`invalid ${where}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
}

export class Applications {
  readonly #store: GitopsStore;
  readonly #controller: GitopsController;

  constructor(options: ApplicationsOptions) {
    this.#store = options.store;
    this.#controller = options.controller;
  }

  // ── clusters ──────────────────────────────────────────────────────────

  listClusters(): Promise<ClusterRecord[]> {
    return this.#store.clusters.list();
  }

  async getCluster(name: string): Promise<ClusterRecord> {
    const cluster = await this.#store.clusters.findByName(name);
    if (!cluster) throw new NotFoundError(`no cluster "${name}"`);
    return cluster;
  }

  async createCluster(body: unknown): Promise<ClusterRecord> {
    const input = parse(clusterInputSchema, body, 'cluster');
    if (input.kubeconfig !== undefined) await checkKubeconfig(input.kubeconfig);
    return this.#store.clusters.create(input);
  }

  async updateCluster(name: string, body: unknown): Promise<ClusterRecord> {
    const patch = parse(clusterPatchSchema, body, 'cluster change');
    const cluster = await this.getCluster(name);
    if (patch.kubeconfig !== undefined) await checkKubeconfig(patch.kubeconfig);
    const updated = await this.#store.clusters.update(cluster.id, patch);
    await this.#controller.clusterChanged(cluster.id);
    for (const app of await this.#store.applications.list({ clusterId: cluster.id })) await this.#controller.applicationChanged(app.name);
    return updated;
  }

  /** `ConflictError` while applications deploy to it. */
  async deleteCluster(name: string): Promise<void> {
    const cluster = await this.getCluster(name);
    await this.#store.clusters.delete(cluster.id);
    await this.#controller.clusterChanged(cluster.id);
  }

  // ── applications ──────────────────────────────────────────────────────

  async list(): Promise<ApplicationView[]> {
    const clusters = new Map((await this.#store.clusters.list()).map((c) => [c.id, c.name]));
    const apps = await this.#store.applications.list();
    return Promise.all(apps.map(async (app) => this.#view(app, clusters.get(app.destination.clusterId) ?? '')));
  }

  async #view(app: ApplicationRecord, cluster: string): Promise<ApplicationView> {
    const status = await this.#store.applicationStatus.get(app.id);
    return { ...app, cluster, ...(status ? { status } : {}) };
  }

  async #find(name: string): Promise<ApplicationRecord> {
    const app = await this.#store.applications.findByName(name);
    if (!app) throw new NotFoundError(`no application "${name}"`);
    return app;
  }

  /** The application, its status and every object with its diff (from the controller's last reconcile, or the stored status). */
  async get(name: string): Promise<ApplicationDetail> {
    const app = await this.#find(name);
    const cluster = await this.#store.clusters.get(app.destination.clusterId).catch(() => undefined);
    const view = await this.#view(app, cluster?.name ?? '');
    const resources = this.#controller.assessment(name)?.resources ?? ((view.status?.resources as ResourceStatus[] | undefined) ?? []);
    return { ...view, resources };
  }

  async create(body: unknown): Promise<ApplicationView> {
    const input = parse(applicationInputSchema, body, 'application');
    if (input.ignoreDifferences) rulePathsValid(input.ignoreDifferences);
    const cluster = await this.getCluster(input.destination.cluster);
    this.#checkSource(input.source.repoUrl);
    const app = await this.#store.applications.create({
      name: input.name,
      source: input.source,
      destination: { clusterId: cluster.id, namespace: input.destination.namespace },
      ...(input.syncPolicy ? { syncPolicy: input.syncPolicy } : {}),
      ...(input.environment ? { environment: input.environment } : {}),
      ...(input.service ? { service: input.service } : {}),
      ...(input.ignoreDifferences ? { ignoreDifferences: input.ignoreDifferences } : {}),
    });
    await this.#controller.applicationChanged(app.name);
    return this.#view(app, cluster.name);
  }

  async update(name: string, body: unknown): Promise<ApplicationView> {
    const input = parse(applicationPatchSchema, body, 'application change');
    if (input.ignoreDifferences) rulePathsValid(input.ignoreDifferences);
    const app = await this.#find(name);
    if (input.source?.repoUrl) this.#checkSource(input.source.repoUrl);
    const patch: ApplicationPatch = {};
    if (input.source) patch.source = input.source;
    if (input.syncPolicy) patch.syncPolicy = input.syncPolicy;
    if (input.environment !== undefined) patch.environment = input.environment;
    if (input.service !== undefined) patch.service = input.service;
    if (input.ignoreDifferences) patch.ignoreDifferences = input.ignoreDifferences;
    if (input.destination) {
      const clusterId = input.destination.cluster ? (await this.getCluster(input.destination.cluster)).id : undefined;
      patch.destination = { ...(clusterId ? { clusterId } : {}), ...(input.destination.namespace ? { namespace: input.destination.namespace } : {}) };
    }
    const updated = await this.#store.applications.update(app.id, patch);
    await this.#controller.applicationChanged(name);
    const cluster = await this.#store.clusters.get(updated.destination.clusterId);
    return this.#view(updated, cluster.name);
  }

  /** Forgets the application (status and history); its objects stay in the cluster, untouched. */
  async delete(name: string): Promise<void> {
    const app = await this.#find(name);
    await this.#store.applications.delete(app.id);
    await this.#controller.applicationChanged(name);
  }

  // ── operations ────────────────────────────────────────────────────────

  async syncs(name: string, options: { limit?: number; before?: number } = {}): Promise<SyncRecord[]> {
    return this.#store.syncs.listByApp((await this.#find(name)).id, options);
  }

  sync(name: string, body: unknown, by: string): Promise<SyncRecord> {
    const request: SyncRequest = parse(syncRequestSchema, body, 'sync request');
    return this.#controller.sync(name, request, by);
  }

  /** The exact prediction of a sync, by server-side apply dry run. */
  async predict(name: string, options: { force?: boolean } = {}): Promise<Prediction[]> {
    await this.#find(name);
    return this.#controller.predict(name, options);
  }

  rollback(name: string, body: unknown, by: string): Promise<RollbackResult> {
    const { revision } = parse(rollbackSchema, body, 'rollback request');
    return this.#controller.rollback(name, revision, by);
  }

  #checkSource(repoUrl: string): void {
    const remote = this.#controller.sources.remoteOf(repoUrl);
    if (/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(repoUrl) && remote === repoUrl && !repoUrl.startsWith('.')) {
      throw new ConfigError(`source.repoUrl: no built-in repository "${repoUrl}" (give a clone URL, a path, or an existing namespace/name)`, { repoUrl });
    }
  }
}

/** A kubeconfig the kube client can load, with a server to talk to. */
async function checkKubeconfig(text: string): Promise<void> {
  try {
    const client = createKubeClient({ kubeconfig: text });
    await client.close();
  } catch (error) {
    throw new ConfigError(`kubeconfig: ${messageOf(error)}`);
  }
}
