import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Database, Params, Row, TransactionOptions } from '../sql/database.ts';
import { positional } from './placeholders.ts';

interface Scope {
  client: pg.PoolClient;
  depth: number;
}

// SQLSTATEs after which a transaction can simply be run again.
const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';
const MAX_ATTEMPTS = 30;

// BIGINT and NUMERIC (COUNT, SUM) as numbers: every integer stored here is a
// millisecond time, a counter or a size, far below 2^53.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID ? Number : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A Postgres pool behind the async `Database` contract. A transaction holds
 * one pooled connection; the flow inside it (tracked with AsyncLocalStorage)
 * sends its statements there. Transactions are serializable by default and
 * re-run on serialization failures, which gives the repositories the same
 * one-at-a-time semantics they have on SQLite.
 */
export class PostgresDatabase implements Database {
  readonly dialect = 'postgres';
  readonly #pool: pg.Pool;
  readonly #scope = new AsyncLocalStorage<Scope>();

  constructor(connectionString: string, options: { maxConnections?: number; schema?: string } = {}) {
    this.#pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      types,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle connection that breaks is dropped by the pool; without a listener the error would crash the process.
    this.#pool.on('error', () => undefined);
  }

  async exec(sql: string): Promise<void> {
    await (this.#scope.getStore()?.client ?? this.#pool).query(sql);
  }

  async get(sql: string, params: Params = []): Promise<Row | undefined> {
    return (await this.#query(sql, params)).rows[0];
  }

  async all(sql: string, params: Params = []): Promise<Row[]> {
    return (await this.#query(sql, params)).rows;
  }

  async run(sql: string, params: Params = []): Promise<number> {
    return (await this.#query(sql, params)).rowCount ?? 0;
  }

  async transaction<T>(work: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const scope = this.#scope.getStore();
    if (scope) return this.#savepoint(scope, work);
    const begin = options.isolation === 'read committed' ? 'BEGIN' : 'BEGIN ISOLATION LEVEL SERIALIZABLE';
    for (let attempt = 1; ; attempt += 1) {
      const client = await this.#pool.connect();
      let broken = false;
      try {
        await client.query(begin);
        const result = await this.#scope.run({ client, depth: 1 }, work);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        if (attempt < MAX_ATTEMPTS && retryable(error)) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 2 ** attempt)));
          continue;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  /** A dedicated connection outside the pool's rotation, for session state such as advisory locks. */
  connect(): Promise<pg.PoolClient> {
    return this.#pool.connect();
  }

  async close(): Promise<void> {
    if (!this.#pool.ended) await this.#pool.end();
  }

  async #savepoint<T>(scope: Scope, work: () => Promise<T>): Promise<T> {
    const name = `sp${scope.depth}`;
    await scope.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await this.#scope.run({ client: scope.client, depth: scope.depth + 1 }, work);
      await scope.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await scope.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }

  #query(sql: string, params: Params): Promise<pg.QueryResult<Row>> {
    return (this.#scope.getStore()?.client ?? this.#pool).query<Row>(positional(sql), params);
  }
}

function retryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === SERIALIZATION_FAILURE || code === DEADLOCK_DETECTED;
}
