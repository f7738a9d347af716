import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConflictError, NotFoundError } from '../../core/index.ts';
import { Database, translateConstraint } from './database.ts';

function tables(): Database {
  const db = new Database(':memory:', 1000);
  db.exec('CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE child (id TEXT PRIMARY KEY, parent_id TEXT REFERENCES parent (id))');
  return db;
}

test('a failed transaction leaves nothing behind', () => {
  const db = tables();
  assert.throws(() =>
    db.transaction(() => {
      db.run('INSERT INTO parent (id) VALUES (?)', ['a']);
      throw new Error('stop');
    }),
  /stop/);
  assert.deepEqual(db.all('SELECT id FROM parent'), []);
  db.close();
});

test('a failed nested transaction rolls back only its own work', () => {
  const db = tables();
  db.transaction(() => {
    db.run('INSERT INTO parent (id) VALUES (?)', ['outer']);
    assert.throws(() =>
      db.transaction(() => {
        db.run('INSERT INTO parent (id) VALUES (?)', ['inner']);
        throw new Error('inner fails');
      }),
    );
  });
  assert.deepEqual(db.all('SELECT id FROM parent').map((row) => row['id']), ['outer']);
  db.close();
});

test('constraint failures become domain errors', () => {
  const db = tables();
  db.run('INSERT INTO parent (id) VALUES (?)', ['a']);
  assert.throws(() => {
    try {
      db.run('INSERT INTO parent (id) VALUES (?)', ['a']);
    } catch (error) {
      translateConstraint(error, 'parent a');
    }
  }, (error: unknown) => error instanceof ConflictError && error.message === 'parent a already exists');
  assert.throws(() => {
    try {
      db.run('INSERT INTO child (id, parent_id) VALUES (?, ?)', ['c', 'missing']);
    } catch (error) {
      translateConstraint(error, 'child c');
    }
  }, NotFoundError);
  assert.throws(() => {
    try {
      db.run('INSERT INTO nowhere (id) VALUES (1)');
    } catch (error) {
      translateConstraint(error, 'x');
    }
  }, /no such table/);
  db.close();
});
