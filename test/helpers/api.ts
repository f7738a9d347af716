/** A minimal JSON client for tests that checks nothing itself: tests assert on status and body. */
export function api(base: string, token?: string) {
  return async function call<T = unknown>(method: string, path: string, body?: unknown, as?: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(as ?? token ? { authorization: `Bearer ${as ?? token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

/** Reads a Server-Sent Events stream to its end; returns the events. */
export async function readEvents(url: string, token: string): Promise<{ event: string; id?: string; data: unknown }[]> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`SSE ${url}: HTTP ${response.status}`);
  const text = await response.text();
  return text
    .split('\n\n')
    .map((block) => Object.fromEntries(block.split('\n').filter((l) => l && !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()])))
    .filter((fields) => fields.event)
    .map((fields) => ({ event: fields.event!, id: fields.id, data: fields.data ? JSON.parse(fields.data) : undefined }));
}
