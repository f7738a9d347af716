import type { Headers } from '../contract.ts';

/** A header's value (the first, when repeated); names are matched lower-cased. */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}
