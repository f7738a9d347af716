/**
 * The audit log: append-only and hash-chained (each entry holds the hash of
 * the one before it), with verification, JSON-lines export and retention.
 *
 * Recording, from any module wired by the server:
 *
 *   await audit.record({
 *     actor: user.login,                       // or 'system'
 *     action: 'promotion.approve',             // dotted verb
 *     target: { kind: 'service', id: 'api' },  // what it was done to
 *     environment: 'production',               // optional
 *     outcome: 'success',                      // optional, default 'success'
 *     details: { comment },                    // optional JSON, never secret values
 *   });
 *
 * The entry is durable when the promise resolves; appends from concurrent
 * callers and processes form one linear chain.
 */
export { AuditLog, present as presentAuditEntry } from './audit-log.ts';
export type { AuditEntry, AuditEvent, AuditPage, AuditQuery, PruneReport } from './audit-log.ts';
export type { VerifyReport } from './verify.ts';
export { canonicalJson } from './canonical-json.ts';
export { entryHash } from './hash.ts';
export { parseTimeBound } from './time-bound.ts';
