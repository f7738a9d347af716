import { ConflictError, newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { JobRecord, JobStatus } from '../records.ts';
import type { ClaimOptions, ExpireOptions, JobInput, JobListQuery, JobRepository } from '../types.ts';
import { int, json, nullable, optInt, optText, text } from './columns.ts';
import type { Database, Dialect, Params, Row } from './database.ts';

/**
 * Durable job queue. Claims run in a `BEGIN IMMEDIATE` transaction, which
 * serialises claimers across processes: the candidate chosen is still
 * queued, and still under its concurrency limit, when it is leased.
 */
export class SqlJobRepository implements JobRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async enqueue(input: JobInput): Promise<JobRecord> {
    const now = this.#clock.now();
    const id = newId();
    await this.#db.run(
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
    if (options.kinds?.length === 0) return undefined;
    const now = options.now ?? this.#clock.now();
    const lease = async (id: string): Promise<JobRecord> => {
      await this.#db.run(
        `UPDATE jobs SET status = 'leased', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
           updated_at = ? WHERE id = ?`,
        [options.owner, now + options.leaseMs, now, id],
      );
      return this.#read(id);
    };
    if (this.#db.dialect === 'sqlite') {
      // BEGIN IMMEDIATE serialises claimers: the candidate is still free, and under its limit, when leased.
      return this.#db.transaction(async () => {
        const row = await this.#db.get(candidateSql(this.#db.dialect, options, []), candidateParams(now, options, []));
        return row ? lease(text(row, 'id')) : undefined;
      });
    }
    // Postgres: claimers lock their candidate and skip each other's. A candidate
    // with a concurrency key is counted again under a lock on that key, which
    // a claimer of the same key holds until it commits.
    return this.#db.transaction(
      async () => {
        const passed: string[] = [];
        for (;;) {
          const row = await this.#db.get(candidateSql(this.#db.dialect, options, passed), candidateParams(now, options, passed));
          if (!row) return undefined;
          const id = text(row, 'id');
          const key = optText(row, 'concurrency_key');
          const limit = optInt(row, 'concurrency_limit');
          if (key === undefined || limit === undefined) return lease(id);
          await this.#db.get('SELECT pg_advisory_xact_lock(hashtext(?)) AS locked', [`trunkline.jobs:${key}`]);
          const leased = await this.#db.get("SELECT COUNT(*) AS n FROM jobs WHERE concurrency_key = ? AND status = 'leased'", [key]);
          if (int(leased ?? {}, 'n') < limit) return lease(id);
          passed.push(id);
        }
      },
      { isolation: 'read committed' },
    );
  }

  async heartbeat(id: string, owner: string, leaseMs: number, now = this.#clock.now()): Promise<JobRecord> {
    return await this.#byOwner(id, owner, 'lease_expires_at = ?', [now + leaseMs], now);
  }

  async complete(id: string, owner: string): Promise<JobRecord> {
    return await this.#byOwner(id, owner, "status = 'done', lease_expires_at = NULL", [], this.#clock.now());
  }

  async fail(id: string, owner: string, error: string): Promise<JobRecord> {
    return await this.#byOwner(id, owner, "status = 'failed', lease_expires_at = NULL, error = ?", [error], this.#clock.now());
  }

  async requeue(id: string, owner: string, availableAt?: number): Promise<JobRecord> {
    const now = this.#clock.now();
    return await this.#byOwner(id, owner, "status = 'queued', lease_expires_at = NULL, available_at = ?", [availableAt ?? now], now);
  }

  async expireLeases(now = this.#clock.now(), options: ExpireOptions = {}): Promise<JobRecord[]> {
    const requeue = options.requeue ?? true;
    const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
    return this.#db.transaction(async () => {
      if (options.kinds?.length === 0) return [];
      const kinds = options.kinds ? ` AND kind IN (${options.kinds.map(() => '?').join(', ')})` : '';
      const expired = await this.#db.all(
        `SELECT * FROM jobs WHERE status = 'leased' AND lease_expires_at <= ?${kinds} ORDER BY seq`,
        [now, ...(options.kinds ?? [])],
      );
      const settled: JobRecord[] = [];
      for (const row of expired) {
        const id = text(row, 'id');
        const owner = optText(row, 'lease_owner') ?? 'unknown owner';
        const attempts = int(row, 'attempts');
        if (requeue && attempts < maxAttempts) {
          await this.#db.run(
            "UPDATE jobs SET status = 'queued', lease_expires_at = NULL, available_at = ?, updated_at = ? WHERE id = ?",
            [now, now, id],
          );
        } else {
          const reason = `lease of ${owner} expired after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
          await this.#db.run(
            "UPDATE jobs SET status = 'failed', lease_expires_at = NULL, error = ?, updated_at = ? WHERE id = ?",
            [reason, now, id],
          );
        }
        settled.push(await this.#read(id));
      }
      return settled;
    });
  }

  async get(id: string): Promise<JobRecord> {
    return await this.#read(id);
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
    return (await this.#db.all(`SELECT * FROM jobs ${clause} ORDER BY seq${limit}`, params)).map(toJob);
  }

  async #read(id: string): Promise<JobRecord> {
    const row = await this.#db.get('SELECT * FROM jobs WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`job ${id} not found`);
    return toJob(row);
  }

  /** Applies `sets` only while `owner` holds the lease. */
  async #byOwner(id: string, owner: string, sets: string, params: Params, now: number): Promise<JobRecord> {
    return this.#db.transaction(async () => {
      const changed = await this.#db.run(
        `UPDATE jobs SET ${sets}, updated_at = ? WHERE id = ? AND status = 'leased' AND lease_owner = ?`,
        [...params, now, id, owner],
      );
      const job = await this.#read(id);
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

/**
 * The oldest queued job that is due, of the wanted kinds, under its
 * concurrency limit and whose labels the claimer offers, not among `passed`.
 */
function candidateSql(dialect: Dialect, options: ClaimOptions, passed: readonly string[]): string {
  const kinds = options.kinds ? ` AND j.kind IN (${options.kinds.map(() => '?').join(', ')})` : '';
  const skip = passed.length > 0 ? ` AND j.id NOT IN (${passed.map(() => '?').join(', ')})` : '';
  const labels = options.labels ? ` AND ${labelsOfferedSql(dialect)}` : '';
  const lock = dialect === 'postgres' ? ' FOR UPDATE OF j SKIP LOCKED' : '';
  return `SELECT j.* FROM jobs j
    WHERE j.status = 'queued' AND j.available_at <= ?${kinds}${skip}${labels}
      AND (j.concurrency_key IS NULL OR j.concurrency_limit IS NULL OR j.concurrency_limit > (
        SELECT COUNT(*) FROM jobs l WHERE l.concurrency_key = j.concurrency_key AND l.status = 'leased'))
    ORDER BY j.seq LIMIT 1${lock}`;
}

function candidateParams(now: number, options: ClaimOptions, passed: readonly string[]): Params {
  const params: Params = [now, ...(options.kinds ?? []), ...passed];
  if (options.labels) params.push(JSON.stringify(offeredPairs(options.labels)));
  return params;
}

/** Every label the job requires is among the offered `[key, value]` pairs (one JSON parameter). */
function labelsOfferedSql(dialect: Dialect): string {
  return dialect === 'postgres'
    ? `NOT EXISTS (SELECT 1 FROM jsonb_each_text(j.labels::jsonb) l WHERE NOT (CAST(? AS jsonb) @> jsonb_build_array(jsonb_build_array(l.key, l.value))))`
    : `NOT EXISTS (SELECT 1 FROM json_each(j.labels) l WHERE NOT EXISTS (
        SELECT 1 FROM json_each(?) o WHERE o.value ->> 0 = l.key AND o.value ->> 1 = l.value))`;
}

function offeredPairs(offered: Record<string, string | readonly string[]>): [string, string][] {
  return Object.entries(offered).flatMap(([key, value]) =>
    (typeof value === 'string' ? [value] : value).map((one): [string, string] => [key, one]),
  );
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
