import { InternalError, NotFoundError, newId } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { ReleaseRecord } from '../records.ts';
import type { ReleaseInput, ReleaseListQuery, ReleaseRepository } from '../types.ts';
import { bool, flag, int, json, jsonText, optText, text } from './columns.ts';
import type { Database, Params, Row } from './database.ts';

export class SqlReleaseRepository implements ReleaseRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(input: ReleaseInput): Promise<ReleaseRecord> {
    const row = await this.#db.get(
      `INSERT INTO releases (id, service, environment, kind, version, commits, build, approvers, deployed_by, deployed_at,
         config_revision, rollback_target, healthy, sync_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        newId(),
        input.service,
        input.environment,
        input.kind,
        jsonText(input.version, 'version'),
        jsonText(input.commits, 'commits'),
        input.build ? jsonText(input.build, 'build') : null,
        jsonText(input.approvers, 'approvers'),
        input.deployedBy,
        input.deployedAt ?? this.#clock.now(),
        input.configRevision,
        input.rollbackTarget ? jsonText(input.rollbackTarget, 'rollbackTarget') : null,
        flag(input.healthy),
        input.syncId,
      ],
    );
    if (!row) throw new InternalError('release was not returned by its insert');
    return toRelease(row);
  }

  async get(id: string): Promise<ReleaseRecord> {
    const row = await this.#db.get('SELECT * FROM releases WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`no release "${id}"`);
    return toRelease(row);
  }

  async list(query: ReleaseListQuery = {}): Promise<ReleaseRecord[]> {
    const where: string[] = [];
    const params: Params = [];
    if (query.service !== undefined) {
      where.push('service = ?');
      params.push(query.service);
    }
    if (query.environment !== undefined) {
      where.push('environment = ?');
      params.push(query.environment);
    }
    params.push(query.limit ?? 50);
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return (await this.#db.all(`SELECT * FROM releases ${clause} ORDER BY seq DESC LIMIT ?`, params)).map(toRelease);
  }
}

function toRelease(row: Row): ReleaseRecord {
  const build = optText(row, 'build');
  const target = optText(row, 'rollback_target');
  return {
    id: text(row, 'id'),
    service: text(row, 'service'),
    environment: text(row, 'environment'),
    kind: text(row, 'kind') as ReleaseRecord['kind'],
    version: json<ReleaseRecord['version']>(row, 'version'),
    commits: json<ReleaseRecord['commits']>(row, 'commits'),
    build: build === undefined ? null : (JSON.parse(build) as ReleaseRecord['build']),
    approvers: json<ReleaseRecord['approvers']>(row, 'approvers'),
    deployedBy: text(row, 'deployed_by'),
    deployedAt: int(row, 'deployed_at'),
    configRevision: text(row, 'config_revision'),
    rollbackTarget: target === undefined ? null : (JSON.parse(target) as ReleaseRecord['rollbackTarget']),
    healthy: bool(row, 'healthy'),
    syncId: optText(row, 'sync_id') ?? null,
  };
}
