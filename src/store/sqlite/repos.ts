import { ConfigError, newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { RepoRecord, Visibility } from '../records.ts';
import type { RepoInput, RepoPatch, RepoRepository } from '../types.ts';
import { bool, int, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';
import { updateRow } from './update.ts';

export class SqliteRepoRepository implements RepoRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(input: RepoInput): Promise<RepoRecord> {
    const now = this.#clock.now();
    const id = newId();
    try {
      this.#db.run(
        `INSERT INTO repos (id, namespace, name, clone_url, default_branch, visibility, config_path,
           timeout_minutes, trusted, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          input.namespace,
          input.name,
          input.cloneUrl,
          input.defaultBranch ?? 'main',
          input.visibility ?? 'private',
          input.configPath ?? '.drone.yml',
          input.timeoutMinutes ?? 60,
          input.trusted ? 1 : 0,
          now,
          now,
        ],
      );
    } catch (error) {
      translateConstraint(error, `repository ${input.namespace}/${input.name}`);
    }
    return this.get(id);
  }

  async get(id: string): Promise<RepoRecord> {
    const row = this.#db.get('SELECT * FROM repos WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`repository ${id} not found`);
    return toRepo(row);
  }

  async find(namespace: string, name: string): Promise<RepoRecord | undefined> {
    const row = this.#db.get('SELECT * FROM repos WHERE namespace = ? AND name = ?', [namespace, name]);
    return row && toRepo(row);
  }

  async getBySlug(slug: string): Promise<RepoRecord> {
    const cut = slug.indexOf('/');
    if (cut <= 0 || cut === slug.length - 1) {
      throw new ConfigError(`repository slug must be namespace/name, got ${JSON.stringify(slug)}`);
    }
    const repo = await this.find(slug.slice(0, cut), slug.slice(cut + 1));
    if (!repo) throw new NotFoundError(`repository ${slug} not found`);
    return repo;
  }

  async list(): Promise<RepoRecord[]> {
    return this.#db.all('SELECT * FROM repos ORDER BY namespace, name').map(toRepo);
  }

  async update(id: string, patch: RepoPatch): Promise<RepoRecord> {
    const columns: Record<string, string | number> = { updated_at: this.#clock.now() };
    if (patch.cloneUrl !== undefined) columns['clone_url'] = patch.cloneUrl;
    if (patch.defaultBranch !== undefined) columns['default_branch'] = patch.defaultBranch;
    if (patch.visibility !== undefined) columns['visibility'] = patch.visibility;
    if (patch.configPath !== undefined) columns['config_path'] = patch.configPath;
    if (patch.timeoutMinutes !== undefined) columns['timeout_minutes'] = patch.timeoutMinutes;
    if (patch.trusted !== undefined) columns['trusted'] = patch.trusted ? 1 : 0;
    updateRow(this.#db, 'repos', id, columns);
    return this.get(id);
  }
}

function toRepo(row: Row): RepoRecord {
  const namespace = text(row, 'namespace');
  const name = text(row, 'name');
  return {
    id: text(row, 'id'),
    namespace,
    name,
    slug: `${namespace}/${name}`,
    cloneUrl: text(row, 'clone_url'),
    defaultBranch: text(row, 'default_branch'),
    visibility: text(row, 'visibility') as Visibility,
    configPath: text(row, 'config_path'),
    timeoutMinutes: int(row, 'timeout_minutes'),
    trusted: bool(row, 'trusted'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
