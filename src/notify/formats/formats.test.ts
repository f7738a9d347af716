import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Notification } from '../event.ts';
import { GENERIC_SCHEMA, genericTarget, sign, SIGNATURE_HEADER, verifySignature } from './generic.ts';
import { escapeSlack, slackMessage, slackTarget } from './slack.ts';
import { escapeTelegram, interpretTelegram, telegramTarget, telegramText } from './telegram.ts';

const context = { deliveryId: 'd-1', userAgent: 'Trunkline/test' };
const event: Notification = {
  id: 'e-1',
  kind: 'build.failed',
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  summary: 'Build #7 of acme/api failed on main: fix <b> & "quotes"',
  repo: 'acme/api',
  version: '#7 0123abcd',
  url: 'https://ci.example.com/repos/acme/api/builds/7?a=1&b=2',
  actor: 'ada',
};

test('generic: a versioned payload with every key, signed over the exact body', () => {
  const config = genericTarget.configSchema.parse({ url: 'https://hooks.example.com/in', secret: 's3cret' });
  const request = genericTarget.format(event, config, context);
  assert.equal(request.url, 'https://hooks.example.com/in');
  assert.deepEqual(JSON.parse(request.body), {
    schema: GENERIC_SCHEMA,
    id: 'e-1',
    kind: 'build.failed',
    occurredAt: '2026-01-02T03:04:05.000Z',
    summary: event.summary,
    repo: 'acme/api',
    service: null,
    environment: null,
    version: '#7 0123abcd',
    url: event.url,
    actor: 'ada',
  });
  assert.equal(request.headers['x-trunkline-event'], 'build.failed');
  assert.equal(request.headers['x-trunkline-delivery'], 'd-1');
  const signature = request.headers[SIGNATURE_HEADER];
  assert.match(signature ?? '', /^sha256=[0-9a-f]{64}$/);
  assert.ok(verifySignature(request.body, 's3cret', signature));
  assert.ok(!verifySignature(request.body, 'other', signature));
  assert.ok(!verifySignature(`${request.body} `, 's3cret', signature));
  assert.ok(!verifySignature(request.body, 's3cret', undefined));
});

test('generic: no signature header without a secret; only http(s) URLs; unknown settings refused', () => {
  const request = genericTarget.format(event, genericTarget.configSchema.parse({ url: 'http://127.0.0.1:9/x' }), context);
  assert.equal(request.headers[SIGNATURE_HEADER], undefined);
  assert.equal(genericTarget.configSchema.safeParse({ url: 'ftp://example.com/x' }).success, false);
  assert.equal(genericTarget.configSchema.safeParse({ url: 'https://example.com', sekret: 'typo' }).success, false);
});

test('generic: the signature is HMAC-SHA256 of the body (known vector)', () => {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
  assert.equal(sign('what do ya want for nothing?', 'Jefe'), 'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});

test('slack: &, < and > are escaped everywhere; the link keeps its URL', () => {
  const message = slackMessage(event);
  assert.equal(message.text, 'Build failed: Build #7 of acme/api failed on main: fix &lt;b&gt; &amp; "quotes"');
  const [section, contextBlock] = message.blocks as { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[];
  assert.equal(section?.type, 'section');
  assert.equal(section?.text?.type, 'mrkdwn');
  assert.equal(
    section?.text?.text,
    '*Build failed* · <https://ci.example.com/repos/acme/api/builds/7?a=1&amp;b=2|open>\nBuild #7 of acme/api failed on main: fix &lt;b&gt; &amp; "quotes"',
  );
  assert.equal(contextBlock?.type, 'context');
  assert.equal(contextBlock?.elements?.[0]?.text, '*repo:* acme/api   *version:* #7 0123abcd   *by:* ada');
  const request = slackTarget.format(event, slackTarget.configSchema.parse({ url: 'https://hooks.slack.com/services/T/B/X' }), context);
  assert.deepEqual(JSON.parse(request.body), message);
});

test('slack: a mention or link in the summary cannot become one', () => {
  const text = slackMessage({ ...event, summary: '<!channel> <https://evil.example|click>' }).text;
  assert.ok(!text.includes('<'));
  assert.ok(text.includes('&lt;!channel&gt;'));
});

test('telegram: HTML text with escaped values, sendMessage body, token only in the URL', () => {
  const config = telegramTarget.configSchema.parse({ botToken: '123456:ABC-def_9', chatId: -1001234 });
  const request = telegramTarget.format(event, config, context);
  assert.equal(request.url, 'https://api.telegram.org/bot123456:ABC-def_9/sendMessage');
  const body = JSON.parse(request.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['chat_id', 'disable_web_page_preview', 'parse_mode', 'text']);
  assert.equal(body['chat_id'], '-1001234');
  assert.equal(body['parse_mode'], 'HTML');
  assert.equal(body['disable_web_page_preview'], true);
  assert.equal(
    body['text'],
    [
      '<b>Build failed</b>',
      'Build #7 of acme/api failed on main: fix &lt;b&gt; &amp; "quotes"',
      '<i>repo</i>: acme/api',
      '<i>version</i>: #7 0123abcd',
      '<i>by</i>: ada',
      '<a href="https://ci.example.com/repos/acme/api/builds/7?a=1&amp;b=2">Open</a>',
    ].join('\n'),
  );
  assert.ok(!request.body.includes('ABC-def_9'));
});

test('telegram: settings are checked; a local Bot API server may be named', () => {
  assert.equal(telegramTarget.configSchema.safeParse({ botToken: 'not a token', chatId: '1' }).success, false);
  assert.equal(telegramTarget.configSchema.safeParse({ botToken: '1:a', chatId: 'general' }).success, false);
  const config = telegramTarget.configSchema.parse({ botToken: '1:a', chatId: '@release_news', apiUrl: 'http://127.0.0.1:8081/' });
  assert.equal(telegramTarget.format(event, config, context).url, 'http://127.0.0.1:8081/bot1:a/sendMessage');
});

test('telegram: ok:false answers are failures; 429 carries retry_after; 400 is final', () => {
  const reply = (status: number, body: unknown) => ({ status, headers: new Headers(), body: JSON.stringify(body) });
  assert.deepEqual(interpretTelegram(reply(200, { ok: true, result: { message_id: 1 } })), { ok: true, status: 200 });
  assert.deepEqual(
    interpretTelegram(reply(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 17', parameters: { retry_after: 17 } })),
    { ok: false, retryable: true, status: 429, retryAfterMs: 17_000, error: 'Telegram 429: Too Many Requests: retry after 17' },
  );
  assert.deepEqual(interpretTelegram(reply(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' })), {
    ok: false,
    retryable: false,
    status: 400,
    error: 'Telegram 400: Bad Request: chat not found',
  });
  const gateway = interpretTelegram({ status: 502, headers: new Headers(), body: '<html>Bad Gateway</html>' });
  assert.equal(gateway.ok, false);
  assert.equal(!gateway.ok && gateway.retryable, true);
});

test('escaping never leaves a raw <, > or a bare & (fuzzed)', () => {
  const bareAmpersand = /&(?!amp;|lt;|gt;)/;
  fc.assert(
    fc.property(fc.string(), (text) => {
      for (const escaped of [escapeSlack(text), escapeTelegram(text)]) {
        assert.ok(!escaped.includes('<') && !escaped.includes('>'));
        assert.ok(!bareAmpersand.test(escaped));
        assert.equal(escaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'), text);
      }
    }),
  );
});

test('every format gives a JSON body for any event text (fuzzed)', () => {
  const generic = genericTarget.configSchema.parse({ url: 'https://x.example', secret: 'k' });
  const slack = slackTarget.configSchema.parse({ url: 'https://x.example' });
  const telegram = telegramTarget.configSchema.parse({ botToken: '1:a', chatId: '1' });
  fc.assert(
    fc.property(fc.string({ maxLength: 5000 }), fc.option(fc.string(), { nil: undefined }), (summary, actor) => {
      const e: Notification = { ...event, summary, ...(actor === undefined ? {} : { actor }) };
      JSON.parse(genericTarget.format(e, generic, context).body);
      JSON.parse(slackTarget.format(e, slack, context).body);
      const text = telegramText(e);
      assert.ok(text.length <= 4096);
      JSON.parse(telegramTarget.format(e, telegram, context).body);
    }),
    { numRuns: 200 },
  );
});
