import { authHeaders } from './api.ts';
import { SseParser, type SseEvent } from './sse-parser.ts';

export type { SseEvent };

/**
 * Follows an SSE endpoint with the Authorization header (which EventSource
 * cannot send), reconnecting with `Last-Event-ID` after a dropped connection
 * until the server sends `end` or `stop` is called.
 */
export function follow(url: string, onEvent: (event: SseEvent) => void): () => void {
  const controller = new AbortController();
  let lastId: string | undefined;
  let ended = false;
  const run = async () => {
    for (let attempt = 0; !ended && !controller.signal.aborted; attempt++) {
      try {
        const response = await fetch(url, {
          headers: { ...authHeaders(), accept: 'text/event-stream', ...(lastId === undefined ? {} : { 'last-event-id': lastId }) },
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        attempt = 0;
        const parser = new SseParser();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const event of parser.push(value)) {
            if (event.id !== undefined) lastId = event.id;
            if (event.event === 'end') ended = true;
            onEvent(event);
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      if (!ended) await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
    }
  };
  void run();
  return () => controller.abort();
}
