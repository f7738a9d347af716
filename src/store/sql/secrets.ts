import { NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { SecretRecord } from '../records.ts';
import type { SecretCipher } from '../secret-cipher.ts';
import type { SecretOptions, SecretRepository } from '../types.ts';
import { blob, bool, flag, int, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';

export class SqlSecretRepository implements SecretRepository {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #cipher: SecretCipher;

  constructor(db: Database, clock: Clock, cipher: SecretCipher) {
    this.#db = db;
    this.#clock = clock;
    this.#cipher = cipher;
  }

  async set(repoId: string, name: string, value: string, options: SecretOptions = {}): Promise<SecretRecord> {
    const now = this.#clock.now();
    const sealed = this.#cipher.seal(repoId, name, value);
    try {
      await this.#db.run(
        `INSERT INTO secrets (repo_id, name, key_id, nonce, ciphertext, auth_tag, allow_pull_request, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo_id, name) DO UPDATE SET
           key_id = excluded.key_id, nonce = excluded.nonce, ciphertext = excluded.ciphertext,
           auth_tag = excluded.auth_tag, allow_pull_request = excluded.allow_pull_request,
           updated_at = excluded.updated_at`,
        [repoId, name, sealed.keyId, sealed.nonce, sealed.ciphertext, sealed.tag, flag(options.allowPullRequest), now, now],
      );
    } catch (error) {
      translateConstraint(error, `secret ${name}`);
    }
    const row = await this.#db.get('SELECT * FROM secrets WHERE repo_id = ? AND name = ?', [repoId, name]);
    if (!row) throw new NotFoundError(`secret ${name} not found`);
    return toSecret(row);
  }

  async list(repoId: string): Promise<SecretRecord[]> {
    return (await this.#db.all(
        'SELECT repo_id, name, allow_pull_request, created_at, updated_at FROM secrets WHERE repo_id = ? ORDER BY name',
        [repoId],
      ))
      .map(toSecret);
  }

  async reveal(repoId: string, names: readonly string[]): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    for (const name of new Set(names)) {
      const row = await this.#db.get(
        'SELECT key_id, nonce, ciphertext, auth_tag FROM secrets WHERE repo_id = ? AND name = ?',
        [repoId, name],
      );
      if (!row) continue;
      values[name] = this.#cipher.open(repoId, name, {
        keyId: text(row, 'key_id'),
        nonce: blob(row, 'nonce'),
        ciphertext: blob(row, 'ciphertext'),
        tag: blob(row, 'auth_tag'),
      });
    }
    return values;
  }

  async delete(repoId: string, name: string): Promise<void> {
    const changed = await this.#db.run('DELETE FROM secrets WHERE repo_id = ? AND name = ?', [repoId, name]);
    if (changed === 0) throw new NotFoundError(`secret ${name} not found`);
  }
}

function toSecret(row: Row): SecretRecord {
  return {
    repoId: text(row, 'repo_id'),
    name: text(row, 'name'),
    allowPullRequest: bool(row, 'allow_pull_request'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
