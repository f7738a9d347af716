import { z } from 'zod';
import { defineTarget, type AttemptOutcome, type HttpReply } from '../contract.ts';
import { facts, titles, type Notification } from '../event.ts';
import { httpOutcome } from '../http.ts';
import { isRetryableStatus } from '../retry.ts';
import { truncate } from './text.ts';

/** For `parse_mode: HTML`, text must escape `&`, `<` and `>`; attribute values also `"`. */
export function escapeTelegram(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeTelegram(text).replace(/"/g, '&quot;');
}

/** A message may hold 4096 characters; the summary is cut well before so that tags stay whole. */
const SUMMARY_LIMIT = 3000;

/** The HTML text of a `sendMessage` call. */
export function telegramText(event: Notification): string {
  const lines = [`<b>${escapeTelegram(titles[event.kind])}</b>`, escapeTelegram(truncate(event.summary, SUMMARY_LIMIT))];
  for (const [label, value] of facts(event)) lines.push(`<i>${label}</i>: ${escapeTelegram(truncate(value, 100))}`);
  if (event.url) lines.push(`<a href="${escapeAttribute(event.url)}">Open</a>`);
  return lines.join('\n');
}

const telegramReply = z.object({
  ok: z.boolean(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional() }).optional(),
});

/** The Bot API answers `{ok:false, error_code, description, parameters.retry_after}` when it refuses. */
export function interpretTelegram(reply: HttpReply): AttemptOutcome {
  let parsed: z.infer<typeof telegramReply> | undefined;
  try {
    parsed = telegramReply.parse(JSON.parse(reply.body));
  } catch {
    parsed = undefined;
  }
  if (!parsed) return httpOutcome(reply);
  if (parsed.ok && reply.status < 300) return { ok: true, status: reply.status };
  const code = parsed.error_code ?? reply.status;
  const retryAfter = parsed.parameters?.retry_after;
  return {
    ok: false,
    retryable: isRetryableStatus(code),
    status: reply.status,
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter * 1000 }),
    error: `Telegram ${code}: ${parsed.description ?? 'request refused'}`,
  };
}

export const telegramTarget = defineTarget({
  id: 'telegram',
  description: 'Telegram Bot API sendMessage (HTML)',
  configSchema: z.strictObject({
    botToken: z.string().regex(/^\d+:[\w-]+$/, 'expected a bot token as BotFather gives it (123456:ABC-DEF…)'),
    chatId: z.union([z.string().regex(/^(-?\d+|@\w{4,})$/, 'expected a numeric chat id or @channelusername'), z.number().int()]).transform(String),
    /** A local Bot API server, or another endpoint speaking the same API. */
    apiUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  secretFields: ['botToken'],
  format(event, config, context) {
    const base = (config.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
    return {
      url: `${base}/bot${config.botToken}/sendMessage`,
      headers: { 'content-type': 'application/json', 'user-agent': context.userAgent },
      body: JSON.stringify({ chat_id: config.chatId, text: telegramText(event), parse_mode: 'HTML', disable_web_page_preview: true }),
    };
  },
  interpret: interpretTelegram,
});
