import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../src/audit/index.ts';
import { openStore } from '../src/store/index.ts';
import { elapsedMs, summarise } from './stats.ts';

/**
 * What the audit log adds to a mutating request (one hashed append in its
 * own transaction on a real SQLite file), and how fast a chain of `entries`
 * verifies and exports.
 */
export async function auditBench(entries: number): Promise<{
  appendMs: ReturnType<typeof summarise>;
  verifyEntriesPerSecond: number;
  exportEntriesPerSecond: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-audit-'));
  const store = await openStore({ path: join(dir, 'trunkline.db'), secretKey: Buffer.alloc(32, 7) });
  try {
    const log = new AuditLog({ store });
    const samples: number[] = [];
    for (let i = 0; i < entries; i += 1) {
      const start = process.hrtime.bigint();
      await log.record({
        actor: 'bench',
        action: 'build.trigger',
        target: { kind: 'build', id: `acme/api#${i}` },
        details: { event: 'push', ref: 'refs/heads/main', commit: 'f'.repeat(40) },
      });
      samples.push(elapsedMs(start));
    }
    let start = process.hrtime.bigint();
    const report = await log.verify();
    if (!report.ok) throw new Error(`bench chain does not verify: ${JSON.stringify(report.firstBad)}`);
    const verifyMs = elapsedMs(start);
    start = process.hrtime.bigint();
    let lines = 0;
    for await (const line of log.export()) lines += line.length > 0 ? 1 : 0;
    const exportMs = elapsedMs(start);
    return {
      appendMs: summarise(samples),
      verifyEntriesPerSecond: Math.round((report.checked / verifyMs) * 1000),
      exportEntriesPerSecond: Math.round((lines / exportMs) * 1000),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
