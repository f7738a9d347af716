import { ConfigError, systemClock } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import type { AuditListQuery, AuditRecord, AuditTarget, Store } from '../store/index.ts';
import { canonicalJson } from './canonical-json.ts';
import { entryHash } from './hash.ts';
import { verifyChain, type VerifyReport } from './verify.ts';

/** What happened, as a caller tells it to `AuditLog.record`. */
export interface AuditEvent {
  /** A login, `system` for Trunkline's own work, `anonymous` for an unauthenticated caller. */
  actor: string;
  /** Dotted verb: `build.trigger`, `sync.start`, `promotion.approve`, `access.denied`… */
  action: string;
  /** What it was done to: `{ kind: 'build', id: 'acme/api#12' }`. */
  target: AuditTarget;
  environment?: string;
  /** Default `success`; also `denied`, `failure`, or a word of the caller's. */
  outcome?: string;
  /** JSON data (never secret values); at most 64 KiB as JSON. */
  details?: Record<string, unknown>;
}

/** An entry as the API and exports show it. */
export interface AuditEntry {
  seq: number;
  /** ISO 8601. */
  at: string;
  actor: string;
  action: string;
  target: AuditTarget;
  environment: string | null;
  outcome: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  actor?: string;
  /** `build` matches `build.trigger`; a full action matches itself. */
  action?: string;
  environment?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** Default 100, at most 1000. */
  limit?: number;
  /** The `next` cursor of the previous page. */
  after?: string;
  /** Default `desc`, newest first. */
  order?: 'asc' | 'desc';
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Cursor of the following page, `null` on the last one. */
  next: string | null;
}

export interface PruneReport {
  removed: number;
  /** Cutoff: entries older than this were eligible. */
  before: string;
  /** First seq still stored. */
  anchorSeq: number;
}

const maxDetailsBytes = 64 * 1024;
const pageSize = 500;
const dayMs = 86_400_000;

/**
 * The append-only, hash-chained audit log. Each entry's hash covers its
 * fields and the previous entry's hash, so a changed, removed or reordered
 * entry breaks the chain at that point (`verify`). Retention removes the
 * oldest entries and keeps an anchor so what remains still verifies.
 */
export class AuditLog {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(options: { store: Store; clock?: Clock }) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
  }

  /** Appends the event; the entry is durable when the promise resolves. */
  async record(event: AuditEvent): Promise<AuditEntry> {
    const details = canonicalJson(event.details ?? {}, 'details');
    if (!details.startsWith('{')) throw new ConfigError('details: expected an object');
    if (Buffer.byteLength(details) > maxDetailsBytes) throw new ConfigError(`details: at most ${maxDetailsBytes} bytes of JSON`);
    for (const [field, value] of [['actor', event.actor], ['action', event.action], ['target.kind', event.target.kind], ['target.id', event.target.id]] as const) {
      if (!value) throw new ConfigError(`${field}: expected a non-empty string`);
    }
    const record = await this.#store.audit.append(
      {
        at: this.#clock.now(),
        actor: event.actor,
        action: event.action,
        target: { kind: event.target.kind, id: event.target.id },
        ...(event.environment ? { environment: event.environment } : {}),
        outcome: event.outcome ?? 'success',
        details,
      },
      entryHash,
    );
    return present(record);
  }

  async list(query: AuditQuery = {}): Promise<AuditPage> {
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    const records = await this.#store.audit.list({ ...storeQuery(query), limit: limit + 1 });
    const more = records.length > limit;
    const entries = records.slice(0, limit).map(present);
    return { entries, next: more ? String(entries.at(-1)?.seq) : null };
  }

  /** Checks every stored entry from the anchor to the head. */
  async verify(): Promise<VerifyReport> {
    const chain = await this.#store.audit.chain();
    return verifyChain(chain, this.#all({}));
  }

  /** Entries oldest first as JSON lines (each ends with `\n`), read page by page. */
  async *export(range: { since?: number; until?: number } = {}): AsyncIterable<string> {
    for await (const record of this.#all(range)) yield `${JSON.stringify(present(record))}\n`;
  }

  /**
   * Removes entries older than `retentionDays` (a prefix of the chain) and
   * records the pruning itself as `audit.prune`.
   */
  async prune(retentionDays: number): Promise<PruneReport> {
    if (!(retentionDays > 0)) throw new ConfigError(`retention: expected a positive number of days, found ${retentionDays}`);
    const before = this.#clock.now() - retentionDays * dayMs;
    const { removed, chain } = await this.#store.audit.prune(before);
    const report = { removed, before: new Date(before).toISOString(), anchorSeq: chain.anchorSeq };
    if (removed > 0) {
      await this.record({ actor: 'system', action: 'audit.prune', target: { kind: 'audit', id: 'log' }, details: { ...report, retentionDays } });
    }
    return report;
  }

  async *#all(range: { since?: number; until?: number }): AsyncIterable<AuditRecord> {
    let after = 0;
    for (;;) {
      const page = await this.#store.audit.list({ ...range, order: 'asc', after, limit: pageSize });
      yield* page;
      const last = page.at(-1);
      if (!last || page.length < pageSize) return;
      after = last.seq;
    }
  }
}

function storeQuery(query: AuditQuery): AuditListQuery {
  const result: AuditListQuery = { order: query.order ?? 'desc' };
  if (query.actor) result.actor = query.actor;
  if (query.action) result.actionPrefix = query.action.replace(/\.+$/, '');
  if (query.environment) result.environment = query.environment;
  if (query.since !== undefined) result.since = query.since;
  if (query.until !== undefined) result.until = query.until;
  if (query.after !== undefined) {
    if (!/^\d+$/.test(query.after)) throw new ConfigError(`after: expected the "next" cursor of a previous page, found "${query.after}"`);
    result.after = Number(query.after);
  }
  return result;
}

/** The stored record as shown; details that no longer parse are shown as their text. */
export function present(record: AuditRecord): AuditEntry {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(record.details) as Record<string, unknown>;
  } catch {
    details = { unparsable: record.details };
  }
  return {
    seq: record.seq,
    at: new Date(record.at).toISOString(),
    actor: record.actor,
    action: record.action,
    target: record.target,
    environment: record.environment ?? null,
    outcome: record.outcome,
    details,
    prevHash: record.prevHash,
    hash: record.hash,
  };
}
