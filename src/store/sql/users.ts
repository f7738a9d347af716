import { newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { Role, UserRecord } from '../records.ts';
import type { UserInput, UserPatch, UserRepository } from '../types.ts';
import { int, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';
import { updateRow } from './update.ts';

/** Logins are unique regardless of case, as on the git hosts they come from. */
function loginKey(login: string): string {
  return login.toLowerCase();
}

export class SqlUserRepository implements UserRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(input: UserInput): Promise<UserRecord> {
    const now = this.#clock.now();
    const id = newId();
    try {
      await this.#db.run(
        `INSERT INTO users (id, login, login_key, name, email, role, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          input.login,
          loginKey(input.login),
          input.name ?? '',
          input.email ?? '',
          input.role ?? 'viewer',
          now,
          now,
        ],
      );
    } catch (error) {
      translateConstraint(error, `user ${input.login}`);
    }
    return this.get(id);
  }

  async get(id: string): Promise<UserRecord> {
    const row = await this.#db.get('SELECT * FROM users WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`user ${id} not found`);
    return toUser(row);
  }

  async findByLogin(login: string): Promise<UserRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM users WHERE login_key = ?', [loginKey(login)]);
    return row && toUser(row);
  }

  async list(): Promise<UserRecord[]> {
    return (await this.#db.all('SELECT * FROM users ORDER BY login_key')).map(toUser);
  }

  async update(id: string, patch: UserPatch): Promise<UserRecord> {
    const columns: Record<string, string | number> = { updated_at: this.#clock.now() };
    if (patch.name !== undefined) columns['name'] = patch.name;
    if (patch.email !== undefined) columns['email'] = patch.email;
    if (patch.role !== undefined) columns['role'] = patch.role;
    await updateRow(this.#db, 'users', id, columns);
    return this.get(id);
  }
}

export function toUser(row: Row): UserRecord {
  return {
    id: text(row, 'id'),
    login: text(row, 'login'),
    name: text(row, 'name'),
    email: text(row, 'email'),
    role: text(row, 'role') as Role,
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
