import type { LogLine } from '../records.ts';
import type { LogReadOptions, LogRepository } from '../types.ts';
import { int, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';

/** One row per line, keyed by (step_id, pos): appends are idempotent and reads are range scans. */
export class SqlLogRepository implements LogRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async append(stepId: string, lines: readonly LogLine[]): Promise<void> {
    if (lines.length === 0) return;
    try {
      await this.#db.transaction(async () => {
        for (const line of lines) {
          await this.#db.run(
            'INSERT INTO log_lines (step_id, pos, time, out) VALUES (?, ?, ?, ?) ON CONFLICT (step_id, pos) DO NOTHING',
            [stepId, line.pos, line.time, line.out],
          );
        }
      });
    } catch (error) {
      translateConstraint(error, `log of step ${stepId}`);
    }
  }

  async read(stepId: string, options: LogReadOptions = {}): Promise<LogLine[]> {
    const sql = 'SELECT pos, time, out FROM log_lines WHERE step_id = ? AND pos >= ? ORDER BY pos';
    const from = options.from ?? 0;
    const rows =
      options.limit === undefined
        ? await this.#db.all(sql, [stepId, from])
        : await this.#db.all(`${sql} LIMIT ?`, [stepId, from, options.limit]);
    return rows.map(toLine);
  }

  async count(stepId: string): Promise<number> {
    const row = await this.#db.get('SELECT COUNT(*) AS n FROM log_lines WHERE step_id = ?', [stepId]);
    return row ? int(row, 'n') : 0;
  }

  async deleteByStep(stepId: string): Promise<void> {
    await this.#db.run('DELETE FROM log_lines WHERE step_id = ?', [stepId]);
  }
}

function toLine(row: Row): LogLine {
  return { pos: int(row, 'pos'), time: int(row, 'time'), out: text(row, 'out') };
}
