/**
 * A copy of a plain object tree without `undefined` members, so an event
 * holds only what the payload said (and compares equal to a literal).
 */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => compact(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) out[key] = compact(member);
  }
  return out as T;
}
