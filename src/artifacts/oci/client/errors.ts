import { ExternalError } from '../../../core/index.ts';

/** One entry of a distribution-spec error body (`{"errors":[{code,message,detail}]}`). */
export interface RegistryErrorEntry {
  code: string;
  message?: string;
  detail?: unknown;
}

/** The `errors[]` of a registry answer, or nothing when the body is not that shape. */
export function parseErrorBody(text: string): RegistryErrorEntry[] {
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(body.errors)) return [];
    return body.errors
      .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null)
      .map((entry) => ({
        code: typeof entry.code === 'string' ? entry.code : 'UNKNOWN',
        ...(typeof entry.message === 'string' ? { message: entry.message } : {}),
        ...(entry.detail !== undefined ? { detail: entry.detail } : {}),
      }));
  } catch {
    return [];
  }
}

/** An `ExternalError` naming the request, the status and what the registry said. */
export function registryError(registry: string, what: string, status: number, bodyText: string): ExternalError {
  const errors = parseErrorBody(bodyText);
  const said = errors.length > 0
    ? errors.map((entry) => (entry.message ? `${entry.code}: ${entry.message}` : entry.code)).join('; ')
    : bodyText.trim().slice(0, 200);
  return new ExternalError(`registry ${registry}: ${what} failed with HTTP ${status}${said ? ` (${said})` : ''}`, {
    registry,
    status,
    errors,
  });
}

/** Reads an error response body for a message, never failing. */
export async function readErrorText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch {
    return '';
  }
}
