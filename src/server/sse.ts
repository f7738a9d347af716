import type { FastifyReply } from 'fastify';

/**
 * A Server-Sent Events response on a raw Node response: headers first,
 * then `send` per event; `closed` resolves when the client goes away.
 */
export function openEventStream(reply: FastifyReply): { send(event: string, data: unknown, id?: number): void; end(): void; closed: Promise<void> } {
  const response = reply.raw;
  reply.hijack();
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.write(': stream open\n\n');
  const closed = new Promise<void>((resolve) => response.on('close', () => resolve()));
  return {
    send(event, data, id) {
      if (response.writableEnded) return;
      const idLine = id === undefined ? '' : `id: ${id}\n`;
      response.write(`${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (!response.writableEnded) response.end();
    },
    closed,
  };
}
