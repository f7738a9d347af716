import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, afterEach, beforeEach, test } from 'node:test';
import fc from 'fast-check';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/index.ts';
import { AuditLog, type AuditEvent } from './audit-log.ts';

const root = mkdtempSync(join(tmpdir(), 'trunkline-audit-'));
const secretKey = Buffer.alloc(32, 3);
let path: string;
let store: Store;
let log: AuditLog;
let time = Date.parse('2026-01-01T00:00:00Z');
let count = 0;

beforeEach(async () => {
  count += 1;
  path = join(root, `audit-${count}.db`);
  store = await openStore({ path, secretKey });
  log = new AuditLog({ store, clock: { now: () => time } });
});
afterEach(async () => {
  await store.close();
});
after(() => rmSync(root, { recursive: true, force: true }));

const event = (i: number, patch: Partial<AuditEvent> = {}): AuditEvent => ({
  actor: i % 2 ? 'ada' : 'bob',
  action: i % 3 ? 'build.trigger' : 'sync.start',
  target: { kind: 'build', id: `acme/api#${i}` },
  details: { number: i, branch: 'main' },
  ...patch,
});

async function fill(n: number): Promise<void> {
  for (let i = 1; i <= n; i += 1) {
    time += 60_000;
    await log.record(event(i, i === 3 ? { environment: 'production', outcome: 'denied' } : {}));
  }
}

/** Edits the file behind the store's back, as someone with disk access would. */
function tamper(sql: string, ...params: (string | number)[]): void {
  const db = new DatabaseSync(path);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

test('an untouched chain verifies', async () => {
  assert.deepEqual(await log.verify(), { ok: true, checked: 0, head: { seq: 0, hash: '0'.repeat(64) } });
  await fill(5);
  const report = await log.verify();
  assert.equal(report.ok, true);
  assert.equal(report.checked, 5);
  assert.equal(report.firstBad, undefined);
});

test('recorded entries carry their place in the chain and read back as given', async () => {
  const first = await log.record(event(1, { details: { z: 1, a: { y: [1, 'two'] } } }));
  const second = await log.record(event(2, { environment: 'staging' }));
  assert.equal(first.seq, 1);
  assert.equal(second.prevHash, first.hash);
  assert.match(first.hash, /^[0-9a-f]{64}$/);
  assert.equal(first.outcome, 'success');
  assert.equal(first.environment, null);
  const page = await log.list({ order: 'asc' });
  assert.deepEqual(page.entries, [first, second]);
  assert.deepEqual(page.entries[0]?.details, { z: 1, a: { y: [1, 'two'] } });
  assert.equal(page.next, null);
});

for (const [column, value] of [
  ['details', '{"branch":"evil","number":2}'],
  ['actor', 'mallory'],
  ['at', 1],
  ['action', 'build.cancel'],
  ['target_id', 'acme/api#99'],
  ['environment', 'production'],
  ['outcome', 'denied'],
] as const) {
  test(`changing a stored entry's ${column} is detected at that entry`, async () => {
    await fill(4);
    tamper(`UPDATE audit_entries SET ${column} = ? WHERE seq = 2`, value);
    const report = await log.verify();
    assert.equal(report.ok, false);
    assert.deepEqual(report.firstBad, { seq: 2, reason: 'the content does not match its hash: the entry was changed' });
    assert.equal(report.checked, 1);
  });
}

test('a changed entry whose hash was recomputed breaks the link to the next one', async () => {
  await fill(4);
  const [entry] = (await store.audit.list({ order: 'asc', after: 1, limit: 1 }));
  assert.ok(entry);
  const { entryHash } = await import('./hash.ts');
  const forged = { ...entry, actor: 'mallory' };
  tamper('UPDATE audit_entries SET actor = ?, hash = ? WHERE seq = 2', 'mallory', entryHash(forged));
  const report = await log.verify();
  assert.equal(report.firstBad?.seq, 3);
  assert.match(report.firstBad?.reason ?? '', /prevHash does not match the hash of entry 2/);
});

test('deleting a middle entry is detected', async () => {
  await fill(5);
  tamper('DELETE FROM audit_entries WHERE seq = 3');
  assert.deepEqual((await log.verify()).firstBad, { seq: 3, reason: 'entry 3 is missing: deleted' });
});

test('deleting the newest entries is detected against the recorded head', async () => {
  await fill(5);
  tamper('DELETE FROM audit_entries WHERE seq >= 4');
  assert.deepEqual((await log.verify()).firstBad, { seq: 4, reason: 'entries 4..5 are missing: deleted from the end' });
});

test('reordering entries is detected', async () => {
  await fill(5);
  tamper('UPDATE audit_entries SET seq = -1 WHERE seq = 2');
  tamper('UPDATE audit_entries SET seq = 2 WHERE seq = 3');
  tamper('UPDATE audit_entries SET seq = 3 WHERE seq = -1');
  const report = await log.verify();
  assert.equal(report.firstBad?.seq, 2);
  assert.match(report.firstBad?.reason ?? '', /prevHash does not match the hash of entry 1/);
});

test('reordering by moving times is detected', async () => {
  await fill(3);
  tamper('UPDATE audit_entries SET at = at + 3600000 WHERE seq = 1');
  assert.equal((await log.verify()).firstBad?.seq, 1);
});

test('details that no longer parse are shown as text and fail verification', async () => {
  await fill(2);
  tamper('UPDATE audit_entries SET details = ? WHERE seq = 1', '{broken');
  const page = await log.list({ order: 'asc' });
  assert.deepEqual(page.entries[0]?.details, { unparsable: '{broken' });
  assert.equal((await log.verify()).firstBad?.seq, 1);
});

test('list filters and pages with the next cursor', async () => {
  await fill(7);
  const production = await log.list({ environment: 'production' });
  assert.deepEqual(production.entries.map((e) => e.seq), [3]);
  assert.deepEqual((await log.list({ action: 'sync' })).entries.map((e) => e.seq), [6, 3]);
  assert.deepEqual((await log.list({ action: 'sync.start.' })).entries.map((e) => e.seq), [6, 3]);
  assert.equal((await log.list({ actor: 'ada' })).entries.length, 4);
  const first = await log.list({ limit: 3 });
  assert.deepEqual(first.entries.map((e) => e.seq), [7, 6, 5]);
  assert.equal(first.next, '5');
  const second = await log.list({ limit: 3, after: first.next ?? '' });
  assert.deepEqual(second.entries.map((e) => e.seq), [4, 3, 2]);
  const last = await log.list({ limit: 3, after: second.next ?? '' });
  assert.deepEqual(last.entries.map((e) => e.seq), [1]);
  assert.equal(last.next, null);
  await assert.rejects(log.list({ after: 'x' }), /after: expected the "next" cursor/);
});

test('export gives JSON lines oldest first within the time range, across pages', async () => {
  const start = time;
  await fill(3);
  for (let i = 4; i <= 1203; i += 1) {
    time += 1000;
    await log.record(event(i));
  }
  const lines: string[] = [];
  for await (const line of log.export({ since: start + 60_000 * 2, until: start + 60_000 * 3 + 1 })) lines.push(line);
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as { seq: number }).seq), [2, 3]);
  assert.ok(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n')));
  let all = 0;
  for await (const line of log.export()) {
    assert.equal((JSON.parse(line) as { seq: number }).seq, all + 1);
    all += 1;
  }
  assert.equal(all, 1203);
});

test('retention prunes old entries, records the pruning, and the rest still verifies from the anchor', async () => {
  await fill(4);
  time += 10 * 86_400_000;
  await log.record(event(5));
  const report = await log.prune(5);
  assert.equal(report.removed, 4);
  assert.equal(report.anchorSeq, 5);
  const verified = await log.verify();
  assert.equal(verified.ok, true);
  assert.equal(verified.checked, 2);
  assert.deepEqual(verified.pruned, { throughSeq: 4, count: 4, before: new Date(time - 5 * 86_400_000).toISOString() });
  const newest = (await log.list({ limit: 1 })).entries[0];
  assert.equal(newest?.action, 'audit.prune');
  assert.equal(newest?.actor, 'system');
  assert.deepEqual((await log.prune(5)).removed, 0);
  tamper('UPDATE audit_entries SET actor = ? WHERE seq = 5', 'mallory');
  assert.equal((await log.verify()).firstBad?.seq, 5);
  await assert.rejects(log.prune(0), /expected a positive number of days/);
});

test('bad events are refused before anything is stored', async () => {
  await assert.rejects(log.record(event(1, { details: { n: Number.POSITIVE_INFINITY } })), /details\.n: expected a finite number/);
  await assert.rejects(log.record(event(1, { actor: '' })), /actor: expected a non-empty string/);
  await assert.rejects(log.record(event(1, { details: { big: 'x'.repeat(70_000) } })), /at most 65536 bytes/);
  assert.equal((await log.verify()).checked, 0);
});

test('property: any recorded contents verify, and changing any one entry is found at it', async () => {
  const text = fc.string({ minLength: 1, maxLength: 12 });
  const anEvent = fc.record({
    actor: text,
    action: text,
    target: fc.record({ kind: text, id: text }),
    environment: fc.option(text, { nil: undefined }),
    outcome: fc.option(text, { nil: undefined }),
    details: fc.dictionary(fc.string(), fc.jsonValue()),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(anEvent, { minLength: 1, maxLength: 8 }), fc.nat(), fc.constantFrom('actor', 'action', 'target_kind', 'details', 'at'), async (events, pick, column) => {
      await store.close();
      count += 1;
      path = join(root, `audit-${count}.db`);
      store = await openStore({ path, secretKey });
      log = new AuditLog({ store, clock: { now: () => time } });
      for (const e of events) await log.record(e);
      assert.equal((await log.verify()).ok, true);
      const seq = (pick % events.length) + 1;
      const value = column === 'at' ? 42 : column === 'details' ? '{"tampered":true}' : '\u0000tampered';
      tamper(`UPDATE audit_entries SET ${column} = ? WHERE seq = ?`, value, seq);
      assert.equal((await log.verify()).firstBad?.seq, seq);
    }),
    { numRuns: 40 },
  );
});
