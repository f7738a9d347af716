import { newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { TokenRecord, UserRecord } from '../records.ts';
import { generateToken, hashToken, sameHash } from '../token-hash.ts';
import type { CreatedToken, TokenOptions, TokenRepository } from '../types.ts';
import { int, nullable, optInt, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';
import { toUser } from './users.ts';

export class SqlTokenRepository implements TokenRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(userId: string, name: string, options: TokenOptions = {}): Promise<CreatedToken> {
    const token = generateToken();
    const id = newId();
    try {
      await this.#db.run(
        'INSERT INTO tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
        [id, userId, name, hashToken(token), this.#clock.now(), nullable(options.expiresAt)],
      );
    } catch (error) {
      translateConstraint(error, `token ${name}`);
    }
    const row = await this.#db.get('SELECT * FROM tokens WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`token ${id} not found`);
    return { token, record: toToken(row) };
  }

  async authenticate(plaintext: string): Promise<{ user: UserRecord; token: TokenRecord } | undefined> {
    // Looked up by hash: timing reveals at most a prefix of a hash, never of the token.
    const hash = hashToken(plaintext);
    const row = await this.#db.get('SELECT * FROM tokens WHERE token_hash = ?', [hash]);
    if (!row || !sameHash(text(row, 'token_hash'), hash)) return undefined;
    const now = this.#clock.now();
    const expiresAt = optInt(row, 'expires_at');
    if (expiresAt !== undefined && expiresAt <= now) return undefined;
    const id = text(row, 'id');
    await this.#db.run('UPDATE tokens SET last_used_at = ? WHERE id = ?', [now, id]);
    const userRow = await this.#db.get('SELECT * FROM users WHERE id = ?', [text(row, 'user_id')]);
    if (!userRow) return undefined;
    return { user: toUser(userRow), token: { ...toToken(row), lastUsedAt: now } };
  }

  async list(userId: string): Promise<TokenRecord[]> {
    return (await this.#db.all('SELECT * FROM tokens WHERE user_id = ? ORDER BY created_at, name', [userId])).map(toToken);
  }

  async revoke(id: string): Promise<void> {
    const changed = await this.#db.run('DELETE FROM tokens WHERE id = ?', [id]);
    if (changed === 0) throw new NotFoundError(`token ${id} not found`);
  }
}

function toToken(row: Row): TokenRecord {
  return {
    id: text(row, 'id'),
    userId: text(row, 'user_id'),
    name: text(row, 'name'),
    createdAt: int(row, 'created_at'),
    lastUsedAt: optInt(row, 'last_used_at'),
    expiresAt: optInt(row, 'expires_at'),
  };
}
