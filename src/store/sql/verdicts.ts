import { ConfigError, InternalError, newId } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { checkDigest, sha256Of } from '../digest.ts';
import type { VerdictRecord } from '../records.ts';
import type { VerdictInput, VerdictRepository } from '../types.ts';
import { bool, flag, int, json, nullable, optText, text } from './columns.ts';
import type { Database, Row } from './database.ts';

export class SqlVerdictRepository implements VerdictRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async record(input: VerdictInput): Promise<VerdictRecord> {
    checkDigest(input.digest, 'digest');
    if (input.reportDigest !== undefined) checkDigest(input.reportDigest, 'reportDigest');
    for (const [severity, count] of Object.entries(input.counts)) {
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new ConfigError(`counts.${severity}: expected a count, found ${String(count)}`);
      }
    }
    const row = await this.#db.get(
      `INSERT INTO verdicts (id, digest, passed, summary, counts, policy, policy_hash, report_digest, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       RETURNING *`,
      [
        newId(),
        input.digest,
        flag(input.passed),
        input.summary,
        JSON.stringify(input.counts),
        input.policy,
        sha256Of(input.policy),
        nullable(input.reportDigest),
        input.createdAt ?? this.#clock.now(),
      ],
    );
    if (!row) throw new InternalError(`verdict on ${input.digest} was not returned by its insert`);
    return toVerdict(row);
  }

  async latest(digest: string): Promise<VerdictRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM verdicts WHERE digest = ? ORDER BY created_at DESC, seq DESC LIMIT 1', [digest]);
    return row ? toVerdict(row) : undefined;
  }
}

function toVerdict(row: Row): VerdictRecord {
  const record: VerdictRecord = {
    id: text(row, 'id'),
    digest: text(row, 'digest'),
    passed: bool(row, 'passed'),
    summary: text(row, 'summary'),
    counts: json<Record<string, number>>(row, 'counts'),
    policy: text(row, 'policy'),
    policyHash: text(row, 'policy_hash'),
    createdAt: int(row, 'created_at'),
  };
  const reportDigest = optText(row, 'report_digest');
  if (reportDigest !== undefined) record.reportDigest = reportDigest;
  return record;
}
