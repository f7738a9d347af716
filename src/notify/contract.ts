import type { z } from 'zod';
import type { Notification } from './event.ts';

/** The target formats Trunkline speaks. */
export const targetKinds = ['generic', 'slack', 'telegram'] as const;
export type TargetKind = (typeof targetKinds)[number];

/** One HTTP POST, fully formed. `url` may hold a secret (a bot token): it is never logged or stored in errors. */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The receiver's answer to one attempt. */
export interface HttpReply {
  status: number;
  headers: Headers;
  /** The first few kilobytes of the body. */
  body: string;
}

/** What one attempt came to; `retryable` failures are tried again later. */
export type AttemptOutcome =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; status?: number; retryAfterMs?: number; error: string };

/** Facts about the delivery a format may put in the request. */
export interface DeliveryContext {
  /** Unique per (event, target); the same on every retry. */
  deliveryId: string;
  /** `Trunkline/<version>`. */
  userAgent: string;
}

/**
 * A target format. `format` turns an event into the request the receiver
 * documents; `interpret` reads its answer (a chat API may say `ok:false`
 * with 200, or name a `retry_after`). Formats are pure: the shared
 * delivery code sends, times out and retries.
 */
export interface TargetDefinition<C> {
  id: TargetKind;
  description: string;
  /** The target's settings, validated at the API boundary and again before each send. */
  configSchema: z.ZodType<C>;
  /** Settings stored encrypted and never returned by the API (webhook URLs, tokens, signing secrets). */
  secretFields: readonly string[];
  format(event: Notification, config: C, context: DeliveryContext): OutgoingRequest;
  interpret(reply: HttpReply): AttemptOutcome;
}

/** Declares a target format; registered in `targets.ts`, with no import side effects. */
export function defineTarget<C>(definition: TargetDefinition<C>): TargetDefinition<C> {
  return definition;
}
