import { ConfigError, newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { RepoProvider, RepoRecord, Visibility } from '../records.ts';
import type { SecretCipher } from '../secret-cipher.ts';
import type { RepoHostSecrets, RepoInput, RepoPatch, RepoRepository } from '../types.ts';
import { bool, int, nullable, optText, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';
import { HAS_HOST_SECRETS, readHostSecrets, writeHostSecrets } from './repo-host-secrets.ts';
import { updateRow } from './update.ts';

const SELECT_REPOS = `SELECT repos.*, ${HAS_HOST_SECRETS} FROM repos`;

export class SqlRepoRepository implements RepoRepository {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #cipher: SecretCipher;

  constructor(db: Database, clock: Clock, cipher: SecretCipher) {
    this.#db = db;
    this.#clock = clock;
    this.#cipher = cipher;
  }

  async create(input: RepoInput): Promise<RepoRecord> {
    const now = this.#clock.now();
    const id = newId();
    try {
      await this.#db.transaction(async () => {
        await this.#db.run(
          `INSERT INTO repos (id, namespace, name, clone_url, default_branch, visibility, config_path,
             timeout_minutes, trusted, provider, api_url, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
            input.provider ?? 'git',
            nullable(input.apiUrl),
            now,
            now,
          ],
        );
        await writeHostSecrets(this.#db, this.#cipher, id, input, now);
      });
    } catch (error) {
      translateConstraint(error, `repository ${input.namespace}/${input.name}`);
    }
    return this.get(id);
  }

  async get(id: string): Promise<RepoRecord> {
    const row = await this.#db.get(`${SELECT_REPOS} WHERE id = ?`, [id]);
    if (!row) throw new NotFoundError(`repository ${id} not found`);
    return toRepo(row);
  }

  async find(namespace: string, name: string): Promise<RepoRecord | undefined> {
    const row = await this.#db.get(`${SELECT_REPOS} WHERE namespace = ? AND name = ?`, [namespace, name]);
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
    return (await this.#db.all(`${SELECT_REPOS} ORDER BY namespace, name`)).map(toRepo);
  }

  async update(id: string, patch: RepoPatch): Promise<RepoRecord> {
    const now = this.#clock.now();
    const columns: Record<string, string | number | null> = { updated_at: now };
    if (patch.cloneUrl !== undefined) columns['clone_url'] = patch.cloneUrl;
    if (patch.defaultBranch !== undefined) columns['default_branch'] = patch.defaultBranch;
    if (patch.visibility !== undefined) columns['visibility'] = patch.visibility;
    if (patch.configPath !== undefined) columns['config_path'] = patch.configPath;
    if (patch.timeoutMinutes !== undefined) columns['timeout_minutes'] = patch.timeoutMinutes;
    if (patch.trusted !== undefined) columns['trusted'] = patch.trusted ? 1 : 0;
    if (patch.provider !== undefined) columns['provider'] = patch.provider;
    if (patch.apiUrl !== undefined) columns['api_url'] = patch.apiUrl;
    await this.#db.transaction(async () => {
      await updateRow(this.#db, 'repos', id, columns);
      await writeHostSecrets(this.#db, this.#cipher, id, patch, now);
    });
    return this.get(id);
  }

  async revealHostSecrets(id: string): Promise<RepoHostSecrets> {
    if (!await this.#db.get('SELECT 1 AS found FROM repos WHERE id = ?', [id])) throw new NotFoundError(`repository ${id} not found`);
    return await readHostSecrets(this.#db, this.#cipher, id);
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
    provider: text(row, 'provider') as RepoProvider,
    apiUrl: optText(row, 'api_url'),
    hasWebhookSecret: bool(row, 'has_webhook_secret'),
    hasCredentials: bool(row, 'has_credentials'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
