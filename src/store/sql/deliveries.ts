import type { Clock } from '../../core/index.ts';
import type { DeliveryRepository } from '../types.ts';
import type { Database } from './database.ts';

export class SqlDeliveryRepository implements DeliveryRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async record(provider: string, deliveryId: string): Promise<boolean> {
    // One statement against the primary key: whichever connection inserts
    // first wins, every later one changes nothing.
    const changed = await this.#db.run(
      `INSERT INTO webhook_deliveries (provider, delivery_id, received_at) VALUES (?, ?, ?)
       ON CONFLICT (provider, delivery_id) DO NOTHING`,
      [provider, deliveryId, this.#clock.now()],
    );
    return changed > 0;
  }

  async prune(olderThan: number): Promise<number> {
    return await this.#db.run('DELETE FROM webhook_deliveries WHERE received_at < ?', [olderThan]);
  }
}
