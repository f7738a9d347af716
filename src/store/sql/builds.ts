import { newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { BuildEvent, BuildRecord, BuildStatus } from '../records.ts';
import type { BuildInput, BuildListQuery, BuildPatch, BuildRepository, StatusGuard } from '../types.ts';
import { int, json, nullable, optInt, optText, text } from './columns.ts';
import { ROW_LOCKED } from './database.ts';
import type { Database, Params, Row } from './database.ts';
import { rowsByStatus, updateLifecycleRow } from './lifecycle.ts';

export class SqlBuildRepository implements BuildRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(input: BuildInput): Promise<BuildRecord> {
    const now = this.#clock.now();
    const id = newId();
    // The counter and the insert share one write transaction: numbers are
    // unique and increasing even with several processes on one file.
    await this.#db.transaction(async () => {
      const counter = await this.#db.get(
        'UPDATE repos SET last_build_number = last_build_number + 1 WHERE id = ? RETURNING last_build_number',
        [input.repoId],
      );
      if (!counter) throw new NotFoundError(`repository ${input.repoId} not found`);
      await this.#db.run(
        `INSERT INTO builds (id, repo_id, number, status, event, action, ref, branch, source_branch,
           target_branch, commit_sha, before_sha, message, author_name, author_email, author_login,
           author_avatar, tag, pull_request, deploy_to, triggered_by, params, parent_number, error,
           created_at, started_at, finished_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, ?)`,
        [
          id,
          input.repoId,
          int(counter, 'last_build_number'),
          input.status ?? 'pending',
          input.event,
          input.action ?? '',
          input.ref,
          input.branch,
          input.sourceBranch ?? input.branch,
          input.targetBranch ?? input.branch,
          input.commitSha,
          input.beforeSha ?? '',
          input.message ?? '',
          input.authorName ?? '',
          input.authorEmail ?? '',
          input.authorLogin ?? '',
          input.authorAvatar ?? '',
          nullable(input.tag),
          nullable(input.pullRequest),
          nullable(input.deployTo),
          input.trigger ?? '',
          JSON.stringify(input.params ?? {}),
          nullable(input.parentNumber),
          now,
          now,
        ],
      );
    }, ROW_LOCKED);
    return this.get(id);
  }

  async get(id: string): Promise<BuildRecord> {
    const row = await this.#db.get('SELECT * FROM builds WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`build ${id} not found`);
    return toBuild(row);
  }

  async findByNumber(repoId: string, number: number): Promise<BuildRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM builds WHERE repo_id = ? AND number = ?', [repoId, number]);
    return row && toBuild(row);
  }

  async list(query: BuildListQuery = {}): Promise<BuildRecord[]> {
    const where: string[] = [];
    const params: Params = [];
    if (query.repoId !== undefined) {
      where.push('repo_id = ?');
      params.push(query.repoId);
    }
    if (query.branch !== undefined) {
      where.push('branch = ?');
      params.push(query.branch);
    }
    if (query.commitSha !== undefined) {
      where.push('commit_sha = ?');
      params.push(query.commitSha);
    }
    if (query.status !== undefined) {
      const statuses: readonly BuildStatus[] = typeof query.status === 'string' ? [query.status] : query.status;
      where.push(`status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...statuses);
    }
    if (query.before !== undefined) {
      where.push('number < ?');
      params.push(query.before);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    params.push(query.limit ?? 25);
    return (await this.#db.all(`SELECT * FROM builds ${clause} ORDER BY created_at DESC, number DESC LIMIT ?`, params))
      .map(toBuild);
  }

  async update(id: string, patch: BuildPatch, guard: StatusGuard<BuildStatus> = {}): Promise<BuildRecord> {
    const columns = {
      error: patch.error,
      message: patch.message,
      params: patch.params === undefined ? undefined : JSON.stringify(patch.params),
    };
    await updateLifecycleRow(this.#db, 'builds', id, patch, columns, this.#clock.now(), guard.ifStatus);
    return this.get(id);
  }

  async listByStatus(statuses: readonly BuildStatus[]): Promise<BuildRecord[]> {
    return (await rowsByStatus(this.#db, 'builds', statuses)).map(toBuild);
  }
}

function toBuild(row: Row): BuildRecord {
  return {
    id: text(row, 'id'),
    repoId: text(row, 'repo_id'),
    number: int(row, 'number'),
    status: text(row, 'status') as BuildStatus,
    event: text(row, 'event') as BuildEvent,
    action: text(row, 'action'),
    ref: text(row, 'ref'),
    branch: text(row, 'branch'),
    sourceBranch: text(row, 'source_branch'),
    targetBranch: text(row, 'target_branch'),
    commitSha: text(row, 'commit_sha'),
    beforeSha: text(row, 'before_sha'),
    message: text(row, 'message'),
    authorName: text(row, 'author_name'),
    authorEmail: text(row, 'author_email'),
    authorLogin: text(row, 'author_login'),
    authorAvatar: text(row, 'author_avatar'),
    tag: optText(row, 'tag'),
    pullRequest: optInt(row, 'pull_request'),
    deployTo: optText(row, 'deploy_to'),
    trigger: text(row, 'triggered_by'),
    params: json<Record<string, string>>(row, 'params'),
    parentNumber: optInt(row, 'parent_number'),
    error: optText(row, 'error'),
    createdAt: int(row, 'created_at'),
    startedAt: optInt(row, 'started_at'),
    finishedAt: optInt(row, 'finished_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
