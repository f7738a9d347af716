import { ConfigError, newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { checkDnsLabel } from '../names.ts';
import type { ApplicationRecord } from '../records.ts';
import type { ApplicationInput, ApplicationListQuery, ApplicationPatch, ApplicationRepository } from '../types.ts';
import { bool, flag, int, json, jsonText, nullable, optText, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Params, Row } from './database.ts';
import { updateRow } from './update.ts';

export class SqlApplicationRepository implements ApplicationRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(input: ApplicationInput): Promise<ApplicationRecord> {
    // A DNS label so that the name fits a Kubernetes label value (objects are tracked by it).
    checkDnsLabel(input.name, 'name');
    checkDestinationNamespace(input.destination.namespace);
    if (input.source.repoUrl === '') throw new ConfigError('source.repoUrl: expected a repository');
    if (input.source.revision === '') throw new ConfigError('source.revision: expected a branch, tag or commit');
    const ignoreDifferences = ignoreDifferencesText(input.ignoreDifferences ?? []);
    const now = this.#clock.now();
    const id = newId();
    try {
      await this.#db.run(
        `INSERT INTO applications (id, name, repo_url, path, revision, cluster_id, namespace, automated, prune,
           self_heal, force, environment, service, managed_by, ignore_differences, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          input.name,
          input.source.repoUrl,
          input.source.path,
          input.source.revision,
          input.destination.clusterId,
          input.destination.namespace,
          flag(input.syncPolicy?.automated),
          flag(input.syncPolicy?.prune),
          flag(input.syncPolicy?.selfHeal),
          flag(input.syncPolicy?.force),
          nullable(input.environment),
          nullable(input.service),
          nullable(input.managedBy),
          ignoreDifferences,
          now,
          now,
        ],
      );
    } catch (error) {
      translateConstraint(error, `application ${input.name}`);
    }
    return this.get(id);
  }

  async get(id: string): Promise<ApplicationRecord> {
    const row = await this.#db.get('SELECT * FROM applications WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`application ${id} not found`);
    return toApplication(row);
  }

  async findByName(name: string): Promise<ApplicationRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM applications WHERE name = ?', [name]);
    return row && toApplication(row);
  }

  async list(query: ApplicationListQuery = {}): Promise<ApplicationRecord[]> {
    const params: Params = [];
    let clause = '';
    if (query.clusterId !== undefined) {
      clause = 'WHERE cluster_id = ?';
      params.push(query.clusterId);
    }
    return (await this.#db.all(`SELECT * FROM applications ${clause} ORDER BY name`, params)).map(toApplication);
  }

  async update(id: string, patch: ApplicationPatch): Promise<ApplicationRecord> {
    const { source, destination, syncPolicy } = patch;
    if (destination?.namespace !== undefined) checkDestinationNamespace(destination.namespace);
    if (source?.repoUrl === '') throw new ConfigError('source.repoUrl: expected a repository');
    if (source?.revision === '') throw new ConfigError('source.revision: expected a branch, tag or commit');
    const given: Record<string, string | number | null | undefined> = {
      repo_url: source?.repoUrl,
      path: source?.path,
      revision: source?.revision,
      cluster_id: destination?.clusterId,
      namespace: destination?.namespace,
      automated: syncPolicy?.automated === undefined ? undefined : flag(syncPolicy.automated),
      prune: syncPolicy?.prune === undefined ? undefined : flag(syncPolicy.prune),
      self_heal: syncPolicy?.selfHeal === undefined ? undefined : flag(syncPolicy.selfHeal),
      force: syncPolicy?.force === undefined ? undefined : flag(syncPolicy.force),
      environment: patch.environment,
      service: patch.service,
      ignore_differences: patch.ignoreDifferences === undefined ? undefined : ignoreDifferencesText(patch.ignoreDifferences),
    };
    const columns = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Record<string, string | number | null>;
    try {
      await updateRow(this.#db, 'applications', id, { ...columns, updated_at: this.#clock.now() });
    } catch (error) {
      translateConstraint(error, `application ${id}`);
    }
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    if (await this.#db.run('DELETE FROM applications WHERE id = ?', [id]) === 0) throw new NotFoundError(`application ${id} not found`);
  }
}

function checkDestinationNamespace(namespace: string): void {
  checkDnsLabel(namespace, 'destination.namespace');
}

function ignoreDifferencesText(rules: unknown[]): string {
  if (!Array.isArray(rules)) throw new ConfigError('ignoreDifferences: expected a list of rules');
  return jsonText(rules, 'ignoreDifferences');
}

function toApplication(row: Row): ApplicationRecord {
  const record: ApplicationRecord = {
    id: text(row, 'id'),
    name: text(row, 'name'),
    source: { repoUrl: text(row, 'repo_url'), path: text(row, 'path'), revision: text(row, 'revision') },
    destination: { clusterId: text(row, 'cluster_id'), namespace: text(row, 'namespace') },
    syncPolicy: { automated: bool(row, 'automated'), prune: bool(row, 'prune'), selfHeal: bool(row, 'self_heal'), force: bool(row, 'force') },
    ignoreDifferences: json<unknown[]>(row, 'ignore_differences'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
  const environment = optText(row, 'environment');
  if (environment !== undefined) record.environment = environment;
  const service = optText(row, 'service');
  if (service !== undefined) record.service = service;
  const managedBy = optText(row, 'managed_by');
  if (managedBy !== undefined) record.managedBy = managedBy;
  return record;
}
