import { authHeaders } from './api.ts';

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/**
 * Splits a Server-Sent Events text stream into events. Feed it chunks; it
 * keeps the unfinished tail for the next chunk. Pure, so it is unit-tested.
 */
export class SseParser {
  private buffer = '';

  push(chunk: string): SseEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const events: SseEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
      }
      if (data.length > 0 || event !== 'message') events.push({ event, ...(id === undefined ? {} : { id }), data: data.join('\n') });
    }
    return events;
  }
}

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
