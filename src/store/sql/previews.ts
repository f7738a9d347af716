import { InternalError, newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { PreviewRecord, PreviewRemovalReason, PreviewStatus } from '../records.ts';
import type { PreviewInput, PreviewPatch, PreviewRepository, StatusGuard } from '../types.ts';
import { bool, int, json, nullable, optInt, optText, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';
import { updateRow } from './update.ts';

export class SqlPreviewRepository implements PreviewRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(input: PreviewInput): Promise<PreviewRecord> {
    const now = this.#clock.now();
    const id = newId();
    try {
      await this.#db.run(
        `INSERT INTO previews (id, name, environment, repo, branch, service, services, cluster, namespace, created_namespace, provisioner, status, created_at, last_push_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, 0, ?, 'creating', ?, ?, ?)`,
        [id, input.name, input.environment, input.repo, input.branch, input.service, nullable(input.cluster), input.namespace, nullable(input.provisioner), now, input.lastPushAt ?? now, now],
      );
    } catch (error) {
      translateConstraint(error, `preview ${input.name}`);
    }
    return this.get(id);
  }

  async get(id: string): Promise<PreviewRecord> {
    const row = await this.#db.get('SELECT * FROM previews WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`preview ${id} not found`);
    return toPreview(row);
  }

  async findActive(name: string): Promise<PreviewRecord | undefined> {
    const row = await this.#db.get(`SELECT * FROM previews WHERE name = ? AND status <> 'removed'`, [name]);
    return row && toPreview(row);
  }

  async list(statuses?: readonly PreviewStatus[]): Promise<PreviewRecord[]> {
    if (statuses === undefined) return (await this.#db.all(`SELECT * FROM previews WHERE status <> 'removed' ORDER BY created_at, name`)).map(toPreview);
    if (statuses.length === 0) return [];
    return (await this.#db.all(`SELECT * FROM previews WHERE status IN (${statuses.map(() => '?').join(', ')}) ORDER BY created_at, name`, [...statuses])).map(toPreview);
  }

  async update(id: string, patch: PreviewPatch, guard: StatusGuard<PreviewStatus> = {}): Promise<PreviewRecord> {
    const now = this.#clock.now();
    const columns: Record<string, string | number | null> = { updated_at: now };
    if (patch.service !== undefined) columns['service'] = patch.service;
    if (patch.services !== undefined) columns['services'] = JSON.stringify(patch.services);
    if (patch.cluster !== undefined) columns['cluster'] = patch.cluster;
    if (patch.namespace !== undefined) columns['namespace'] = patch.namespace;
    if (patch.createdNamespace !== undefined) columns['created_namespace'] = patch.createdNamespace ? 1 : 0;
    if (patch.createdCluster !== undefined) columns['created_cluster'] = patch.createdCluster;
    if (patch.url !== undefined) columns['url'] = patch.url;
    if (patch.imageTag !== undefined) columns['image_tag'] = patch.imageTag;
    if (patch.message !== undefined) columns['message'] = patch.message;
    if (patch.removalReason !== undefined) columns['removal_reason'] = patch.removalReason;
    if (patch.lastPushAt !== undefined) columns['last_push_at'] = patch.lastPushAt;
    if (patch.status !== undefined) {
      columns['status'] = patch.status;
      if (patch.status === 'removed') columns['removed_at'] = now;
    }
    try {
      await updateRow(this.#db, 'previews', id, columns, guard.ifStatus);
    } catch (error) {
      // A preview moved back from `removed` may meet a newer one of the same name.
      translateConstraint(error, `preview ${id}`);
    }
    return this.get(id);
  }
}

function toPreview(row: Row): PreviewRecord {
  const record: PreviewRecord = {
    id: text(row, 'id'),
    name: text(row, 'name'),
    environment: text(row, 'environment'),
    repo: text(row, 'repo'),
    branch: text(row, 'branch'),
    service: text(row, 'service'),
    services: json<string[]>(row, 'services'),
    namespace: text(row, 'namespace'),
    createdNamespace: bool(row, 'created_namespace'),
    status: text(row, 'status') as PreviewStatus,
    createdAt: int(row, 'created_at'),
    lastPushAt: int(row, 'last_push_at'),
    updatedAt: int(row, 'updated_at'),
  };
  const optional = {
    cluster: optText(row, 'cluster'),
    createdCluster: optText(row, 'created_cluster'),
    provisioner: optText(row, 'provisioner'),
    url: optText(row, 'url'),
    imageTag: optText(row, 'image_tag'),
    message: optText(row, 'message'),
    removalReason: optText(row, 'removal_reason') as PreviewRemovalReason | undefined,
    removedAt: optInt(row, 'removed_at'),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (record as unknown as Record<string, unknown>)[key] = value;
  if (record.services.some((s) => typeof s !== 'string')) throw new InternalError(`preview ${record.id}: services is not a list of names`);
  return record;
}
