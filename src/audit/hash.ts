import { createHash } from 'node:crypto';
import type { AuditUnsealed } from '../store/index.ts';
import { canonicalJson } from './canonical-json.ts';

/**
 * The hash of an entry: sha256 (hex) over the canonical JSON of its fields
 * and the previous entry's hash. `details` enters as its stored canonical
 * text, so a verifier needs no JSON parser agreement beyond this rule:
 *
 *   sha256(canonicalJson({ v: 1, seq, at, actor, action, target: {kind, id},
 *                          environment: string | null, outcome, details: "<text>", prevHash }))
 */
export function entryHash(entry: AuditUnsealed): string {
  const fields = {
    v: 1,
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: { kind: entry.target.kind, id: entry.target.id },
    environment: entry.environment ?? null,
    outcome: entry.outcome,
    details: entry.details,
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}
