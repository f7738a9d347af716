import { DatabaseSync } from 'node:sqlite';
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { ConflictError, NotFoundError } from '../../core/index.ts';

export type Row = Record<string, unknown>;
export type Params = SQLInputValue[];

// Extended result codes of SQLite constraint failures.
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;

/**
 * One SQLite connection with cached statements and write transactions.
 * node:sqlite is synchronous, so a transaction runs to completion without
 * interleaving with other work of this process; `BEGIN IMMEDIATE` takes the
 * write lock up front so other processes wait (busy timeout) instead of
 * failing on a read-to-write upgrade.
 */
export class Database {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #depth = 0;

  constructor(path: string, busyTimeoutMs: number) {
    this.#db = new DatabaseSync(path, { timeout: busyTimeoutMs, enableForeignKeyConstraints: true });
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  get(sql: string, params: Params = []): Row | undefined {
    return this.#prepare(sql).get(...params) as Row | undefined;
  }

  all(sql: string, params: Params = []): Row[] {
    return this.#prepare(sql).all(...params) as Row[];
  }

  /** Rows one at a time; stop early by leaving the loop. */
  iterate(sql: string, params: Params = []): Iterable<Row> {
    return this.#prepare(sql).iterate(...params) as Iterable<Row>;
  }

  /** Runs a write; returns the number of rows changed. */
  run(sql: string, params: Params = []): number {
    return Number(this.#prepare(sql).run(...params).changes);
  }

  /** Runs `work` in a write transaction (a savepoint when nested). */
  transaction<T>(work: () => T): T {
    const nested = this.#depth > 0;
    const name = `sp${this.#depth}`;
    this.#db.exec(nested ? `SAVEPOINT ${name}` : 'BEGIN IMMEDIATE');
    this.#depth += 1;
    try {
      const result = work();
      this.#db.exec(nested ? `RELEASE ${name}` : 'COMMIT');
      return result;
    } catch (error) {
      // SQLite may already have rolled back (e.g. disk full); keep the original error.
      if (this.#db.isTransaction) this.#db.exec(nested ? `ROLLBACK TO ${name}; RELEASE ${name}` : 'ROLLBACK');
      throw error;
    } finally {
      this.#depth -= 1;
    }
  }

  close(): void {
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

/** Maps constraint failures to domain errors; rethrows anything else. */
export function translateConstraint(error: unknown, what: string): never {
  const code = (error as { errcode?: number } | null)?.errcode;
  if (code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY) {
    throw new ConflictError(`${what} already exists`);
  }
  if (code === SQLITE_CONSTRAINT_FOREIGNKEY) {
    throw new NotFoundError(`${what} refers to a record that does not exist`);
  }
  throw error;
}
