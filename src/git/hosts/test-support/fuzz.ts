import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError } from '../../../core/index.ts';
import type { WebhookAdapter } from '../contract.ts';
import { hmacHex } from './fixtures.ts';
import type { Delivery } from './fixtures.ts';

/** Whatever `parse` returns or throws for `body` is a list of well-formed events, an ignored reason or a `ConfigError`. */
export function assertParsesOrRefuses(adapter: WebhookAdapter, delivery: Delivery, body: unknown): void {
  let result;
  try {
    result = adapter.parse(delivery.headers, body);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `unexpected ${String(error)}`);
    assert.match(error.message, /payload/);
    return;
  }
  if ('ignored' in result) {
    assert.equal(typeof result.ignored, 'string');
    return;
  }
  for (const event of result) {
    assert.equal(event.provider, adapter.provider);
    for (const field of ['ref', 'branch', 'before', 'after', 'commit'] as const) assert.equal(typeof event[field], 'string', field);
    assert.equal(typeof event.repo.namespace, 'string');
    assert.equal(typeof event.repo.name, 'string');
  }
}

/** Every JSON path of a value: `[]` is the root. */
export function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) paths.push(...pathsOf(member, [...prefix, key]));
  }
  return paths;
}

/** A deep copy of `value` with the member at `path` replaced by `replacement`, or removed when `replacement` is undefined. */
export function mutate(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  const copy: unknown = structuredClone(value);
  if (path.length === 0) return replacement;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

/** Fuzzes an adapter with random JSON bodies and with fixtures whose members are replaced or removed. */
export function fuzzAdapter(adapter: WebhookAdapter, deliveries: Array<[string, Delivery]>): void {
  const all = deliveries.map(([, delivery]) => delivery);
  fc.assert(
    fc.property(fc.constantFrom(...all), fc.jsonValue(), (delivery, body) => {
      assertParsesOrRefuses(adapter, delivery, body);
      const repository = adapter.repository(body);
      assert.ok(repository === undefined || typeof repository === 'string');
    }),
    { numRuns: 300 },
  );
  for (const [name, delivery] of deliveries) {
    const paths = pathsOf(delivery.body);
    try {
      fc.assert(
        fc.property(fc.constantFrom(...paths), fc.option(fc.jsonValue(), { nil: undefined }), (path, replacement) => {
          assertParsesOrRefuses(adapter, delivery, mutate(delivery.body, path, replacement));
        }),
        { numRuns: 150 },
      );
    } catch (error) {
      throw new Error(`mutated fixture ${name}`, { cause: error });
    }
  }
}

/** `verify` never throws for random signature headers, bodies and secrets, and agrees with `oracle` (a plain restatement of the host's rule). */
export function fuzzVerify(adapter: WebhookAdapter, headerName: string, oracle: (header: string, body: Buffer, secret: string) => boolean): void {
  const value = fc.oneof(fc.string(), fc.stringMatching(/^(sha256=)?[0-9a-f]{0,70}$/), fc.array(fc.string(), { maxLength: 2 }), fc.constant(undefined));
  fc.assert(
    fc.property(value, fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 8 }), (signature, bytes, secret) => {
      const body = Buffer.from(bytes);
      const first = Array.isArray(signature) ? signature[0] : signature;
      const expected = first !== undefined && first !== '' && secret !== '' && oracle(first, body, secret);
      assert.equal(adapter.verify({ [headerName]: signature }, body, secret), expected);
      // The right signature for this body and secret always passes.
      if (secret !== '') assert.equal(adapter.verify({ [headerName]: rightHeader(headerName, body, secret) }, body, secret), true);
    }),
    { numRuns: 300 },
  );
}

function rightHeader(headerName: string, body: Buffer, secret: string): string {
  if (headerName === 'x-gitlab-token') return secret;
  const hex = hmacHex(secret, body);
  return headerName === 'x-hub-signature-256' ? `sha256=${hex}` : hex;
}
