/**
 * Signs an extension request the way Drone's server does (drone-go
 * `plugin/internal/client`): an HTTP Signature (draft-cavage) with
 * hmac-sha256 keyed by the shared secret's bytes, over the `accept`,
 * `accept-encoding`, `content-type`, `date` and `digest` headers, where
 * `digest` is `SHA-256=<base64 of the body's sha256>`. `(request-target)`
 * is left out, as Drone does, because reverse proxies rewrite it.
 */
import { createHash, createHmac } from 'node:crypto';

export const signedHeaders = ['accept', 'accept-encoding', 'content-type', 'date', 'digest'] as const;

/** The key id Drone's server sends; extensions do not check it. */
const keyId = 'hmac-key';

export interface SignInput {
  body: string;
  secret: string;
  /** Milliseconds since the epoch, for the `Date` header. */
  now: number;
  accept: string;
}

/** Request headers (lower-case names) including `signature`. */
export function signedRequestHeaders(input: SignInput): Record<string, string> {
  const headers: Record<string, string> = {
    accept: input.accept,
    'accept-encoding': 'identity',
    'content-type': 'application/json',
    // RFC 7231 IMF-fixdate, the layout of Go's http.TimeFormat.
    date: new Date(input.now).toUTCString(),
    digest: `SHA-256=${createHash('sha256').update(input.body).digest('base64')}`,
  };
  const signingString = signedHeaders.map((name) => `${name}: ${headers[name] ?? ''}`).join('\n');
  const signature = createHmac('sha256', input.secret).update(signingString).digest('base64');
  headers.signature = `keyId="${keyId}",algorithm="hmac-sha256",signature="${signature}",headers="${signedHeaders.join(' ')}"`;
  return headers;
}
