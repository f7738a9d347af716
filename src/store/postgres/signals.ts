import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { SignalRepository } from '../types.ts';

const MAX_PAYLOAD_BYTES = 7000;

/**
 * LISTEN/NOTIFY: one connection of this process listens to every channel
 * subscribed here; `NOTIFY` goes through the pool. If the listening
 * connection breaks, a new one listens again (messages sent meanwhile are
 * lost, which subscribers tolerate by catching up from the store).
 */
export class PostgresSignals implements SignalRepository {
  readonly #connect: () => Promise<pg.PoolClient>;
  readonly #publish: (channel: string, payload: string) => Promise<void>;
  readonly #emitter = new EventEmitter().setMaxListeners(0);
  #listener: Promise<pg.PoolClient> | undefined;
  #closed = false;

  constructor(connect: () => Promise<pg.PoolClient>, publish: (channel: string, payload: string) => Promise<void>) {
    this.#connect = connect;
    this.#publish = publish;
  }

  async publish(channel: string, payload: string): Promise<void> {
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new RangeError(`signal on ${channel}: payload over ${MAX_PAYLOAD_BYTES} bytes`);
    await this.#publish(channel, payload);
  }

  async subscribe(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    const client = await this.#client();
    if (this.#emitter.listenerCount(channel) === 0) await client.query(`LISTEN ${quote(channel)}`);
    this.#emitter.on(channel, listener);
    return async () => {
      this.#emitter.off(channel, listener);
      if (this.#emitter.listenerCount(channel) === 0 && !this.#closed) await client.query(`UNLISTEN ${quote(channel)}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const listener = await this.#listener?.catch(() => undefined);
    this.#listener = undefined;
    listener?.release(true);
  }

  #client(): Promise<pg.PoolClient> {
    this.#listener ??= this.#connect().then((client) => {
      client.on('notification', (message) => this.#emitter.emit(message.channel, message.payload ?? ''));
      client.on('error', () => {
        client.release(true);
        this.#listener = undefined;
        if (!this.#closed) void this.#relisten();
      });
      return client;
    });
    return this.#listener;
  }

  async #relisten(): Promise<void> {
    try {
      const client = await this.#client();
      for (const channel of this.#emitter.eventNames()) await client.query(`LISTEN ${quote(String(channel))}`);
    } catch {
      this.#listener = undefined;
      if (!this.#closed) setTimeout(() => void this.#relisten(), 1000).unref();
    }
  }
}

function quote(channel: string): string {
  return `"${channel.replaceAll('"', '""')}"`;
}
