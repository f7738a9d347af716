import type { Delivery, TargetView } from '../../notify/index.ts';
import type { ApiClient } from '../client.ts';

const write = (text: string) => process.stdout.write(text);

export interface NotifyAddOptions {
  kind: string;
  url?: string;
  secret?: string;
  botToken?: string;
  chatId?: string;
  apiUrl?: string;
  event: string[];
  env: string[];
}

/** `notify add NAME --kind slack --url …`: settings go to the server once and are never shown again. */
export async function notifyAddCommand(client: ApiClient, name: string, options: NotifyAddOptions): Promise<void> {
  const body = {
    name,
    kind: options.kind,
    url: options.url,
    secret: options.secret,
    botToken: options.botToken,
    chatId: options.chatId,
    apiUrl: options.apiUrl,
    events: options.event.length > 0 ? options.event : undefined,
    environments: options.env.length > 0 ? options.env : undefined,
  };
  const target = await client.post<TargetView>('/api/notifications/targets', body);
  write(`notification target ${target.name} (${target.kind}) added: ${describeRouting(target)}\n`);
}

export async function notifyListCommand(client: ApiClient): Promise<void> {
  for (const target of await client.get<TargetView[]>('/api/notifications/targets')) {
    write(`${target.name}\t${target.kind}\t${describeRouting(target)}\n`);
  }
}

export async function notifyRemoveCommand(client: ApiClient, name: string): Promise<void> {
  await client.request('DELETE', `/api/notifications/targets/${encodeURIComponent(name)}`);
  write(`notification target ${name} removed\n`);
}

/** Sends a test message; fails (exit 1) when the target did not accept it. */
export async function notifyTestCommand(client: ApiClient, name: string): Promise<void> {
  const delivery = await client.post<Delivery>(`/api/notifications/targets/${encodeURIComponent(name)}/test`);
  if (delivery.status !== 'delivered') throw new Error(`test message to ${name} not delivered: ${delivery.lastError ?? delivery.status}`);
  write(`test message delivered to ${name} (HTTP ${delivery.responseStatus ?? '?'})\n`);
}

export async function notifyDeliveriesCommand(client: ApiClient, options: { target?: string; limit?: number }): Promise<void> {
  const query = new URLSearchParams();
  if (options.target) query.set('target', options.target);
  if (options.limit) query.set('limit', String(options.limit));
  for (const d of await client.get<Delivery[]>(`/api/notifications/deliveries?${query.toString()}`)) {
    const detail = d.lastError ? `\t${d.lastError}` : '';
    write(`${new Date(d.updatedAt).toISOString()}\t${d.target}\t${d.eventKind}\t${d.status}\t${d.attempts} attempt(s)${detail}\n`);
  }
}

function describeRouting(target: TargetView): string {
  const events = target.events ? target.events.join(',') : 'default events';
  const environments = target.environments ? target.environments.join(',') : 'all environments';
  return `${events}; ${environments}`;
}
