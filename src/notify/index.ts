/**
 * Outgoing notifications: generic JSON webhooks (optionally HMAC-signed),
 * Slack incoming webhooks and Telegram bots, routed per target by event kind
 * and environment, delivered through a durable queue with retries.
 *
 * Event sources call one entry point:
 *
 *   notifier.notify({ kind: 'preview.ready', repo: 'acme/api', environment: 'preview-feat-x',
 *                     url: 'https://feat-x.preview.example.com', summary: 'Preview of feat-x is ready' })
 *
 * It never throws and returns at once after queueing (the delivery happens
 * in the background). Kinds: see `notificationKinds`; a target that names
 * no events receives `attentionKinds`.
 */
export { Notifier, DELIVERY_JOB } from './notifier.ts';
export type { NotifierOptions } from './notifier.ts';
export { attentionKinds, notificationKinds, routableKinds } from './event.ts';
export type { Notification, NotificationInput, NotificationKind } from './event.ts';
export { targetKinds } from './contract.ts';
export type { TargetKind } from './contract.ts';
export type { TargetView } from './manage.ts';
export type { Delivery, DeliveryStatus } from './ports.ts';
export { defaultRetryPolicy } from './retry.ts';
export type { RetryPolicy } from './retry.ts';
export { GENERIC_SCHEMA, SIGNATURE_HEADER, verifySignature } from './formats/generic.ts';
