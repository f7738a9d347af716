import { ConflictError, newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { JobRecord, JobStatus } from '../records.ts';
import type { ClaimOptions, ExpireOptions, JobInput, JobListQuery, JobRepository } from '../types.ts';
import { int, json, nullable, optInt, optText, text } from './columns.ts';
import type { Database, Params, Row } from './database.ts';

/**
 * Durable job queue. Claims run in a `BEGIN IMMEDIATE` transaction, which
 * serialises claimers across processes: the candidate chosen is still
 * queued, and still under its concurrency limit, when it is leased.
 */
export class SqliteJobRepository implements JobRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async enqueue(input: JobInput): Promise<JobRecord> {
    const now = this.#clock.now();
    const id = newId();
    this.#db.run(
      `INSERT INTO jobs (id, kind, payload, status, concurrency_key, concurrency_limit, labels, attempts,
         created_at, available_at, updated_at)
       VALUES (?, ?, ?, 'queued', ?, ?, ?, 0, ?, ?, ?)`,
      [
        id,
        input.kind,
        JSON.stringify(input.payload ?? null),
        nullable(input.concurrencyKey),
        nullable(input.concurrencyLimit),
        JSON.stringify(input.labels ?? {}),
        now,
        input.availableAt ?? now,
        now,
      ],
    );
    return this.get(id);
  }

  async claim(options: ClaimOptions): Promise<JobRecord | undefined> {
    const now = options.now ?? this.#clock.now();
    return this.#db.transaction(() => {
      const params: Params = [now];
      let kinds = '';
      if (options.kinds) {
        if (options.kinds.length === 0) return undefined;
        kinds = ` AND j.kind IN (${options.kinds.map(() => '?').join(', ')})`;
        params.push(...options.kinds);
      }
      const candidates = this.#db.iterate(
        `SELECT j.* FROM jobs j
         WHERE j.status = 'queued' AND j.available_at <= ?${kinds}
           AND (j.concurrency_key IS NULL OR j.concurrency_limit IS NULL OR j.concurrency_limit > (
             SELECT COUNT(*) FROM jobs l WHERE l.concurrency_key = j.concurrency_key AND l.status = 'leased'))
         ORDER BY j.seq`,
        params,
      );
      let id: string | undefined;
      for (const row of candidates) {
        if (labelsMatch(json<Record<string, string>>(row, 'labels'), options.labels)) {
          id = text(row, 'id');
          break;
        }
      }
      if (id === undefined) return undefined;
      this.#db.run(
        `UPDATE jobs SET status = 'leased', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
           updated_at = ? WHERE id = ?`,
        [options.owner, now + options.leaseMs, now, id],
      );
      return this.#read(id);
    });
  }

  async heartbeat(id: string, owner: string, leaseMs: number, now = this.#clock.now()): Promise<JobRecord> {
    return this.#byOwner(id, owner, 'lease_expires_at = ?', [now + leaseMs], now);
  }

  async complete(id: string, owner: string): Promise<JobRecord> {
    return this.#byOwner(id, owner, "status = 'done', lease_expires_at = NULL", [], this.#clock.now());
  }

  async fail(id: string, owner: string, error: string): Promise<JobRecord> {
    return this.#byOwner(id, owner, "status = 'failed', lease_expires_at = NULL, error = ?", [error], this.#clock.now());
  }

  async requeue(id: string, owner: string, availableAt?: number): Promise<JobRecord> {
    const now = this.#clock.now();
    return this.#byOwner(id, owner, "status = 'queued', lease_expires_at = NULL, available_at = ?", [availableAt ?? now], now);
  }

  async expireLeases(now = this.#clock.now(), options: ExpireOptions = {}): Promise<JobRecord[]> {
    const requeue = options.requeue ?? true;
    const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
    return this.#db.transaction(() => {
      const expired = this.#db.all(
        "SELECT * FROM jobs WHERE status = 'leased' AND lease_expires_at <= ? ORDER BY seq",
        [now],
      );
      return expired.map((row) => {
        const id = text(row, 'id');
        const owner = optText(row, 'lease_owner') ?? 'unknown owner';
        const attempts = int(row, 'attempts');
        if (requeue && attempts < maxAttempts) {
          this.#db.run(
            "UPDATE jobs SET status = 'queued', lease_expires_at = NULL, available_at = ?, updated_at = ? WHERE id = ?",
            [now, now, id],
          );
        } else {
          const reason = `lease of ${owner} expired after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
          this.#db.run(
            "UPDATE jobs SET status = 'failed', lease_expires_at = NULL, error = ?, updated_at = ? WHERE id = ?",
            [reason, now, id],
          );
        }
        return this.#read(id);
      });
    });
  }

  async get(id: string): Promise<JobRecord> {
    return this.#read(id);
  }

  async list(query: JobListQuery = {}): Promise<JobRecord[]> {
    const where: string[] = [];
    const params: Params = [];
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.kind !== undefined) {
      where.push('kind = ?');
      params.push(query.kind);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const limit = query.limit === undefined ? '' : ' LIMIT ?';
    if (query.limit !== undefined) params.push(query.limit);
    return this.#db.all(`SELECT * FROM jobs ${clause} ORDER BY seq${limit}`, params).map(toJob);
  }

  #read(id: string): JobRecord {
    const row = this.#db.get('SELECT * FROM jobs WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`job ${id} not found`);
    return toJob(row);
  }

  /** Applies `sets` only while `owner` holds the lease. */
  #byOwner(id: string, owner: string, sets: string, params: Params, now: number): JobRecord {
    return this.#db.transaction(() => {
      const changed = this.#db.run(
        `UPDATE jobs SET ${sets}, updated_at = ? WHERE id = ? AND status = 'leased' AND lease_owner = ?`,
        [...params, now, id, owner],
      );
      const job = this.#read(id);
      if (changed === 0) {
        throw new ConflictError(`job ${id} is not leased by ${owner} (status ${job.status}, owner ${job.leaseOwner ?? 'none'})`, {
          status: job.status,
          leaseOwner: job.leaseOwner,
        });
      }
      return job;
    });
  }
}

function labelsMatch(required: Record<string, string>, offered: Record<string, string | readonly string[]> | undefined): boolean {
  if (!offered) return true;
  return Object.entries(required).every(([key, value]) => {
    const accepted = offered[key];
    return typeof accepted === 'string' ? accepted === value : accepted !== undefined && accepted.includes(value);
  });
}

function toJob(row: Row): JobRecord {
  return {
    id: text(row, 'id'),
    kind: text(row, 'kind'),
    payload: json<unknown>(row, 'payload'),
    status: text(row, 'status') as JobStatus,
    concurrencyKey: optText(row, 'concurrency_key'),
    concurrencyLimit: optInt(row, 'concurrency_limit'),
    labels: json<Record<string, string>>(row, 'labels'),
    attempts: int(row, 'attempts'),
    leaseOwner: optText(row, 'lease_owner'),
    leaseExpiresAt: optInt(row, 'lease_expires_at'),
    error: optText(row, 'error'),
    createdAt: int(row, 'created_at'),
    availableAt: int(row, 'available_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
