import { NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { CommitStatusRecord, CommitStatusState } from '../records.ts';
import type { CommitStatusInput, CommitStatusRepository } from '../types.ts';
import { int, nullable, optText, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';

export class SqlCommitStatusRepository implements CommitStatusRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async set(repoId: string, sha: string, input: CommitStatusInput): Promise<CommitStatusRecord> {
    const now = this.#clock.now();
    let row: Row | undefined;
    try {
      row = await this.#db.get(
        `INSERT INTO commit_statuses (repo_id, sha, context, state, description, target_url, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo_id, sha, context) DO UPDATE SET
           state = excluded.state, description = excluded.description,
           target_url = excluded.target_url, updated_at = excluded.updated_at
         RETURNING *`,
        [repoId, sha, input.context, input.state, input.description ?? '', nullable(input.targetUrl), now, now],
      );
    } catch (error) {
      translateConstraint(error, `commit status ${input.context} of repository ${repoId}`);
    }
    if (!row) throw new NotFoundError(`commit status ${input.context} of ${sha} not found`);
    return toCommitStatus(row);
  }

  async list(repoId: string, sha: string): Promise<CommitStatusRecord[]> {
    return (await this.#db.all('SELECT * FROM commit_statuses WHERE repo_id = ? AND sha = ? ORDER BY context', [repoId, sha]))
      .map(toCommitStatus);
  }
}

function toCommitStatus(row: Row): CommitStatusRecord {
  return {
    repoId: text(row, 'repo_id'),
    sha: text(row, 'sha'),
    context: text(row, 'context'),
    state: text(row, 'state') as CommitStatusState,
    description: text(row, 'description'),
    targetUrl: optText(row, 'target_url'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
