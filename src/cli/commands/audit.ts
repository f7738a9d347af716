import type { Command } from 'commander';
import type { ApiClient } from '../client.ts';
import { positiveInteger } from '../options.ts';

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: { kind: string; id: string };
  environment: string | null;
  outcome: string;
  details: Record<string, unknown>;
}
interface Page {
  entries: Entry[];
  next: string | null;
}
interface VerifyReport {
  ok: boolean;
  checked: number;
  firstBad?: { seq: number; reason: string };
  pruned?: { throughSeq: number; count: number; before: string | null };
  head: { seq: number; hash: string };
}

export interface AuditListOptions {
  actor?: string;
  action?: string;
  environment?: string;
  since?: string;
  until?: string;
  limit?: number;
  after?: string;
  json?: boolean;
}

const write = (text: string) => process.stdout.write(text);

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function auditListCommand(client: ApiClient, options: AuditListOptions): Promise<void> {
  const { json, ...filters } = options;
  const page = await client.get<Page>(`/api/audit${query({ ...filters })}`);
  if (json) return void write(`${JSON.stringify(page, null, 2)}\n`);
  for (const e of page.entries) {
    const environment = e.environment ? ` [${e.environment}]` : '';
    write(`${String(e.seq).padStart(6)}  ${e.at}  ${e.actor.padEnd(16)} ${e.action.padEnd(20)} ${e.outcome.padEnd(8)} ${e.target.kind}:${e.target.id}${environment}\n`);
  }
  if (page.next) write(`more: --after ${page.next}\n`);
}

/** Returns 1 when the chain is broken. */
export async function auditVerifyCommand(client: ApiClient): Promise<number> {
  const report = await client.get<VerifyReport>('/api/audit/verify');
  if (report.pruned) write(`entries 1..${report.pruned.throughSeq} pruned by retention (${report.pruned.count}, before ${report.pruned.before ?? 'unknown'})\n`);
  if (report.ok) {
    write(`ok: ${report.checked} entries verified, head #${report.head.seq} ${report.head.hash}\n`);
    return 0;
  }
  write(`BROKEN at entry #${report.firstBad?.seq}: ${report.firstBad?.reason} (${report.checked} entries before it verified)\n`);
  return 1;
}

export async function auditExportCommand(client: ApiClient, options: { since?: string; until?: string }): Promise<void> {
  for await (const chunk of client.stream(`/api/audit/export${query(options)}`)) process.stdout.write(chunk);
}

/** `trunkline audit ls|verify|export`. */
export function auditCommands(cli: Command, client: () => ApiClient, run: <A extends unknown[]>(action: (...args: A) => Promise<number | void>) => (...args: A) => Promise<void>): void {
  const audit = cli.command('audit').description('the hash-chained audit log (release-manager or admin)');
  const time = 'ISO date or time, epoch ms, or an age such as 24h or 30d';
  audit
    .command('ls')
    .description('list entries, newest first')
    .option('--actor <login>', 'only this actor')
    .option('--action <prefix>', 'only these actions (e.g. build, access.denied)')
    .option('--environment <name>', 'only this environment')
    .option('--since <time>', time)
    .option('--until <time>', time)
    .option('--limit <n>', 'at most this many (default 100, max 1000)', positiveInteger)
    .option('--after <cursor>', 'continue a listing where "more" said')
    .option('--json', 'print the API answer', false)
    .action(run((o: AuditListOptions) => auditListCommand(client(), o)));
  audit.command('verify').description('check the hash chain; exit 1 when it is broken').action(run(() => auditVerifyCommand(client())));
  audit
    .command('export')
    .description('print entries oldest first as JSON lines')
    .option('--since <time>', time)
    .option('--until <time>', time)
    .action(run((o: { since?: string; until?: string }) => auditExportCommand(client(), o)));
}
