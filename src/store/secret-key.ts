import { ConfigError } from '../core/index.ts';

const KEY_BYTES = 32;

/**
 * The AES-256 key for secrets at rest: 32 raw bytes, or a string holding 32
 * bytes as hex (64 characters) or base64/base64url (43–44 characters).
 */
export function parseSecretKey(input: Buffer | string): Buffer {
  if (Buffer.isBuffer(input)) {
    if (input.length === KEY_BYTES) return Buffer.from(input);
    throw keyError(`a Buffer of ${input.length} bytes`);
  }
  const text = input.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) {
    const key = Buffer.from(text, 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw keyError(`a string of ${text.length} characters that is neither hex nor base64 of 32 bytes`);
}

function keyError(got: string): ConfigError {
  return new ConfigError(
    `secret key must be 32 bytes: a Buffer of 32 bytes, 64 hex characters or 44 base64 characters (e.g. \`openssl rand -base64 32\`); got ${got}`,
  );
}
