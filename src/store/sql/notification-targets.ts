import { ConfigError, newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { checkDnsLabel } from '../names.ts';
import type { NotificationTargetRecord } from '../records.ts';
import type { SecretCipher } from '../secret-cipher.ts';
import type { NotificationTargetInput, NotificationTargetPatch, NotificationTargetRepository } from '../types.ts';
import { blob, int, json, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';

/** Names the sealed value in its associated data. */
const FIELD = 'secrets';

/**
 * Notification targets. The secret settings are sealed together as one JSON
 * object bound to the target's id, so a row copied onto another target
 * fails to open instead of revealing its webhook URL or bot token.
 */
export class SqlNotificationTargetRepository implements NotificationTargetRepository {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #cipher: SecretCipher;

  constructor(db: Database, clock: Clock, cipher: SecretCipher) {
    this.#db = db;
    this.#clock = clock;
    this.#cipher = cipher;
  }

  async create(input: NotificationTargetInput): Promise<NotificationTargetRecord> {
    checkDnsLabel(input.name, 'name');
    const now = this.#clock.now();
    const id = newId();
    const sealed = this.#seal(id, input.secrets);
    try {
      await this.#db.run(
        `INSERT INTO notification_targets (id, name, kind, events, environments, settings, secret_fields,
           key_id, nonce, ciphertext, auth_tag, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          input.name,
          input.kind,
          list(input.events),
          list(input.environments),
          JSON.stringify(input.settings),
          JSON.stringify(Object.keys(input.secrets).sort()),
          sealed.keyId,
          sealed.nonce,
          sealed.ciphertext,
          sealed.tag,
          now,
          now,
        ],
      );
    } catch (error) {
      translateConstraint(error, `notification target ${input.name}`);
    }
    return this.get(input.name);
  }

  async get(name: string): Promise<NotificationTargetRecord> {
    return toTarget(await this.#row(name));
  }

  async list(): Promise<NotificationTargetRecord[]> {
    return (await this.#db.all('SELECT * FROM notification_targets ORDER BY name')).map(toTarget);
  }

  async update(name: string, patch: NotificationTargetPatch): Promise<NotificationTargetRecord> {
    await this.#db.transaction(async () => {
      const row = await this.#row(name);
      const columns: Record<string, string | number | Buffer | null> = { updated_at: this.#clock.now() };
      if (patch.events !== undefined) columns['events'] = list(patch.events);
      if (patch.environments !== undefined) columns['environments'] = list(patch.environments);
      if (patch.settings !== undefined) columns['settings'] = JSON.stringify(patch.settings);
      if (patch.secrets !== undefined) {
        const sealed = this.#seal(text(row, 'id'), patch.secrets);
        Object.assign(columns, {
          secret_fields: JSON.stringify(Object.keys(patch.secrets).sort()),
          key_id: sealed.keyId,
          nonce: sealed.nonce,
          ciphertext: sealed.ciphertext,
          auth_tag: sealed.tag,
        });
      }
      const names = Object.keys(columns);
      await this.#db.run(`UPDATE notification_targets SET ${names.map((c) => `${c} = ?`).join(', ')} WHERE name = ?`, [
        ...names.map((c) => columns[c] ?? null),
        name,
      ]);
    });
    return this.get(name);
  }

  async delete(name: string): Promise<void> {
    if (await this.#db.run('DELETE FROM notification_targets WHERE name = ?', [name]) === 0) {
      throw new NotFoundError(`notification target ${name} not found`);
    }
  }

  async revealSecrets(name: string): Promise<Record<string, string>> {
    const row = await this.#row(name);
    const id = text(row, 'id');
    const sealed = { keyId: text(row, 'key_id'), nonce: blob(row, 'nonce'), ciphertext: blob(row, 'ciphertext'), tag: blob(row, 'auth_tag') };
    try {
      return JSON.parse(this.#cipher.open(id, FIELD, sealed, 'notification-target')) as Record<string, string>;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`secrets of notification target ${name}: ${error.message}`, { target: name }, { cause: error });
    }
  }

  async #row(name: string): Promise<Row> {
    const row = await this.#db.get('SELECT * FROM notification_targets WHERE name = ?', [name]);
    if (!row) throw new NotFoundError(`notification target ${name} not found`);
    return row;
  }

  #seal(id: string, secrets: Record<string, string>): ReturnType<SecretCipher['seal']> {
    return this.#cipher.seal(id, FIELD, JSON.stringify(secrets), 'notification-target');
  }
}

function list(values: readonly string[] | null | undefined): string | null {
  return values == null ? null : JSON.stringify(values);
}

function toTarget(row: Row): NotificationTargetRecord {
  return {
    id: text(row, 'id'),
    name: text(row, 'name'),
    kind: text(row, 'kind'),
    ...(row['events'] == null ? {} : { events: json<string[]>(row, 'events') }),
    ...(row['environments'] == null ? {} : { environments: json<string[]>(row, 'environments') }),
    settings: json<Record<string, unknown>>(row, 'settings'),
    secretFields: json<string[]>(row, 'secret_fields'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
