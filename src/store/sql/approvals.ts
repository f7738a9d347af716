import { ConfigError, InternalError, newId } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { ApprovalRecord, Role } from '../records.ts';
import type { ApprovalInput, ApprovalQuery, ApprovalRepository } from '../types.ts';
import { int, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';

export class SqlApprovalRepository implements ApprovalRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async add(input: ApprovalInput): Promise<ApprovalRecord> {
    if (input.comment.trim() === '') throw new ConfigError('comment: an approval needs a comment');
    let row: Row | undefined;
    try {
      row = await this.#db.get(
        `INSERT INTO approvals (id, environment, service, version, login, role, comment, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [newId(), input.environment, input.service, input.version, input.login, input.role, input.comment, input.createdAt ?? this.#clock.now()],
      );
    } catch (error) {
      translateConstraint(error, `${input.login}'s approval of ${input.service} ${input.version} in ${input.environment}`);
    }
    if (!row) throw new InternalError('approval was not returned by its insert');
    return toApproval(row);
  }

  async list(query: ApprovalQuery): Promise<ApprovalRecord[]> {
    return (await this.#db.all('SELECT * FROM approvals WHERE environment = ? AND service = ? AND version = ? ORDER BY created_at, rowid', [query.environment, query.service, query.version]))
      .map(toApproval);
  }
}

function toApproval(row: Row): ApprovalRecord {
  return {
    id: text(row, 'id'),
    environment: text(row, 'environment'),
    service: text(row, 'service'),
    version: text(row, 'version'),
    login: text(row, 'login'),
    role: text(row, 'role') as Role,
    comment: text(row, 'comment'),
    createdAt: int(row, 'created_at'),
  };
}
