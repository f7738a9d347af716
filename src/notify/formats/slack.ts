import { z } from 'zod';
import { defineTarget } from '../contract.ts';
import { facts, titles, type Notification } from '../event.ts';
import { httpOutcome } from '../http.ts';
import { truncate } from './text.ts';

/**
 * Slack's three control characters in mrkdwn and `text`: `&`, `<` and `>`
 * must be sent as HTML entities, or `<…>` would be read as a link or mention.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<url|label>`; `|` in the URL would end it early, so it is percent-encoded. */
function link(url: string, label: string): string {
  return `<${escapeSlack(url).replace(/\|/g, '%7C')}|${escapeSlack(label)}>`;
}

/** A section's text may hold at most 3000 characters. */
const SECTION_LIMIT = 3000;

export interface SlackMessage {
  text: string;
  blocks: unknown[];
}

/** An incoming-webhook message: `text` is the notification fallback, `blocks` the Block Kit layout. */
export function slackMessage(event: Notification): SlackMessage {
  const title = titles[event.kind];
  const heading = `*${escapeSlack(title)}*${event.url ? ` · ${link(event.url, 'open')}` : ''}`;
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${heading}\n${escapeSlack(event.summary)}`, SECTION_LIMIT) } },
  ];
  const pairs = facts(event);
  if (pairs.length > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncate(pairs.map(([label, value]) => `*${label}:* ${escapeSlack(value)}`).join('   '), SECTION_LIMIT) }],
    });
  }
  return { text: truncate(escapeSlack(`${title}: ${event.summary}`), SECTION_LIMIT), blocks };
}

export const slackTarget = defineTarget({
  id: 'slack',
  description: 'Slack incoming webhook (Block Kit message)',
  configSchema: z.strictObject({ url: z.url({ protocol: /^https?$/, error: 'expected the incoming webhook URL' }) }),
  secretFields: ['url'],
  format(event, config, context) {
    return {
      url: config.url,
      headers: { 'content-type': 'application/json', 'user-agent': context.userAgent },
      body: JSON.stringify(slackMessage(event)),
    };
  },
  interpret: httpOutcome,
});
