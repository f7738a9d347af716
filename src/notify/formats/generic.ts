import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { defineTarget } from '../contract.ts';
import type { Notification } from '../event.ts';
import { httpOutcome } from '../http.ts';

/** The payload's schema name; a change that is not backward compatible gets a new version. */
export const GENERIC_SCHEMA = 'trunkline.notification/v1';

export const SIGNATURE_HEADER = 'x-trunkline-signature-256';

/** The generic JSON body (documented in the README). Absent facts are `null`, so every key is always there. */
export interface GenericPayload {
  schema: typeof GENERIC_SCHEMA;
  id: string;
  kind: string;
  /** ISO 8601, UTC. */
  occurredAt: string;
  summary: string;
  repo: string | null;
  service: string | null;
  environment: string | null;
  version: string | null;
  url: string | null;
  actor: string | null;
}

export function genericPayload(event: Notification): GenericPayload {
  return {
    schema: GENERIC_SCHEMA,
    id: event.id,
    kind: event.kind,
    occurredAt: new Date(event.at).toISOString(),
    summary: event.summary,
    repo: event.repo ?? null,
    service: event.service ?? null,
    environment: event.environment ?? null,
    version: event.version ?? null,
    url: event.url ?? null,
    actor: event.actor ?? null,
  };
}

/** `sha256=` and the hex HMAC-SHA256 of the exact body bytes, as GitHub signs its webhooks. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** For receivers (and tests): whether the signature header matches the body, in constant time. */
export function verifySignature(body: string, secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

export const genericTarget = defineTarget({
  id: 'generic',
  description: 'JSON POST to any URL, optionally signed with HMAC-SHA256',
  configSchema: z.strictObject({ url: httpUrl, secret: z.string().min(1).optional() }),
  secretFields: ['url', 'secret'],
  format(event, config, context) {
    const body = JSON.stringify(genericPayload(event));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': context.userAgent,
      'x-trunkline-event': event.kind,
      'x-trunkline-delivery': context.deliveryId,
    };
    if (config.secret) headers[SIGNATURE_HEADER] = sign(body, config.secret);
    return { url: config.url, headers, body };
  },
  interpret: httpOutcome,
});
