import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LiveEvent } from '../../builds/index.ts';
import { isFinished } from '../../builds/index.ts';
import type { LogLine } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';
import { openEventStream } from '../sse.ts';
import { slugOf } from './repos.ts';
import { buildParams } from './builds.ts';

/** How often a live stream also reads the store, for lines another replica writes. */
const STORE_POLL_MS = 1000;

const stepParams = buildParams.extend({ stage: z.coerce.number().int().positive(), step: z.coerce.number().int().positive() });
const logQuery = z.object({ from: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(100_000).optional() });

export function logRoutes(app: FastifyInstance, { store, builds }: AppContext): void {
  app.get('/api/repos/:namespace/:name/builds/:number/logs/:stage/:step', async (request) => {
    await guard(store, request, 'read');
    const { number, stage, step } = parseInput(stepParams, request.params, 'log path');
    const record = await builds.step(slugOf(request.params), number, stage, step);
    return store.logs.read(record.id, parseInput(logQuery, request.query, 'log query'));
  });

  /**
   * Server-Sent Events: every stored line from `from` (or after the
   * `Last-Event-ID` a reconnecting client sends), then live lines as they
   * are written, then an `end` event once the step has finished.
   */
  app.get('/api/repos/:namespace/:name/builds/:number/logs/:stage/:step/stream', async (request, reply) => {
    await guard(store, request, 'read');
    const { number, stage, step } = parseInput(stepParams, request.params, 'log path');
    const { from } = parseInput(logQuery, request.query, 'log query');
    const record = await builds.step(slugOf(request.params), number, stage, step);
    const lastEventId = Number(request.headers['last-event-id']);
    let next = Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId + 1 : (from ?? 0);

    const stream = openEventStream(reply);
    const send = (lines: readonly LogLine[]) => {
      for (const line of lines) {
        if (line.pos < next) continue;
        stream.send('line', line, line.pos);
        next = line.pos + 1;
      }
    };
    // Subscribe before reading the store so no line falls between the two.
    const buffered: LiveEvent[] = [];
    let replaying = true;
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      stream.send('end', { next });
      stream.end();
    };
    const unsubscribe = builds.live.subscribe(record.id, (event) => {
      if (replaying) buffered.push(event);
      else if (event.type === 'lines') send(event.lines);
      else void catchUpAndFinish();
    });
    const catchUpAndFinish = async () => {
      send(await store.logs.read(record.id, { from: next }));
      finish();
    };

    send(await store.logs.read(record.id, { from: next }));
    replaying = false;
    for (const event of buffered) {
      if (event.type === 'lines') send(event.lines);
      else await catchUpAndFinish();
    }
    if (!ended && isFinished((await store.steps.get(record.id)).status)) await catchUpAndFinish();
    // Lines written by another server replica are not published here: read them from the store too.
    const poll = setInterval(() => {
      void (async () => {
        if (ended) return;
        const finished = isFinished((await store.steps.get(record.id)).status);
        if (finished) await catchUpAndFinish();
        else send(await store.logs.read(record.id, { from: next }));
      })().catch(() => undefined);
    }, STORE_POLL_MS);
    await stream.closed;
    clearInterval(poll);
    unsubscribe();
  });
}
