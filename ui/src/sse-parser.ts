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
  private carriageReturn = '';

  push(chunk: string): SseEvent[] {
    // A chunk may end between the \r and \n of one line break: keep that \r for the next chunk.
    let text = this.carriageReturn + chunk;
    this.carriageReturn = text.endsWith('\r') ? '\r' : '';
    if (this.carriageReturn) text = text.slice(0, -1);
    this.buffer += text.replace(/\r\n?/g, '\n');
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
