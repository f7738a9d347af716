import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncWindow } from '../config/index.ts';
import { evaluateWindows, isOpen } from './windows.ts';

const officeHours: SyncWindow = { kind: 'allow', schedule: '0 9 * * 1-5', duration: '8h', timeZone: 'Europe/Berlin' };

test('an allow window is open from its opening for its duration, in its time zone', () => {
  // Monday 2026-11-23: Berlin is UTC+1 in winter, so 09:00 Berlin = 08:00 UTC.
  assert.equal(isOpen(officeHours, new Date('2026-11-23T07:59:00Z')), false);
  assert.equal(isOpen(officeHours, new Date('2026-11-23T08:00:00Z')), true);
  assert.equal(isOpen(officeHours, new Date('2026-11-23T15:59:00Z')), true);
  assert.equal(isOpen(officeHours, new Date('2026-11-23T16:00:00Z')), false);
  // Saturday: no opening.
  assert.equal(isOpen(officeHours, new Date('2026-11-28T10:00:00Z')), false);
  // Summer time: 09:00 Berlin = 07:00 UTC.
  assert.equal(isOpen(officeHours, new Date('2026-06-15T07:30:00Z')), true);
  assert.equal(isOpen(officeHours, new Date('2026-06-15T15:30:00Z')), false);
});

test('a window spanning midnight and the DST change keeps its length in real time', () => {
  // Opens Saturday 22:00 Berlin for 8h; on 2026-03-28/29 clocks jump 02:00 → 03:00.
  const freeze: SyncWindow = { kind: 'deny', schedule: '0 22 * * 6', duration: '8h', timeZone: 'Europe/Berlin' };
  // 22:00 CET = 21:00 UTC on Saturday; 8 hours later = 05:00 UTC Sunday (07:00 CEST).
  assert.equal(isOpen(freeze, new Date('2026-03-28T21:00:00Z')), true);
  assert.equal(isOpen(freeze, new Date('2026-03-29T04:59:00Z')), true);
  assert.equal(isOpen(freeze, new Date('2026-03-29T05:00:00Z')), false);
  // A window opening inside the skipped hour (02:30 does not exist that night) still opens, an hour later on the wall clock.
  const skipped: SyncWindow = { kind: 'allow', schedule: '30 2 * * *', duration: '30m', timeZone: 'Europe/Berlin' };
  assert.equal(isOpen(skipped, new Date('2026-03-28T01:45:00Z')), true, '02:45 CET the day before');
  assert.equal(isOpen(skipped, new Date('2026-03-29T00:45:00Z')), false, '01:45 CET, before the jump');
  assert.equal(isOpen(skipped, new Date('2026-03-29T01:45:00Z')), true, '03:45 CEST, just after the jump');
  assert.equal(isOpen(skipped, new Date('2026-03-29T02:05:00Z')), false, 'closed after its 30 minutes');
});

test('deny wins over allow; with allow windows, none open means no sync', () => {
  const deny: SyncWindow = { kind: 'deny', schedule: '0 12 * * *', duration: '1h', timeZone: 'UTC' };
  const inBoth = evaluateWindows([officeHours, deny], new Date('2026-11-23T12:30:00Z'));
  assert.equal(inBoth.allowed, false);
  assert.match(inBoth.reason, /deny window "0 12 \* \* \* for 1h UTC"/);
  const night = evaluateWindows([officeHours], new Date('2026-11-23T22:00:00Z'));
  assert.equal(night.allowed, false);
  assert.match(night.reason, /outside every allow window/);
  assert.equal(evaluateWindows([officeHours], new Date('2026-11-23T10:00:00Z')).allowed, true);
  assert.equal(evaluateWindows([deny], new Date('2026-11-23T10:00:00Z')).allowed, true);
  assert.equal(evaluateWindows([], new Date()).allowed, true);
});
