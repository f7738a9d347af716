/** What only Postgres does: advisory locks that hand over when their holder dies, and LISTEN/NOTIFY signals. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openStore } from '../open.ts';
import type { Store } from '../types.ts';
import { testDatabaseUrlIfAny } from '../test-store.test-helper.ts';

const url = testDatabaseUrlIfAny();
const secretKey = Buffer.alloc(32, 9);

describe('Postgres engine', { skip: url ? false : 'TRUNKLINE_TEST_DATABASE_URL is not set' }, () => {
  const schema = `t_engine_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  let first: Store;
  let second: Store;
  let admin: pg.Client;
  before(async () => {
    first = await openStore({ url: url!, schema, secretKey });
    second = await openStore({ url: url!, schema, secretKey });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  after(async () => {
    await first.close();
    await second.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  test('a lock has one holder; releasing it lets the other take it', async () => {
    const held = await first.locks.tryAcquire('controller');
    assert.ok(held);
    assert.equal(await second.locks.tryAcquire('controller'), undefined);
    assert.ok(await second.locks.tryAcquire('another'), 'locks are per name');
    await held.release();
    const next = await second.locks.tryAcquire('controller');
    assert.ok(next);
    await next.release();
  });

  test("a holder whose connection dies loses the lock, learns it, and the other takes over", async () => {
    const name = `leader-${randomUUID()}`;
    const held = await first.locks.tryAcquire(name);
    assert.ok(held);
    assert.equal(await second.locks.tryAcquire(name), undefined);
    // The database ends the holder's session, as when its process or network dies.
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = (hashtextextended($1, 0) & 4294967295)::oid`,
      [`trunkline:${name}`],
    );
    assert.equal(rows.length, 1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    const reason = await held.lost;
    assert.match(reason.message, new RegExp(`lock ${name} lost`));
    const taken = await second.locks.tryAcquire(name);
    assert.ok(taken, 'the lock is free once its session ended');
    await taken.release();
  });

  test('a signal reaches subscribers in every process, and unsubscribing stops it', async () => {
    const channel = `trunkline.test.${randomUUID()}`;
    const received: string[] = [];
    let arrived!: () => void;
    const both = new Promise<void>((resolve) => (arrived = resolve));
    const stopFirst = await first.signals.subscribe(channel, (payload) => {
      received.push(`first:${payload}`);
      if (received.length === 2) arrived();
    });
    const stopSecond = await second.signals.subscribe(channel, (payload) => {
      received.push(`second:${payload}`);
      if (received.length === 2) arrived();
    });
    await second.signals.publish(channel, 'queued');
    await both;
    assert.deepEqual(received.sort(), ['first:queued', 'second:queued']);
    await stopFirst();
    await stopSecond();
    await assert.rejects(first.signals.publish(channel, 'x'.repeat(8000)), RangeError);
  });
});
