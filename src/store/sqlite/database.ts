import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { StatementSync } from 'node:sqlite';
import type { Database, Params, Row } from '../sql/database.ts';

/**
 * One SQLite connection behind the async `Database` contract. node:sqlite is
 * synchronous, so a statement outside a transaction runs at once; but a
 * transaction spans awaits, and on one connection every statement in that
 * time would join it. So transactions take turns on a lock, statements of
 * other flows wait for it, and the flow inside a transaction (tracked with
 * AsyncLocalStorage) goes straight through. Connections of this process to
 * the same file share the turns: SQLite's busy wait blocks the thread, so a
 * second connection waiting there would stall the first one's transaction.
 * `BEGIN IMMEDIATE` takes the write lock up front so other processes wait
 * (busy timeout) instead of failing on a read-to-write upgrade.
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite';
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  /** Depth of the transaction the current flow is in. */
  readonly #scope = new AsyncLocalStorage<number>();
  readonly #turns: Turns;

  constructor(path: string, busyTimeoutMs: number) {
    this.#db = new DatabaseSync(path, { timeout: busyTimeoutMs, enableForeignKeyConstraints: true });
    this.#turns = turnsOf(path);
  }

  exec(sql: string): Promise<void> {
    return this.#statement(() => this.#db.exec(sql));
  }

  get(sql: string, params: Params = []): Promise<Row | undefined> {
    return this.#statement(() => this.#prepare(sql).get(...params) as Row | undefined);
  }

  all(sql: string, params: Params = []): Promise<Row[]> {
    return this.#statement(() => this.#prepare(sql).all(...params) as Row[]);
  }

  run(sql: string, params: Params = []): Promise<number> {
    return this.#statement(() => Number(this.#prepare(sql).run(...params).changes));
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    const depth = this.#scope.getStore();
    if (depth !== undefined) return this.#savepoint(depth, work);
    const turns = this.#turns;
    const previous = turns.tail;
    let release!: () => void;
    turns.tail = new Promise((resolve) => (release = resolve));
    await previous;
    turns.held = true;
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.#scope.run(1, work);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        // SQLite may already have rolled back (e.g. disk full); keep the original error.
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      turns.held = false;
      release();
    }
  }

  async close(): Promise<void> {
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }

  async #savepoint<T>(depth: number, work: () => Promise<T>): Promise<T> {
    const name = `sp${depth}`;
    this.#db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await this.#scope.run(depth + 1, work);
      this.#db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw error;
    }
  }

  /** Runs now when no transaction of another flow is open, else after it. */
  async #statement<T>(work: () => T): Promise<T> {
    if (!this.#turns.held || this.#scope.getStore() !== undefined) return work();
    while (this.#turns.held) await this.#turns.tail;
    return work();
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

/** Whose turn it is on one database file: the last transaction queued, and whether one is open. */
interface Turns {
  tail: Promise<void>;
  held: boolean;
}

const turnsByFile = new Map<string, WeakRef<Turns>>();

function turnsOf(path: string): Turns {
  const fresh = (): Turns => ({ tail: Promise.resolve(), held: false });
  if (path === ':memory:') return fresh();
  const key = path.startsWith('file:') ? path : resolve(path);
  const known = turnsByFile.get(key)?.deref();
  if (known) return known;
  const turns = fresh();
  turnsByFile.set(key, new WeakRef(turns));
  return turns;
}
