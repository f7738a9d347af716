import { newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { RunnerRecord } from '../records.ts';
import { generateToken, hashToken, sameHash } from '../token-hash.ts';
import type { RunnerRepository } from '../types.ts';
import { int, json, optInt, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';

/** Remote runners: a name, a hashed token of their own, and what they last said of themselves. */
export class SqlRunnerRepository implements RunnerRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(name: string): Promise<{ runner: RunnerRecord; token: string }> {
    const token = generateToken();
    const id = newId();
    try {
      await this.#db.run('INSERT INTO runners (id, name, token_hash, labels, created_at) VALUES (?, ?, ?, ?, ?)', [id, name, hashToken(token), '{}', this.#clock.now()]);
    } catch (error) {
      translateConstraint(error, `runner ${name}`);
    }
    return { runner: await this.#byName(name), token };
  }

  async authenticate(plaintext: string): Promise<RunnerRecord | undefined> {
    const hash = hashToken(plaintext);
    const row = await this.#db.get('SELECT * FROM runners WHERE token_hash = ?', [hash]);
    if (!row || !sameHash(text(row, 'token_hash'), hash)) return undefined;
    return toRunner(row);
  }

  async seen(id: string, details: { labels: Record<string, string>; version?: string }): Promise<void> {
    await this.#db.run('UPDATE runners SET labels = ?, version = ?, last_seen_at = ? WHERE id = ?', [JSON.stringify(details.labels), details.version ?? null, this.#clock.now(), id]);
  }

  async list(): Promise<RunnerRecord[]> {
    return (await this.#db.all('SELECT * FROM runners ORDER BY name')).map(toRunner);
  }

  async count(): Promise<number> {
    return int(await this.#db.get('SELECT COUNT(*) AS n FROM runners') ?? { n: 0 }, 'n');
  }

  async delete(name: string): Promise<void> {
    if (await this.#db.run('DELETE FROM runners WHERE name = ?', [name]) === 0) throw new NotFoundError(`no runner "${name}"`);
  }

  async #byName(name: string): Promise<RunnerRecord> {
    const row = await this.#db.get('SELECT * FROM runners WHERE name = ?', [name]);
    if (!row) throw new NotFoundError(`no runner "${name}"`);
    return toRunner(row);
  }
}

function toRunner(row: Row): RunnerRecord {
  const lastSeenAt = optInt(row, 'last_seen_at');
  const version = row['version'];
  return {
    id: text(row, 'id'),
    name: text(row, 'name'),
    labels: json<Record<string, string>>(row, 'labels'),
    createdAt: int(row, 'created_at'),
    ...(lastSeenAt !== undefined ? { lastSeenAt } : {}),
    ...(typeof version === 'string' ? { version } : {}),
  };
}
