import type { z } from 'zod';
import { ExternalError, messageOf } from '../../../core/index.ts';
import type { PullRequestTarget } from './contract.ts';

/**
 * POSTs a JSON body once (opening a pull request is not idempotent: no
 * blind retry) and parses the answer; a refusal or an unexpected answer is
 * an `ExternalError` with the host's status and message, never the token.
 */
export async function postForJson<S extends z.ZodType>(
  what: string,
  target: PullRequestTarget,
  path: string,
  headers: Record<string, string>,
  body: unknown,
  schema: S,
): Promise<z.output<S>> {
  const url = `${target.apiUrl.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new ExternalError(`${what}: ${hide(messageOf(error), target.token)}`, { url });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ExternalError(`${what}: HTTP ${response.status}: ${hide(text.slice(0, 500), target.token)}`, { url, status: response.status });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ExternalError(`${what}: the answer is not JSON`, { url, status: response.status });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ExternalError(`${what}: unexpected answer: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { url });
  return parsed.data;
}

/** `/a/b` with each segment escaped (a group path stays one segment where the API wants it so). */
export function pathOf(...segments: string[]): string {
  return segments.map((s) => `/${encodeURIComponent(s)}`).join('');
}

function hide(text: string, token: string): string {
  return token ? text.split(token).join('[token]') : text;
}
