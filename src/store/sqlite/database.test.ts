import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConflictError, NotFoundError } from '../../core/index.ts';
import { translateConstraint } from '../sql/index.ts';
import { SqliteDatabase } from './database.ts';

async function tables(): Promise<SqliteDatabase> {
  const db = new SqliteDatabase(':memory:', 1000);
  await db.exec('CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE child (id TEXT PRIMARY KEY, parent_id TEXT REFERENCES parent (id))');
  return db;
}

async function ids(db: SqliteDatabase): Promise<unknown[]> {
  return (await db.all('SELECT id FROM parent ORDER BY rowid')).map((row) => row['id']);
}

test('a failed transaction leaves nothing behind', async () => {
  const db = await tables();
  await assert.rejects(
    db.transaction(async () => {
      await db.run('INSERT INTO parent (id) VALUES (?)', ['a']);
      throw new Error('stop');
    }),
    /stop/,
  );
  assert.deepEqual(await ids(db), []);
  await db.close();
});

test('a failed nested transaction rolls back only its own work', async () => {
  const db = await tables();
  await db.transaction(async () => {
    await db.run('INSERT INTO parent (id) VALUES (?)', ['outer']);
    await assert.rejects(
      db.transaction(async () => {
        await db.run('INSERT INTO parent (id) VALUES (?)', ['inner']);
        throw new Error('inner fails');
      }),
    );
  });
  assert.deepEqual(await ids(db), ['outer']);
  await db.close();
});

test('statements of other flows wait while a transaction spans awaits, and are not rolled back with it', async () => {
  const db = await tables();
  let proceed!: () => void;
  const paused = new Promise<void>((resolve) => (proceed = resolve));
  const failing = db.transaction(async () => {
    await db.run('INSERT INTO parent (id) VALUES (?)', ['in-transaction']);
    await paused;
    throw new Error('rolled back');
  });
  const outside = db.run('INSERT INTO parent (id) VALUES (?)', ['outside']);
  const seen = db.all('SELECT id FROM parent');
  proceed();
  await assert.rejects(failing, /rolled back/);
  assert.equal(await outside, 1);
  assert.deepEqual((await seen).map((row) => row['id']), ['outside']);
  assert.deepEqual(await ids(db), ['outside']);
  await db.close();
});

test('transactions take turns', async () => {
  const db = await tables();
  await db.exec('CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)');
  const increment = (): Promise<void> =>
    db.transaction(async () => {
      const row = await db.get('SELECT n FROM counter');
      await Promise.resolve();
      await db.run('UPDATE counter SET n = ?', [Number(row?.['n']) + 1]);
    });
  await Promise.all(Array.from({ length: 20 }, increment));
  assert.equal((await db.get('SELECT n FROM counter'))?.['n'], 20);
  await db.close();
});

test('constraint failures become domain errors', async () => {
  const db = await tables();
  await db.run('INSERT INTO parent (id) VALUES (?)', ['a']);
  const translated = (sql: string, params: string[], what: string): Promise<never> =>
    db.run(sql, params).then(
      () => assert.fail('expected a failure'),
      (error: unknown) => translateConstraint(error, what),
    );
  await assert.rejects(translated('INSERT INTO parent (id) VALUES (?)', ['a'], 'parent a'), (error: unknown) =>
    error instanceof ConflictError && error.message === 'parent a already exists');
  await assert.rejects(translated('INSERT INTO child (id, parent_id) VALUES (?, ?)', ['c', 'missing'], 'child c'), NotFoundError);
  await assert.rejects(translated('INSERT INTO nowhere (id) VALUES (?)', ['1'], 'x'), /no such table/);
  await db.close();
});
