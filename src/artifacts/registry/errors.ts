import { TrunklineError, type ErrorCode } from '../../core/index.ts';

/** Error codes of the distribution-spec (`{"errors":[{"code",...}]}`). */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS';

const defaults: Record<RegistryErrorCode, { status: number; code: ErrorCode }> = {
  BLOB_UNKNOWN: { status: 404, code: 'not_found' },
  BLOB_UPLOAD_INVALID: { status: 400, code: 'config' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, code: 'not_found' },
  DIGEST_INVALID: { status: 400, code: 'config' },
  MANIFEST_BLOB_UNKNOWN: { status: 400, code: 'config' },
  MANIFEST_INVALID: { status: 400, code: 'config' },
  MANIFEST_UNKNOWN: { status: 404, code: 'not_found' },
  NAME_INVALID: { status: 400, code: 'config' },
  NAME_UNKNOWN: { status: 404, code: 'not_found' },
  SIZE_INVALID: { status: 400, code: 'config' },
  UNAUTHORIZED: { status: 401, code: 'unauthorized' },
  DENIED: { status: 403, code: 'forbidden' },
  UNSUPPORTED: { status: 415, code: 'config' },
  TOOMANYREQUESTS: { status: 429, code: 'conflict' },
};

/**
 * A registry refusal: a Trunkline error (so generic handlers map it) that
 * also carries the spec's error code and the HTTP status the spec asks for.
 */
export class RegistryError extends TrunklineError {
  readonly registryCode: RegistryErrorCode;
  readonly status: number;

  constructor(registryCode: RegistryErrorCode, message: string, options: { status?: number; detail?: unknown } = {}) {
    super(defaults[registryCode].code, message, options.detail);
    this.registryCode = registryCode;
    this.status = options.status ?? defaults[registryCode].status;
  }
}

export function isRegistryError(value: unknown): value is RegistryError {
  return value instanceof RegistryError;
}
