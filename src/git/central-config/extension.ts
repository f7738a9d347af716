/**
 * One call to a Drone configuration extension: POST the signed
 * `{repo, build}` and read `{data}` back. 204 No Content (or, as Drone's
 * server treats it, an empty `data`) means "use the repository's own
 * file"; anything else that is not a 200 with a JSON body is the
 * extension's failure, reported as `ExternalError`.
 */
import { z } from 'zod';
import { ExternalError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { ConfigRequest } from './contract.ts';
import { droneConfigRequest } from './drone-request.ts';
import { signedRequestHeaders } from './http-signature.ts';

export interface ExtensionOptions {
  /** URL Drone calls `DRONE_YAML_ENDPOINT`. */
  endpoint: string;
  /** The shared secret (Drone's `DRONE_YAML_SECRET`). */
  secret: string;
  /** Default 60000, Drone's default. */
  timeoutMs?: number;
}

export type ExtensionAnswer = { kind: 'config'; text: string } | { kind: 'fallback' };

/** drone-go's `config.V1` media type. */
const acceptConfigV1 = 'application/vnd.drone.config.v1+json';
const defaultTimeoutMs = 60_000;
/** Longest body excerpt quoted in an error. */
const maxExcerpt = 300;

const answerSchema = z.object({ data: z.string(), kind: z.string().optional() });

export async function callExtension(
  name: string,
  extension: ExtensionOptions,
  request: ConfigRequest,
  io: { fetch: typeof fetch; clock: Clock },
): Promise<ExtensionAnswer> {
  const body = JSON.stringify(droneConfigRequest(request));
  const headers = signedRequestHeaders({ body, secret: extension.secret, now: io.clock.now(), accept: acceptConfigV1 });
  const timeoutMs = extension.timeoutMs ?? defaultTimeoutMs;
  const where = `configuration extension "${name}" (${extension.endpoint})`;
  let status: number;
  let text: string;
  try {
    const response = await io.fetch(extension.endpoint, {
      method: 'POST',
      headers,
      body,
      // Drone does not follow redirects from an extension either.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const why = timedOut ? `did not answer within ${timeoutMs} ms` : `is unreachable: ${causeOf(error)}`;
    throw new ExternalError(`${where} ${why}`, { extension: name, endpoint: extension.endpoint }, { cause: error });
  }
  if (status === 204) return { kind: 'fallback' };
  if (status !== 200) {
    const excerpt = text.trim().slice(0, maxExcerpt);
    throw new ExternalError(`${where} answered ${status}${excerpt ? `: ${excerpt}` : ''}`, {
      extension: name,
      endpoint: extension.endpoint,
      status,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ExternalError(`${where} answered 200 with a body that is not JSON`, { extension: name, endpoint: extension.endpoint, status });
  }
  const answer = answerSchema.safeParse(parsed);
  if (!answer.success) {
    throw new ExternalError(`${where} answered 200 without a "data" string`, { extension: name, endpoint: extension.endpoint, status });
  }
  return answer.data.data === '' ? { kind: 'fallback' } : { kind: 'config', text: answer.data.data };
}

/** fetch's own message is "fetch failed"; the reason is in its cause. */
function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause;
    return cause instanceof Error ? cause.message : error.message;
  }
  return String(error);
}
