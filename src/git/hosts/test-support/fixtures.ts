import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Headers } from '../contract.ts';

/** A recorded delivery: the headers a host sends and the JSON body, as in the host's documentation. */
export interface Delivery {
  headers: Headers;
  body: unknown;
}

export function fixtureDir(host: 'gitea' | 'github' | 'gitlab'): string {
  return join(import.meta.dirname, '..', host, 'fixtures');
}

export function loadDelivery(host: 'gitea' | 'github' | 'gitlab', name: string): Delivery {
  return JSON.parse(readFileSync(join(fixtureDir(host), `${name}.json`), 'utf8')) as Delivery;
}

export function allDeliveries(host: 'gitea' | 'github' | 'gitlab'): Array<[string, Delivery]> {
  return readdirSync(fixtureDir(host))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file.slice(0, -'.json'.length), loadDelivery(host, file.slice(0, -'.json'.length))]);
}

export function hmacHex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
