import { NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { NotificationDeliveryRecord, NotificationDeliveryStatus } from '../records.ts';
import type { NotificationDeliveryInput, NotificationDeliveryQuery, NotificationDeliveryRepository } from '../types.ts';
import { int, nullable, optInt, optText, text } from './columns.ts';
import type { Database, Params, Row } from './database.ts';

/** Delivery outcomes, bounded to the newest `keep` rows so the table never grows without end. */
export class SqlNotificationDeliveryRepository implements NotificationDeliveryRepository {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #keep: number;

  constructor(db: Database, clock: Clock, keep = 1000) {
    this.#db = db;
    this.#clock = clock;
    this.#keep = keep;
  }

  async save(input: NotificationDeliveryInput): Promise<NotificationDeliveryRecord> {
    const now = this.#clock.now();
    await this.#db.transaction(async () => {
      await this.#db.run(
        `INSERT INTO notification_deliveries (id, target, event_id, event_kind, status, attempts, response_status, last_error,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
           response_status = excluded.response_status, last_error = excluded.last_error, updated_at = excluded.updated_at`,
        [
          input.id,
          input.target,
          input.eventId,
          input.eventKind,
          input.status,
          input.attempts,
          nullable(input.responseStatus),
          nullable(input.lastError),
          now,
          now,
        ],
      );
      await this.#db.run(
        `DELETE FROM notification_deliveries WHERE seq <= (
           SELECT seq FROM notification_deliveries ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
        [this.#keep],
      );
    });
    return this.get(input.id);
  }

  async get(id: string): Promise<NotificationDeliveryRecord> {
    const row = await this.#db.get('SELECT * FROM notification_deliveries WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`notification delivery ${id} not found`);
    return toDelivery(row);
  }

  async list(query: NotificationDeliveryQuery = {}): Promise<NotificationDeliveryRecord[]> {
    const params: Params = [];
    let where = '';
    if (query.target !== undefined) {
      where = ' WHERE target = ?';
      params.push(query.target);
    }
    params.push(query.limit ?? 50);
    return (await this.#db.all(`SELECT * FROM notification_deliveries${where} ORDER BY seq DESC LIMIT ?`, params)).map(toDelivery);
  }
}

function toDelivery(row: Row): NotificationDeliveryRecord {
  const responseStatus = optInt(row, 'response_status');
  const lastError = optText(row, 'last_error');
  return {
    id: text(row, 'id'),
    target: text(row, 'target'),
    eventId: text(row, 'event_id'),
    eventKind: text(row, 'event_kind'),
    status: text(row, 'status') as NotificationDeliveryStatus,
    attempts: int(row, 'attempts'),
    ...(responseStatus === undefined ? {} : { responseStatus }),
    ...(lastError === undefined ? {} : { lastError }),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
