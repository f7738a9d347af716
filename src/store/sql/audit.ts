import { InternalError } from '../../core/index.ts';
import type { AuditChainState, AuditRecord } from '../records.ts';
import type { AuditAppendInput, AuditListQuery, AuditPruneResult, AuditRepository, AuditUnsealed } from '../types.ts';
import { int, nullable, optInt, optText, text } from './columns.ts';
import { ROW_LOCKED } from './database.ts';
import type { Database, Params, Row } from './database.ts';

const defaultLimit = 100;

export class SqlAuditRepository implements AuditRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async append(input: AuditAppendInput, seal: (entry: AuditUnsealed) => string): Promise<AuditRecord> {
    // The head is read under a write lock (SQLite's BEGIN IMMEDIATE, Postgres's
    // row lock), so no other connection can append between the read and the insert.
    return this.#db.transaction(async () => {
      const head = await this.#chain(true);
      const unsealed: AuditUnsealed = { seq: head.headSeq + 1, ...input, prevHash: head.headHash };
      const record: AuditRecord = { ...unsealed, hash: seal(unsealed) };
      await this.#db.run(
        `INSERT INTO audit_entries (seq, at, actor, action, target_kind, target_id, environment, outcome, details, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          record.seq,
          record.at,
          record.actor,
          record.action,
          record.target.kind,
          record.target.id,
          nullable(record.environment),
          record.outcome,
          record.details,
          record.prevHash,
          record.hash,
        ],
      );
      await this.#db.run('UPDATE audit_chain SET head_seq = ?, head_hash = ? WHERE id = 1', [record.seq, record.hash]);
      return record;
    }, ROW_LOCKED);
  }

  async list(query: AuditListQuery = {}): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: Params = [];
    if (query.actor !== undefined) {
      where.push('actor = ?');
      params.push(query.actor);
    }
    if (query.actionPrefix !== undefined) {
      where.push("(action = ? OR substr(action, 1, ?) = ? || '.')");
      params.push(query.actionPrefix, query.actionPrefix.length + 1, query.actionPrefix);
    }
    if (query.environment !== undefined) {
      where.push('environment = ?');
      params.push(query.environment);
    }
    if (query.since !== undefined) {
      where.push('at >= ?');
      params.push(query.since);
    }
    if (query.until !== undefined) {
      where.push('at < ?');
      params.push(query.until);
    }
    const descending = query.order !== 'asc';
    if (query.after !== undefined) {
      where.push(descending ? 'seq < ?' : 'seq > ?');
      params.push(query.after);
    }
    params.push(query.limit ?? defaultLimit);
    const rows = await this.#db.all(
      `SELECT * FROM audit_entries ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY seq ${descending ? 'DESC' : 'ASC'} LIMIT ?`,
      params,
    );
    return rows.map(toAudit);
  }

  async chain(): Promise<AuditChainState> {
    return await this.#chain();
  }

  async prune(before: number): Promise<AuditPruneResult> {
    return this.#db.transaction(async () => {
      const chain = await this.#chain(true);
      // The kept part must stay one chain: stop at the first entry that is new enough.
      const firstKept = await this.#db.get('SELECT MIN(seq) AS seq FROM audit_entries WHERE at >= ?', [before]);
      const keepFrom = optInt(firstKept ?? {}, 'seq') ?? chain.headSeq + 1;
      if (keepFrom <= chain.anchorSeq) return { removed: 0, chain };
      const last = await this.#db.get('SELECT hash FROM audit_entries WHERE seq = ?', [keepFrom - 1]);
      if (!last) throw new InternalError(`audit entry ${keepFrom - 1} is missing: verify the chain before pruning`);
      const removed = await this.#db.run('DELETE FROM audit_entries WHERE seq < ?', [keepFrom]);
      await this.#db.run(
        `UPDATE audit_chain SET anchor_seq = ?, anchor_hash = ?, pruned_count = pruned_count + ?, pruned_before = ? WHERE id = 1`,
        [keepFrom, text(last, 'hash'), removed, before],
      );
      return { removed, chain: await this.#chain() };
    }, ROW_LOCKED);
  }

  async #chain(forUpdate = false): Promise<AuditChainState> {
    const lock = forUpdate && this.#db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const row = await this.#db.get(`SELECT * FROM audit_chain WHERE id = 1${lock}`);
    if (!row) throw new InternalError('the audit chain state is missing');
    const state: AuditChainState = {
      headSeq: int(row, 'head_seq'),
      headHash: text(row, 'head_hash'),
      anchorSeq: int(row, 'anchor_seq'),
      anchorHash: text(row, 'anchor_hash'),
      prunedCount: int(row, 'pruned_count'),
    };
    const prunedBefore = optInt(row, 'pruned_before');
    if (prunedBefore !== undefined) state.prunedBefore = prunedBefore;
    return state;
  }
}

function toAudit(row: Row): AuditRecord {
  const record: AuditRecord = {
    seq: int(row, 'seq'),
    at: int(row, 'at'),
    actor: text(row, 'actor'),
    action: text(row, 'action'),
    target: { kind: text(row, 'target_kind'), id: text(row, 'target_id') },
    outcome: text(row, 'outcome'),
    details: text(row, 'details'),
    prevHash: text(row, 'prev_hash'),
    hash: text(row, 'hash'),
  };
  const environment = optText(row, 'environment');
  if (environment !== undefined) record.environment = environment;
  return record;
}
