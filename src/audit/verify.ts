import type { AuditChainState, AuditRecord } from '../store/index.ts';
import { entryHash } from './hash.ts';

export interface VerifyReport {
  ok: boolean;
  /** Entries whose links and hashes were checked before the first bad one (or all). */
  checked: number;
  /** The first entry where the chain breaks, and why. */
  firstBad?: { seq: number; reason: string };
  /** The range removed by retention: verification starts after it, at the anchor. */
  pruned?: { throughSeq: number; count: number; before: string | null };
  /** The newest entry the chain state records. */
  head: { seq: number; hash: string };
}

/**
 * Walks stored entries in seq order from the anchor to the head: each must
 * have the next seq, carry the previous entry's hash, and hash to its own
 * `hash`. Catches a changed, deleted, inserted or reordered entry, and a
 * truncated tail (the head is kept apart from the entries).
 */
export async function verifyChain(chain: AuditChainState, entries: AsyncIterable<AuditRecord>): Promise<VerifyReport> {
  const base = {
    head: { seq: chain.headSeq, hash: chain.headHash },
    ...(chain.prunedCount > 0 || chain.anchorSeq > 1
      ? {
          pruned: {
            throughSeq: chain.anchorSeq - 1,
            count: chain.prunedCount,
            before: chain.prunedBefore === undefined ? null : new Date(chain.prunedBefore).toISOString(),
          },
        }
      : {}),
  };
  let expected = chain.anchorSeq;
  let previous = chain.anchorHash;
  let checked = 0;
  const bad = (seq: number, reason: string): VerifyReport => ({ ok: false, checked, firstBad: { seq, reason }, ...base });
  for await (const entry of entries) {
    if (entry.seq < chain.anchorSeq) return bad(entry.seq, `entry ${entry.seq} lies in the pruned range (before the anchor ${chain.anchorSeq}): it was inserted`);
    if (entry.seq > chain.headSeq) return bad(entry.seq, `entry ${entry.seq} lies after the recorded head ${chain.headSeq}: it was inserted`);
    if (entry.seq !== expected) {
      const missing = expected === entry.seq - 1 ? `entry ${expected} is` : `entries ${expected}..${entry.seq - 1} are`;
      return bad(expected, `${missing} missing: deleted`);
    }
    if (entry.prevHash !== previous) {
      return bad(entry.seq, `prevHash does not match the hash of entry ${entry.seq - 1}: an entry before it was changed, replaced or reordered`);
    }
    if (entryHash(entry) !== entry.hash) return bad(entry.seq, 'the content does not match its hash: the entry was changed');
    previous = entry.hash;
    expected += 1;
    checked += 1;
  }
  if (expected <= chain.headSeq) {
    const missing = expected === chain.headSeq ? `entry ${expected} is` : `entries ${expected}..${chain.headSeq} are`;
    return bad(expected, `${missing} missing: deleted from the end`);
  }
  if (previous !== chain.headHash) return bad(chain.headSeq, 'the last entry does not match the recorded head hash: it was changed or replaced');
  return { ok: true, checked, ...base };
}
