import { ConflictError, NotFoundError } from '../../core/index.ts';

export type SqlValue = null | number | bigint | string | Uint8Array;
export type Row = Record<string, unknown>;
export type Params = SqlValue[];
export type Dialect = 'sqlite' | 'postgres';

export interface TransactionOptions {
  /**
   * Postgres only (SQLite transactions are always serial). Default
   * `serializable`: a transaction behaves as if it ran alone, as on SQLite,
   * and is re-run when Postgres reports a serialization failure.
   * `read committed` is for work that locks rows itself (`FOR UPDATE SKIP LOCKED`).
   */
  isolation?: 'serializable' | 'read committed';
}

/**
 * What the repositories need of an SQL engine. Statements use `?`
 * placeholders in every dialect; the few statements that differ between
 * engines branch on `dialect`.
 */
export interface Database {
  readonly dialect: Dialect;
  /** Runs one or more statements without parameters (schema changes). */
  exec(sql: string): Promise<void>;
  get(sql: string, params?: Params): Promise<Row | undefined>;
  all(sql: string, params?: Params): Promise<Row[]>;
  /** Runs a write; resolves to the number of rows changed. */
  run(sql: string, params?: Params): Promise<number>;
  /**
   * Runs `work` in a transaction (a savepoint when nested). Every statement
   * `work` issues, directly or through what it awaits, belongs to the
   * transaction. `work` may run more than once (serialization retries), so
   * it must only touch the database.
   */
  transaction<T>(work: () => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

// SQLite's extended result codes and Postgres's SQLSTATEs of constraint failures.
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';

/** Maps constraint failures of either engine to domain errors; rethrows anything else. */
export function translateConstraint(error: unknown, what: string): never {
  const { errcode, code } = (error ?? {}) as { errcode?: number; code?: string };
  if (errcode === SQLITE_CONSTRAINT_UNIQUE || errcode === SQLITE_CONSTRAINT_PRIMARYKEY || code === PG_UNIQUE_VIOLATION) {
    throw new ConflictError(`${what} already exists`);
  }
  if (errcode === SQLITE_CONSTRAINT_FOREIGNKEY || code === PG_FOREIGN_KEY_VIOLATION) {
    throw new NotFoundError(`${what} refers to a record that does not exist`);
  }
  throw error;
}

/**
 * For transactions that first lock the row they depend on (a counter's
 * `UPDATE … RETURNING`, a `SELECT … FOR UPDATE`): under read committed a
 * second writer waits for that lock and then reads the committed row, where
 * serializable would fail it and run it again.
 */
export const ROW_LOCKED: TransactionOptions = { isolation: 'read committed' };
